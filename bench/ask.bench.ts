/**
 * Asks to a worker actor (echo): sequential latency against raw amqplib direct reply-to
 * request/response, and throughput with 200 in flight (compared with Nest's RMQ transport
 * by run-all, see nest.bench.ts). Run alone: `node dist/bench/ask.bench.js`.
 */

import { performance } from 'node:perf_hooks';
import { connect } from 'amqplib';
import { BenchEcho, ping } from './bench-actors';
import { type BenchRow, percentile, QUICK, ROUNDS, rawBody, runConcurrent, startWarren, withVhost } from './support';

export const ASK_IN_FLIGHT = 200;
export const ASK_THROUGHPUT_COUNT = QUICK ? 3_000 : 20_000;
const LATENCY_COUNT = QUICK ? 500 : 3_000;
const LATENCY_WARMUP = QUICK ? 200 : 500;
const WORKER_PREFETCH = 256;

export interface Latency {
  p50: number;
  p99: number;
  /** CPU time of this process (user + system) per round trip, µs: client and server side together. */
  cpuUs: number;
}

/** Sequential round trips: `warmup` unmeasured, then `count` measured (ms). */
async function sequential(warmup: number, count: number, once: () => Promise<unknown>): Promise<Latency> {
  for (let i = 0; i < warmup; i++) await once();
  const samples = new Float64Array(count);
  const cpu0 = process.cpuUsage();
  for (let i = 0; i < count; i++) {
    const t0 = performance.now();
    await once();
    samples[i] = performance.now() - t0;
  }
  const cpu = process.cpuUsage(cpu0);
  samples.sort();
  return { p50: percentile(samples, 0.5), p99: percentile(samples, 0.99), cpuUs: (cpu.user + cpu.system) / count };
}

/** `count` calls with `inFlight` concurrent; returns calls per second. */
async function throughput(count: number, inFlight: number, once: () => Promise<unknown>): Promise<number> {
  await runConcurrent(Math.min(1000, count), inFlight, once); // warm-up
  const t0 = performance.now();
  await runConcurrent(count, inFlight, once);
  return (count / (performance.now() - t0)) * 1000;
}

/** Warren: latency and throughput of `runtime.ref('bench-echo/default').ask()`. */
export async function warrenAsks(url: string): Promise<{ latency: Latency; perSecond: number }> {
  const node = await startWarren(url, [{ instance: new BenchEcho(), options: { prefetch: WORKER_PREFETCH } }], { label: 'ask' });
  try {
    const ref = node.runtime.ref('bench-echo/default');
    const once = () => ref.ask(ping('hello'));
    const latency = await sequential(LATENCY_WARMUP, LATENCY_COUNT, once);
    const perSecond = await throughput(ASK_THROUGHPUT_COUNT, ASK_IN_FLIGHT, once);
    return { latency, perSecond };
  } finally {
    await node.stop();
  }
}

/**
 * Raw amqplib: a request (persistent, ~300 B) to a quorum queue, as Warren's worker queues are;
 * a raw consumer replies to `amq.rabbitmq.reply-to` and acks; the client matches correlation ids.
 */
export async function rawAsks(
  url: string,
  path: { quorum: boolean; throughput: boolean },
): Promise<{ latency: Latency; perSecond: number }> {
  const conn = await connect(url, { noDelay: true });
  try {
    const server = await conn.createChannel();
    const client = await conn.createChannel();
    const queue = path.quorum ? 'bench.raw.echo' : 'bench.raw.echo.classic';
    if (path.quorum) await server.assertQueue(queue, { durable: true, arguments: { 'x-queue-type': 'quorum' } });
    else await server.assertQueue(queue, { durable: false, exclusive: true });
    await server.prefetch(WORKER_PREFETCH);
    await server.consume(queue, (m) => {
      if (!m) return;
      server.sendToQueue(m.properties.replyTo, m.content, { correlationId: m.properties.correlationId });
      server.ack(m);
    });
    const pending = new Map<string, () => void>();
    await client.consume(
      'amq.rabbitmq.reply-to',
      (m) => {
        if (!m) return;
        const done = pending.get(m.properties.correlationId);
        pending.delete(m.properties.correlationId);
        done?.();
      },
      { noAck: true },
    );
    let seq = 0;
    const body = rawBody(0);
    const once = () =>
      new Promise<void>((resolve) => {
        const id = String(seq++);
        pending.set(id, resolve);
        client.publish('', queue, body, { replyTo: 'amq.rabbitmq.reply-to', correlationId: id, persistent: path.quorum });
      });
    const latency = await sequential(LATENCY_WARMUP, LATENCY_COUNT, once);
    const perSecond = path.throughput ? await throughput(ASK_THROUGHPUT_COUNT, ASK_IN_FLIGHT, once) : Number.NaN;
    return { latency, perSecond };
  } finally {
    await conn.close();
  }
}

