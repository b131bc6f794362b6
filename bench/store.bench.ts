/**
 * State store benchmark: save and load throughput with p99 latency, and the cost of the
 * processed-id (redelivery) check, for the embedded store (always) and MongoDB (when MONGO_URL is set).
 * Run alone: `node dist/bench/store.bench.js` (after the build) prints a table.
 */

import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { createStore, type StoreOptions, storeOptionsFromEnv, type WarrenStore } from '../libs/store/src/index';

/** One measured figure. */
export interface BenchResult {
  name: string;
  value: number;
  unit: string;
  note?: string;
}

/** Sizes of one run; MongoDB runs are smaller (every operation is a network round trip). */
interface BenchSize {
  actors: number;
  saves: number;
  loads: number;
  checks: number;
}

const EMBEDDED_SIZE: BenchSize = { actors: 100, saves: 30_000, loads: 5_000, checks: 30_000 };
const MONGO_SIZE: BenchSize = { actors: 20, saves: 3_000, loads: 1_000, checks: 2_000 };

/** A typical session state: a few hundred bytes of JSON. */
function sessionState(turn: number): Record<string, unknown> {
  return {
    turn,
    language: 'en',
    tags: ['returning', 'premium'],
    summary: 'The user asked about their order and the assistant explained the delivery window.',
    lastTaskId: `task-${turn}`,
    pending: null,
  };
}

/** Runs `count` awaited operations; returns throughput (ops/s) and p99 latency (µs). */
async function measure(count: number, op: (i: number) => Promise<unknown>): Promise<{ perSecond: number; p99Us: number }> {
  const latencies = new Float64Array(count);
  const started = performance.now();
  for (let i = 0; i < count; i++) {
    const t0 = performance.now();
    await op(i);
    latencies[i] = performance.now() - t0;
  }
  const elapsedMs = performance.now() - started;
  latencies.sort();
  return { perSecond: Math.round((count / elapsedMs) * 1000), p99Us: Math.round(latencies[Math.floor(count * 0.99)] * 1000) };
}

type SaveKind = 'tell' | 'ask' | 'plain';

async function benchStore(label: string, store: WarrenStore, size: BenchSize, note: string): Promise<BenchResult[]> {
  const window = 256;
  const addresses = Array.from({ length: size.actors }, (_, i) => `session/bench~${randomUUID().slice(0, 8)}-${i}`);
  const versions = new Map<string, number>(addresses.map((a) => [a, 0]));
  const recent: string[] = [];
  const reply = { text: 'y'.repeat(200) };
  const save = async (i: number, kind: SaveKind) => {
    const address = addresses[i % addresses.length];
    const expectedVersion = versions.get(address) ?? 0;
    const id = randomUUID();
    if (recent.push(id) > 100) recent.shift();
    const processed = kind === 'plain' ? undefined : { id, reply: kind === 'ask' ? reply : undefined, at: Date.now() };
    versions.set(address, await store.actors.save({ address, expectedVersion, state: sessionState(expectedVersion), processed }));
  };
  // Fill every actor's processed window first, so the measured saves also evict (steady state).
  const warm = size.actors * (window + 1);
  for (let i = 0; i < warm; i++) await save(i, 'tell');

  const tells = await measure(size.saves, (i) => save(i, 'tell'));
  const asks = await measure(Math.floor(size.saves / 3), (i) => save(i, 'ask'));
  const plain = await measure(Math.floor(size.saves / 3), (i) => save(i, 'plain'));
  const loads = await measure(size.loads, (i) => store.actors.load(addresses[i % addresses.length]));
  const hits = await measure(size.checks, (i) => store.actors.hasProcessed(addresses[i % addresses.length], recent[i % recent.length]));
  const misses = await measure(size.checks, (i) => store.actors.hasProcessed(addresses[i % addresses.length], randomUUID()));
  const idCost = (1e6 / tells.perSecond - 1e6 / plain.perSecond).toFixed(1);
  return [
    {
      name: `store.${label}.save`,
      value: tells.perSecond,
      unit: 'ops/s',
      note: `state (~300 B) + processed id, ${size.actors} actors; ${note}`,
    },
    { name: `store.${label}.save.p99`, value: tells.p99Us, unit: 'us' },
    { name: `store.${label}.save_ask`, value: asks.perSecond, unit: 'ops/s', note: 'state + processed id + 200 B reply' },
    { name: `store.${label}.save_ask.p99`, value: asks.p99Us, unit: 'us' },
    {
      name: `store.${label}.save_without_id`,
      value: plain.perSecond,
      unit: 'ops/s',
      note: `recording the id costs ~${idCost} us per save`,
    },
    { name: `store.${label}.load`, value: loads.perSecond, unit: 'ops/s', note: `with a full window of ${window} processed ids` },
    { name: `store.${label}.load.p99`, value: loads.p99Us, unit: 'us' },
    { name: `store.${label}.has_processed.hit`, value: hits.perSecond, unit: 'ops/s', note: 'the redelivery check' },
    { name: `store.${label}.has_processed.hit.p99`, value: hits.p99Us, unit: 'us' },
    { name: `store.${label}.has_processed.miss`, value: misses.perSecond, unit: 'ops/s', note: 'a new message: the whole window is read' },
    { name: `store.${label}.has_processed.miss.p99`, value: misses.p99Us, unit: 'us' },
  ];
}

async function withStore(options: StoreOptions, run: (store: WarrenStore) => Promise<BenchResult[]>): Promise<BenchResult[]> {
  const store = createStore(options);
  try {
    await store.init();
    return await run(store);
  } finally {
    await store.close();
  }
}

/** Runs the store benchmarks; MongoDB only when MONGO_URL is set. */
export async function runStoreBench(): Promise<BenchResult[]> {
  const dataDir = mkdtempSync(join(process.env.WARREN_BENCH_DIR ?? tmpdir(), 'warren-store-bench-'));
  const results: BenchResult[] = [];
  try {
    const note = `SQLite WAL, synchronous=NORMAL, in ${dataDir}`;
    results.push(...(await withStore({ kind: 'embedded', dataDir }, (store) => benchStore('embedded', store, EMBEDDED_SIZE, note))));
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
  const { mongoUrl } = storeOptionsFromEnv();
  if (mongoUrl === undefined) {
    results.push({ name: 'store.mongo', value: 0, unit: 'skipped', note: 'MONGO_URL is not set' });
    return results;
  }
  const mongoDatabase = `warren_bench_${randomUUID().slice(0, 8)}`;
  results.push(
    ...(await withStore({ kind: 'mongo', mongoUrl, mongoDatabase }, async (store) => {
      try {
        return await benchStore('mongo', store, MONGO_SIZE, 'write concern majority');
      } finally {
        await dropDatabase(mongoUrl, mongoDatabase);
      }
    })),
  );
  return results;
}

/** Removes the benchmark's throwaway database (the driver is only imported inside libs/store). */
async function dropDatabase(mongoUrl: string, mongoDatabase: string): Promise<void> {
  const { MongoStore } = await import('../libs/store/src/mongo/mongo-store');
  const { resolveStoreOptions } = await import('../libs/store/src/store-options');
  const store = new MongoStore(resolveStoreOptions({ mongoUrl, mongoDatabase }));
  try {
    await store.dropDatabase();
  } finally {
    await store.close();
  }
}

if (require.main === module) {
  runStoreBench().then(
    (results) => console.table(results),
    (error: unknown) => {
      console.error(error);
      process.exitCode = 1;
    },
  );
}
