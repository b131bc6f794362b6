/**
 * Tell throughput: persistent, confirmed tells to counter entity actors spread over 10k ids,
 * `concurrency` in flight, timed until the handlers have applied them all; against raw amqplib
 * persistent + confirmed publishing to one quorum queue, consumed and acked by a raw consumer.
 * Run alone: `node dist/bench/tell.bench.js`.
 */

import { performance } from 'node:perf_hooks';
import type { ActorRef } from '@warren/actors';
import { connect } from 'amqplib';
import { add, applied, BenchCounter } from './bench-actors';
import { type BenchRow, QUICK, ROUNDS, rawBody, runConcurrent, startWarren, until, withVhost } from './support';

const ACTORS = 10_000;
const COUNT = QUICK ? 5_000 : 40_000;
const WARMUP = QUICK ? 500 : 2_000;
const CONCURRENCY = 500;
const RAW_PREFETCH = 1000;

async function warrenTells(url: string): Promise<{ perSecond: number; confirmedPerSecond: number }> {
  const node = await startWarren(url, [{ instance: new BenchCounter() }], {
    label: 'tell',
    runtime: { passivateAfterMs: 3_600_000 },
  });
  try {
    const refs: ActorRef[] = Array.from({ length: ACTORS }, (_, i) => node.runtime.ref(`bench-counter/c-${i}`));
    // Consecutive messages go to different actors (7919 is prime: i ↦ key is a permutation of each 10k).
    const refOf = (i: number) => refs[(i * 7919) % ACTORS];
    const run = async (count: number, offset: number) => {
      const target = applied.count + count;
      const t0 = performance.now();
      await runConcurrent(count, CONCURRENCY, (i) => refOf(offset + i).tell(add(1)));
      const confirmedMs = performance.now() - t0;
      await until(() => applied.count >= target, `${count} tells to be applied`, 120_000, 2);
      return { ms: performance.now() - t0, confirmedMs };
    };
    await run(WARMUP, 0);
    const { ms, confirmedMs } = await run(COUNT, WARMUP);
    return { perSecond: (COUNT / ms) * 1000, confirmedPerSecond: (COUNT / confirmedMs) * 1000 };
  } finally {
    await node.stop();
  }
}

async function rawTells(url: string): Promise<number> {
  const conn = await connect(url, { noDelay: true });
  try {
    const pub = await conn.createConfirmChannel();
    const sub = await conn.createChannel();
    const queue = 'bench.raw.tell';
    await pub.assertQueue(queue, { durable: true, arguments: { 'x-queue-type': 'quorum' } });
    let consumed = 0;
    await sub.prefetch(RAW_PREFETCH);
    await sub.consume(
      queue,
      (m) => {
        if (!m) return;
        consumed++;
        sub.ack(m);
      },
      { noAck: false },
    );
    const publish = (i: number) =>
      new Promise<void>((resolve, reject) => {
        pub.publish('', queue, rawBody(i), { persistent: true, messageId: String(i) }, (err) => (err ? reject(err) : resolve()));
      });
    const run = async (count: number) => {
      const target = consumed + count;
      const t0 = performance.now();
      await runConcurrent(count, CONCURRENCY, publish);
      await until(() => consumed >= target, `${count} raw messages to be consumed`, 120_000, 2);
      return performance.now() - t0;
    };
    await run(WARMUP);
    const ms = await run(COUNT);
    return (COUNT / ms) * 1000;
  } finally {
    await conn.close();
  }
}

export async function runTellBench(): Promise<BenchRow[]> {
  let baseline = 0;
  let warren = { perSecond: 0, confirmedPerSecond: 0 };
  for (let round = 0; round < ROUNDS; round++) {
    baseline = Math.max(baseline, await withVhost('tell-raw', (v) => rawTells(v.url)));
    const w = await withVhost('tell', (v) => warrenTells(v.url));
    if (w.perSecond > warren.perSecond) warren = w;
  }
  const ratio = warren.perSecond / baseline;
  return [
    {
      name: 'tell throughput',
      unit: 'msg/s',
      warren: warren.perSecond,
      baseline,
      ratio,
      target: '≥ 0.8×',
      met: ratio >= 0.8,
      how:
        `${COUNT} \`ref.tell()\` (persistent, confirmed) to bench-counter actors over ${ACTORS} ids, ${CONCURRENCY} in flight, ` +
        `timed until every handler applied its message (state saved, acked; default 16 shards × prefetch 256; ${WARMUP} warm-up first); ` +
        `confirms alone: ${Math.round(warren.confirmedPerSecond)} msg/s; best of ${ROUNDS} interleaved rounds per side. Baseline: raw amqplib confirm channel, persistent ~300 B ` +
        `bodies to one quorum queue, ${CONCURRENCY} in flight, one raw consumer (prefetch ${RAW_PREFETCH}) counting and acking each; same connection for both.`,
    },
  ];
}

if (require.main === module) {
  // BENCH_SIDE=warren runs Warren's side alone (for `node --cpu-prof`).
  const run =
    process.env.BENCH_SIDE === 'warren'
      ? () =>
          withVhost('tell', (v) => warrenTells(v.url)).then((w) => [
            { name: 'tell throughput (Warren only)', unit: 'msg/s', warren: w.perSecond, how: '' },
          ])
      : runTellBench;
  run().then(
    (rows) => console.table(rows.map(({ how, ...r }) => r)),
    (error: unknown) => {
      console.error(error);
      process.exitCode = 1;
    },
  );
}
