/**
 * `npm run bench`: runs every benchmark one after the other (each in its own vhost), prints one
 * table and writes bench/RESULTS.md. `BENCH_QUICK=1` is a ~30 s smoke run with smaller counts
 * (printed only: RESULTS.md keeps the last full run). `BENCH_ONLY=floor,turn` (names: tell, ask,
 * memory, floor, turn, first-delta, gateway, gateway-http, store, router, moderation, limiter, knowledge, cluster, …) runs a part, printed only too.
 * Children: the Nest baseline and the memory bench (with --expose-gc) run as separate node processes,
 * and so do both turn floors (shared/bench/floor-turn.js, plain and LEAN=1) and the Warren app under
 * the turn, first-delta and gateway benches (`BENCH_SYSTEM_NODE_ARGS="--cpu-prof --cpu-prof-dir=/tmp/prof"`
 * profiles that app; `node dist/bench/turn-profile.js` profiles sequential turns alone).
 */

import { loadavg } from 'node:os';
import { delimiter, join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { ASK_IN_FLIGHT, ASK_THROUGHPUT_COUNT, askLatencyRows, runAskBench } from './ask.bench';
import { type FirstDeltaResult, firstDeltaRows, runFirstDeltaBench } from './first-delta.bench';
import { bestFloors, type FloorRun, type Floors, floorRows, runFloorBench, runFloorsOnce } from './floor.bench';
import { type GatewayBenchResult, runGatewayBench } from './gateway.bench';
import { gatewayRows } from './gateway-report';
import type { MemoryResult } from './memory.bench';
import { textTable, writeResults } from './results-file';
import { runStoreBench } from './store.bench';
import { type BenchRow, benchResult, QUICK, ROUNDS, repoRoot, runNode, withVhost } from './support';
import { runTellBench } from './tell.bench';
import { runTurnBench, type TurnBenchResult } from './turn.bench';
import { turnRows, turnsSection } from './turn-report';

const ROOT = repoRoot();
const DIST_BENCH = __dirname;

/** Node module path for children: the caller's NODE_PATH (e.g. where amqp-connection-manager lives), then the repo's. */
function childNodePath(): string {
  return [process.env.NODE_PATH, join(ROOT, 'node_modules')].filter(Boolean).join(delimiter);
}

async function askRows(): Promise<BenchRow[]> {
  const ask = await runAskBench();
  const rows = askLatencyRows(ask);
  let nest: { perSecond: number } | { skipped: string } = { perSecond: 0 };
  for (let round = 0; round < ROUNDS && 'perSecond' in nest; round++) {
    const r = await withVhost('nest', async (v) =>
      benchResult<{ perSecond: number } | { skipped: string }>(
        await runNode([], join(DIST_BENCH, 'nest.bench.js'), { AMQP_URL: v.url, NODE_PATH: childNodePath() }, 180_000),
      ),
    );
    if ('skipped' in r || r.perSecond > nest.perSecond) nest = r;
  }
  const how =
    `${ASK_THROUGHPUT_COUNT} \`ref.ask()\` to worker bench-echo/default, ${ASK_IN_FLIGHT} in flight (worker prefetch 256; default 16), after 1000 warm-up, best of ${ROUNDS} rounds per side; ` +
    `raw amqplib direct reply-to on the same path: ${Math.round(ask.raw.perSecond)}/s. Baseline: Nest 11 RMQ transport, ` +
    `createMicroservice(Transport.RMQ) + @MessagePattern echo, ClientsModule ClientRMQ \`send\` with ${ASK_IN_FLIGHT} in flight, same process; ` +
    "Nest's default queue options: classic durable queue (queueOptions {}), non-persistent messages, server noAck (auto-ack), prefetchCount 0 " +
    '(Warren: quorum queue, persistent, manual ack after the reply, class-validator on every message, CloudEvents envelope).';
  if ('skipped' in nest) {
    rows.push({
      name: 'ask throughput',
      unit: 'asks/s',
      warren: ask.warren.perSecond,
      target: '≥ 1.2×',
      how: `Nest baseline skipped: ${nest.skipped}. ${how}`,
    });
  } else {
    const ratio = ask.warren.perSecond / nest.perSecond;
    rows.push({
      name: 'ask throughput',
      unit: 'asks/s',
      warren: ask.warren.perSecond,
      baseline: nest.perSecond,
      ratio,
      target: '≥ 1.2×',
      met: ratio >= 1.2,
      how,
    });
  }
  return rows;
}

async function memoryRows(): Promise<BenchRow[]> {
  const r = await withVhost('memory', async (v) =>
    benchResult<MemoryResult>(
      await runNode(['--expose-gc'], join(DIST_BENCH, 'memory.bench.js'), { AMQP_URL: v.url, NODE_PATH: childNodePath() }, 300_000),
    ),
  );
  const per100k = (r.heapDeltaMB * 100_000) / r.actors;
  const scaled = r.actors !== 100_000;
  return [
    {
      name: `memory, ${r.actors / 1000}k active entities`,
      unit: 'MB heap',
      warren: r.heapDeltaMB,
      target: '≤ 150 MB',
      met: per100k <= 150 && r.activeCount >= r.actors,
      how:
        `child \`node --expose-gc\`: one runtime (maxActivations ≥ 200k, passivateAfterMs 1 h), gc, one tell each to ${r.actors} bench-counter ids ` +
        `(state {count}), 500 in flight, wait until all applied (${r.activateSeconds.toFixed(1)} s), gc ×4; heapUsed ${r.heapBeforeMB.toFixed(1)} → ` +
        `${r.heapAfterMB.toFixed(1)} MB, ${Math.round(r.bytesPerActor)} B per activation, RSS +${r.rssDeltaMB.toFixed(0)} MB` +
        (scaled ? `; quick run: ≈ ${per100k.toFixed(1)} MB per 100k` : ''),
    },
    {
      name: 'memory, entities.activeCount',
      unit: 'actors',
      warren: r.activeCount,
      target: `= ${r.actors}`,
      met: r.activeCount >= r.actors,
      how: '`runtime.entities.activeCount` after the GC above',
    },
  ];
}

/** The floors' results of this run (the turn rows compare with them). */
let floors: Floors | undefined;
let turns: TurnBenchResult | undefined;
let firstDelta: FirstDeltaResult | undefined;
let gateway: GatewayBenchResult | undefined;

/** Whether the turn bench runs in this run: then the floors run interleaved with its sequential rounds. */
const turnSelected = () => selectedNames().includes('turn');

async function floorBenchRows(): Promise<BenchRow[]> {
  if (turnSelected()) {
    process.stderr.write(' interleaved with the sequential turn rounds (below)');
    return [];
  }
  floors = await runFloorBench();
  return floorRows(floors);
}

async function turnBenchRows(): Promise<BenchRow[]> {
  const withFloor = selectedNames().includes('floor');
  const rounds: FloorRun[][] = [];
  let skipped: string | undefined;
  // Floors and Warren take turns (floor, lean floor, Warren, …) so a disturbance of the shared machine hits all of them.
  turns = await runTurnBench({
    beforeSequentialRound: withFloor
      ? async () => {
          const r = await runFloorsOnce();
          const round: FloorRun[] = [];
          for (const x of [r.floor, r.lean]) {
            if ('skipped' in x) skipped = x.skipped;
            else round.push(x);
          }
          rounds.push(round);
          const [f, l] = [r.floor, r.lean].map((x) => ('skipped' in x ? 'skipped' : `p50 ${x.p50.toFixed(2)} ms`));
          process.stderr.write(`\n  floor ${f}, lean floor ${l}`);
        }
      : undefined,
  });
  if (skipped) process.stderr.write(`\n  floor skipped: ${skipped}\n`);
  // Each floor run gets the broker background of its round (measured before its floors and after its Warren turns).
  rounds.forEach((round, i) => {
    for (const run of round) run.background = turns?.roundBackgrounds[i];
  });
  const runs = rounds.flat();
  if (runs.length > 0) floors = bestFloors(runs);
  return [...(withFloor && floors ? floorRows(floors) : []), ...turnRows(turns, floors)];
}

async function firstDeltaBenchRows(): Promise<BenchRow[]> {
  firstDelta = await runFirstDeltaBench();
  return firstDeltaRows(firstDelta);
}

async function gatewayBenchRows(): Promise<BenchRow[]> {
  gateway = await runGatewayBench();
  return gatewayRows(gateway);
}

const section = () => turnsSection(turns, firstDelta, floors, gateway);

async function storeRows(): Promise<BenchRow[]> {
  const results = await runStoreBench();
  return results.map((r) => ({
    name: r.name,
    unit: r.unit,
    warren: r.unit === 'skipped' ? undefined : r.value,
    how: r.note ? `bench/store.bench.ts: ${r.note}` : 'bench/store.bench.ts',
  }));
}

/** Every bench, in run order: [BENCH_ONLY name, label, run]. The floor runs before the turns, which compare with it. */
const BENCHES: [string, string, () => Promise<BenchRow[]>][] = [
  ['tell', 'tell throughput', runTellBench],
  ['ask', 'asks', askRows],
  ['memory', 'memory', memoryRows],
  ['floor', 'turn floor', floorBenchRows],
  ['turn', 'turns (raw AMQP and HTTP)', turnBenchRows],
  ['first-delta', 'time to first delta', firstDeltaBenchRows],
  ['gateway', 'gateway', gatewayBenchRows],
  [
    'gateway-http',
    'gateway HTTP path against its floor',
    () => import('./gateway-http.bench').then(async (m) => m.gatewayHttpRows(await m.runGatewayHttpBench())),
  ],
  ['store', 'store', storeRows],
  ['router', 'router decision overhead', () => import('./router.bench').then((m) => m.routerBenchRows())],
  ['moderation', 'output moderation before streaming', () => import('./moderation.bench').then((m) => m.moderationBenchRows())],
  ['limiter', 'limiter ask latency', () => import('./limiter.bench').then((m) => m.limiterBenchRows())],
  ['dlq-replay', 'dead-letter bulk replay', () => import('./dead-letter.bench').then((m) => m.deadLetterReplayRows())],
  ['dead-lettering', 'dead-lettering throughput', () => import('./dead-lettering.bench').then((m) => m.deadLetteringRows())],
  ['reminders', '100k reminders due within a minute', () => import('./reminders.bench').then((m) => m.runRemindersBench())],
  ['knowledge', 'knowledge retrieval', () => import('./knowledge.bench').then((m) => m.knowledgeBenchRows())],
  [
    'cluster',
    'runtime nodes: shard hand-off and turns/s with 1–3 runtimes',
    () => import('./cluster.bench').then((m) => m.clusterBenchRows()),
  ],
];

/** BENCH_ONLY=turn,floor (names of BENCHES, comma-separated) runs those only; RESULTS.md is then left as it was. */
function selectedNames(): string[] {
  const only = (process.env.BENCH_ONLY ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  const unknown = only.filter((name) => !BENCHES.some(([n]) => n === name));
  if (unknown.length > 0)
    throw new Error(`BENCH_ONLY: unknown ${unknown.join(', ')}; one or more of ${BENCHES.map(([n]) => n).join(', ')}`);
  return BENCHES.map(([name]) => name).filter((name) => only.length === 0 || only.includes(name));
}

function selected(): [string, () => Promise<BenchRow[]>][] {
  const names = selectedNames();
  return BENCHES.filter(([name]) => names.includes(name)).map(([, label, run]) => [label, run]);
}

async function main(): Promise<void> {
  const started = performance.now();
  const rows: BenchRow[] = [];
  let failed = false;
  const benches = selected();
  const loadBefore = loadavg()[0];
  for (const [name, run] of benches) {
    const t0 = performance.now();
    process.stderr.write(`bench: ${name}…`);
    try {
      rows.push(...(await run()));
      process.stderr.write(` ${((performance.now() - t0) / 1000).toFixed(1)} s\n`);
    } catch (error) {
      failed = true;
      process.stderr.write(' failed\n');
      console.error(error);
      rows.push({ name, unit: '', how: `FAILED: ${error instanceof Error ? error.message : String(error)}`, met: false });
    }
  }
  const seconds = (performance.now() - started) / 1000;
  const load = `${loadBefore.toFixed(2)} at the start, ${loadavg()[0].toFixed(2)} at the end`;
  console.log(`\n${textTable(rows)}\n`);
  const text = section();
  if (text) console.log(`${text}\n`);
  if (QUICK) console.log(`quick run (BENCH_QUICK=1) in ${seconds.toFixed(0)} s: bench/RESULTS.md left as it was`);
  else if (process.env.BENCH_ONLY)
    console.log(`partial run (BENCH_ONLY=${process.env.BENCH_ONLY}) in ${seconds.toFixed(0)} s: bench/RESULTS.md left as it was`);
  else console.log(`${seconds.toFixed(0)} s; written to ${writeResults(rows, seconds, load, section())}`);
  if (failed) process.exitCode = 1;
}

main().then(
  () => process.exit(),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