export interface AskResults {
  warren: { latency: Latency; perSecond: number };
  raw: { latency: Latency; perSecond: number };
  /** Raw request/response over a classic, non-durable queue with transient messages: the broker's fastest path. */
  rawClassic: { latency: Latency };
}

/** Best of each figure over the rounds (lowest latency, highest throughput). */
function best<T extends { latency: Latency; perSecond: number }>(a: T | undefined, b: T): T {
  if (!a) return b;
  return {
    ...b,
    latency: {
      p50: Math.min(a.latency.p50, b.latency.p50),
      p99: Math.min(a.latency.p99, b.latency.p99),
      cpuUs: Math.min(a.latency.cpuUs, b.latency.cpuUs),
    },
    perSecond: Math.max(a.perSecond, b.perSecond),
  };
}

export async function runAskBench(): Promise<AskResults> {
  let raw: AskResults['raw'] | undefined;
  let rawClassic: AskResults['raw'] | undefined;
  let warren: AskResults['warren'] | undefined;
  for (let round = 0; round < ROUNDS; round++) {
    await withVhost('ask-raw', async (v) => {
      raw = best(raw, await rawAsks(v.url, { quorum: true, throughput: true }));
      rawClassic = best(rawClassic, await rawAsks(v.url, { quorum: false, throughput: false }));
    });
    warren = best(warren, await withVhost('ask', (v) => warrenAsks(v.url)));
  }
  if (!raw || !rawClassic || !warren) throw new Error('BENCH_ROUNDS must be at least 1');
  return { warren, raw, rawClassic };
}

export function askLatencyRows(r: AskResults): BenchRow[] {
  const p50Ratio = r.warren.latency.p50 / r.raw.latency.p50;
  const how =
    `${LATENCY_COUNT} sequential \`ref.ask()\` to worker bench-echo/default (after ${LATENCY_WARMUP} warm-up), client and worker in one process; best of ${ROUNDS} interleaved rounds per side (p50 and p99 each). ` +
    'Baseline: raw amqplib, persistent ~300 B request to a quorum queue (as Warren worker queues), raw consumer replies via direct reply-to and acks. ' +
    `CPU of the node process per ask (client + worker): Warren ${Math.round(r.warren.latency.cpuUs)} µs, raw ${Math.round(r.raw.latency.cpuUs)} µs.`;
  return [
    {
      name: 'ask latency p50',
      unit: 'ms',
      warren: r.warren.latency.p50,
      baseline: r.raw.latency.p50,
      ratio: p50Ratio,
      target: '≤ 1.2×',
      met: p50Ratio <= 1.2,
      how,
    },
    {
      name: 'ask latency p99',
      unit: 'ms',
      warren: r.warren.latency.p99,
      baseline: r.raw.latency.p99,
      ratio: r.warren.latency.p99 / r.raw.latency.p99,
      target: '≤ 2 ms',
      met: r.warren.latency.p99 <= 2,
      how: 'same run as the p50 line',
    },
    {
      name: 'ask latency p50, raw classic queue',
      unit: 'ms',
      baseline: r.rawClassic.latency.p50,
      target: 'reference',
      how:
        'the raw baseline again over a classic non-durable queue with transient messages (no quorum/Raft write, no fsync): ' +
        'what the broker path alone costs. Warren asks always go through quorum queues, persistent.',
    },
    { name: 'ask latency p99, raw classic queue', unit: 'ms', baseline: r.rawClassic.latency.p99, target: 'reference', how: 'same run' },
  ];
}

if (require.main === module && process.env.BENCH_SIDE === 'warren') {
  // Warren's side alone (for `node --cpu-prof`).
  withVhost('ask', (v) => warrenAsks(v.url)).then(
    (w) =>
      console.log(`Warren ask p50 ${w.latency.p50.toFixed(2)} ms p99 ${w.latency.p99.toFixed(2)} ms, ${Math.round(w.perSecond)} asks/s`),
    (error: unknown) => {
      console.error(error);
      process.exitCode = 1;
    },
  );
} else if (require.main === module) {
  runAskBench().then(
    (r) => {
      console.table(askLatencyRows(r).map(({ how, ...row }) => row));
      console.log(
        `ask throughput (${ASK_IN_FLIGHT} in flight): Warren ${Math.round(r.warren.perSecond)}/s, raw ${Math.round(r.raw.perSecond)}/s`,
      );
    },
    (error: unknown) => {
      console.error(error);
      process.exitCode = 1;
    },
  );
}
