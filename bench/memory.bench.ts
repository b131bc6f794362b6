/**
 * Memory of active entity actors: activates `count` counter actors (one tell each, spread over
 * the shards) in a runtime with room for them all, forces GC and reports the heap growth and
 * `runtime.entities.activeCount`. Needs `--expose-gc`; run-all starts it as a child:
 * `AMQP_URL=amqp://…/<vhost> node --expose-gc dist/bench/memory.bench.js` prints one `BENCH_RESULT {json}` line.
 */

import { performance } from 'node:perf_hooks';
import { add, applied, BenchCounter } from './bench-actors';
import { QUICK, runConcurrent, sleep, startWarren, until } from './support';

export const MEMORY_ACTORS = Number(process.env.BENCH_MEMORY_ACTORS ?? (QUICK ? 10_000 : 100_000));
const IN_FLIGHT = 500;

export interface MemoryResult {
  actors: number;
  activeCount: number;
  heapBeforeMB: number;
  heapAfterMB: number;
  heapDeltaMB: number;
  bytesPerActor: number;
  rssDeltaMB: number;
  activateSeconds: number;
}

async function fullGc(): Promise<void> {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) throw new Error('run with node --expose-gc');
  for (let i = 0; i < 4; i++) {
    gc();
    await sleep(20);
  }
}

const MB = 1024 * 1024;

export async function measureMemory(url: string, count: number): Promise<MemoryResult> {
  const node = await startWarren(url, [{ instance: new BenchCounter() }], {
    label: 'memory',
    runtime: { maxActivations: Math.max(200_000, count * 2), passivateAfterMs: 3_600_000 },
  });
  try {
    await fullGc();
    const before = process.memoryUsage();
    const t0 = performance.now();
    // Addresses are built on the fly: the client side keeps nothing per actor.
    await runConcurrent(count, IN_FLIGHT, (i) => node.runtime.ref(`bench-counter/m-${i}`).tell(add(1)));
    await until(() => applied.count >= count, `${count} activations`, 300_000, 10);
    const activateSeconds = (performance.now() - t0) / 1000;
    await sleep(500); // last acks and saves settle
    await fullGc();
    const after = process.memoryUsage();
    const activeCount = node.runtime.entities.activeCount;
    const delta = after.heapUsed - before.heapUsed;
    return {
      actors: count,
      activeCount,
      heapBeforeMB: before.heapUsed / MB,
      heapAfterMB: after.heapUsed / MB,
      heapDeltaMB: delta / MB,
      bytesPerActor: delta / Math.max(1, activeCount),
      rssDeltaMB: (after.rss - before.rss) / MB,
      activateSeconds,
    };
  } finally {
    await node.stop();
  }
}

if (require.main === module) {
  const url = process.env.AMQP_URL;
  if (!url) throw new Error('set AMQP_URL to the vhost to use');
  measureMemory(url, MEMORY_ACTORS).then(
    (r) => {
      console.log(`BENCH_RESULT ${JSON.stringify(r)}`);
      process.exit(0);
    },
    (error: unknown) => {
      console.error(error);
      process.exit(1);
    },
  );
}
