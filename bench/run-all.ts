/**
 * `npm run bench`: runs every benchmark one after the other (each in its own vhost), prints one
 * table and writes bench/RESULTS.md. `BENCH_QUICK=1` is a ~30 s smoke run with smaller counts
 * (printed only: RESULTS.md keeps the last full run). `BENCH_ONLY=turn,gateway` (names: tell, ask,
 * memory, floor, turn, gateway, store, router, moderation, limiter) runs a part, printed only too. Children: the Nest baseline
 * and the memory bench (with --expose-gc) run as separate node processes, and so do the turn floor
 * (shared/bench/floor-turn.js) and the Warren app under the turn and gateway benches
 * (`BENCH_SYSTEM_NODE_ARGS="--cpu-prof --cpu-prof-dir=/tmp/prof"` profiles that app).
 */

import { loadavg } from 'node:os';
import { delimiter, join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { ASK_IN_FLIGHT, ASK_THROUGHPUT_COUNT, askLatencyRows, runAskBench } from './ask.bench';
import { bestFloor, type FloorResult, type FloorRun, floorRows, runFloorBench, runFloorOnce } from './floor.bench';
import { type GatewayBenchResult, gatewayRows, runGatewayBench } from './gateway.bench';
import type { MemoryResult } from './memory.bench';
import { textTable, writeResults } from './results-file';
import { runStoreBench } from './store.bench';
import { type BenchRow, benchResult, QUICK, ROUNDS, repoRoot, runNode, withVhost } from './support';
import { cpuPerTurn } from './system';
import { runTellBench } from './tell.bench';
import { runTurnBench, type TurnBenchResult, turnRows } from './turn.bench';

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

/** The floor's result of this run (the turn rows compare with it). */
let floor: FloorResult | undefined;
let turns: TurnBenchResult | undefined;
let gateway: GatewayBenchResult | undefined;

/** Whether the turn bench runs in this run: then the floor runs interleaved with its sequential rounds. */
const turnSelected = () => selectedNames().includes('turn');

async function floorBenchRows(): Promise<BenchRow[]> {
  if (turnSelected()) {
    process.stderr.write(' interleaved with the sequential turn rounds (below)');
    return [];
  }
  floor = await runFloorBench();
  if ('skipped' in floor) process.stderr.write(` skipped: ${floor.skipped}`);
  return floorRows(floor);
}

async function turnBenchRows(): Promise<BenchRow[]> {
  const withFloor = selectedNames().includes('floor');
  const runs: FloorRun[] = [];
  let skipped: string | undefined;
  // Floor and Warren take turns (floor round, Warren round, …) so a disturbance of the shared machine hits both.
  turns = await runTurnBench({
    beforeSequentialRound: withFloor
      ? async () => {
          const r = await runFloorOnce();
          if ('skipped' in r) skipped = r.skipped;
          else runs.push(r);
        }
      : undefined,
  });
  if (skipped) {
    process.stderr.write(`\n  floor skipped: ${skipped}\n`);
    floor = { skipped };
  } else if (runs.length > 0) floor = bestFloor(runs);
  const floorP50 = floor && !('skipped' in floor) ? floor.p50 : undefined;
  return [...(withFloor && floor ? floorRows(floor) : []), ...turnRows(turns, floorP50)];
}

async function gatewayBenchRows(): Promise<BenchRow[]> {
  gateway = await runGatewayBench();
  return gatewayRows(gateway);
}

/** The "Turns and gateway (issue 5)" section: the details behind the turn and gateway rows. */
function turnsSection(): string {
  if (!turns && !gateway) return '';
  const out = ['## Turns and gateway (issue 5)', ''];
  out.push(
    'The all-in-one app (`dist/apps/warren/src/main.js`: gateway + runtime in one process) in a child process, in a vhost of its own, ' +
      'on the embedded store in a temp dir; local model at zero latency (`latencyMs` 0, `perDeltaMs` 0; a reply to "hello" is 7 words, ready at once, so the worker sends them as one chunk), ' +
      'limiter limits raised (10⁸ requests and 10⁹ tokens per minute) so it never refuses. Load from the bench process over loopback: raw ' +
      'amqplib for turns (publish to `warren.ingress`, read `session.*.reply|failed|interrupted` on `warren.events`), autocannon for the gateway. ' +
      "Client, app and broker share the machine's CPUs; CPU per turn is read from /proc for the app and the broker and from " +
      '`process.cpuUsage()` for the load client.',
    '',
  );
  if (turns) {
    const seq = turns.sequential;
    const floorP50 = floor && !('skipped' in floor) ? floor.p50 : undefined;
    out.push(
      `**Sequential, one session** (${seq.count} turns): p50 ${seq.p50.toFixed(2)} ms, p99 ${seq.p99.toFixed(2)} ms, max ${seq.max.toFixed(1)} ms` +
        (floorP50 !== undefined
          ? `; floor p50 ${floorP50.toFixed(2)} ms → **${(seq.p50 / floorP50).toFixed(2)}×** the floor (goal ≤ 1.3×)`
          : '; floor not run') +
        `; target p50 ≤ 5 ms: ${seq.p50 <= 5 ? 'met' : 'NOT met'}. ${cpuPerTurn(seq.cpu, seq.count)}.`,
      '',
      '| step (task record) | p50 ms |',
      '|---|---|',
      ...seq.steps.map((s) => `| ${s.name} | ${s.p50.toFixed(3)} |`),
      `| outside the steps (ingress router, shard hops, task create/complete, reply event) | ${seq.outsideStepsP50.toFixed(3)} |`,
      '',
      'The `model` step is the askStream round trip to the `model/local` worker (request through its quorum queue, one coalesced chunk and the end ' +
        'over direct reply-to, two `delta` events: moderation holds the last word until the end); with the model at zero latency it is Warren and broker time, not model time.',
      '',
      `**Closed loop**, ${turns.closedLoop.turns} turns over 1,000 sessions, 50 in flight: ${Math.round(turns.closedLoop.perSecond)} turns/s. ` +
        `${cpuPerTurn(turns.closedLoop.cpu, turns.closedLoop.turns)}.`,
      '',
      '**Open loop** (sent on a fixed schedule whatever the replies do, over 1,000 warm sessions; latency from the scheduled send time):',
      '',
      '| rate | seconds | p50 | p99 | max | achieved | failed | missing | Warren CPU/turn | broker CPU/turn | ok |',
      '|---|---|---|---|---|---|---|---|---|---|---|',
      ...[...turns.fixed, ...turns.steps].map(
        (s) =>
          `| ${s.rate}/s | ${s.seconds} | ${s.p50.toFixed(1)} ms | ${Number.isFinite(s.p99) ? `${s.p99.toFixed(1)} ms` : '∞'} | ` +
          `${s.max.toFixed(1)} ms | ${Math.round(s.achieved)}/s | ${s.failed} | ${s.missing} | ${Math.round((s.cpu.warrenS * 1e6) / s.sent)} µs | ` +
          `${Math.round((s.cpu.brokerS * 1e6) / s.sent)} µs | ${s.ok ? 'yes' : 'no'} |`,
      ),
      '',
      `Highest stepped rate with p99 < 50 ms that kept up: **${turns.sustained} turns/s**` +
        `${turns.sustained === 0 ? ' (none of the steps did)' : ''}. Messages left in warren.dead: ${turns.deadLetters}; app warnings/errors: ${turns.warnings}.`,
      '',
    );
  }
  if (gateway) {
    const g = gateway;
    out.push(
      `**Gateway**: ${Math.round(g.run.acceptedPerSecond)} accepted/s (target ≥ 5,000), POST p50 ${g.run.p50} ms, p90 ${g.run.p90} ms, ` +
        `p99 ${g.run.p99} ms (target < 20 ms), max ${g.run.max} ms; ${g.run.requests} requests, non-2xx ${g.run.non2xx}, errors ${g.run.errors}. ` +
        `Of the ${g.run.accepted} accepted turns: ${g.replies} replied, ${g.failed} failed, ${g.lost} never ended; ${g.endedAtStop} had ended when ` +
        `the load stopped, the rest drained in ${g.drainSeconds.toFixed(1)} s (turns ended at ${Math.round(g.turnsPerSecond)}/s over run + drain). ` +
        `${cpuPerTurn(g.run.cpu, Math.max(1, g.run.accepted)).replace('per turn', 'per accepted POST during the run (turns running meanwhile)')}.`,
      '',
    );
    if (g.alone) {
      out.push(
        `Diagnostic, **gateway app alone** (\`dist/apps/gateway\`, no runtime, so no turn shares its event loop; the messages wait in the ` +
          `session shards), same load: ${Math.round(g.alone.acceptedPerSecond)} accepted/s, POST p50 ${g.alone.p50} ms, p99 ${g.alone.p99} ms, ` +
          `non-2xx ${g.alone.non2xx}. ${cpuPerTurn(g.alone.cpu, Math.max(1, g.alone.accepted)).replace('per turn', 'per POST')}.`,
        '',
      );
    }
  }
  return out.join('\n');
}

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
  ['turn', 'turns (raw AMQP)', turnBenchRows],
  ['gateway', 'gateway', gatewayBenchRows],
  ['store', 'store', storeRows],
  ['router', 'router decision overhead', () => import('./router.bench').then((m) => m.routerBenchRows())],
  ['moderation', 'output moderation before streaming', () => import('./moderation.bench').then((m) => m.moderationBenchRows())],
  ['limiter', 'limiter ask latency', () => import('./limiter.bench').then((m) => m.limiterBenchRows())],
  ['dlq-replay', 'dead-letter bulk replay', () => import('./dead-letter.bench').then((m) => m.deadLetterReplayRows())],
  ['dead-lettering', 'dead-lettering throughput', () => import('./dead-lettering.bench').then((m) => m.deadLetteringRows())],
  ['reminders', '100k reminders due within a minute', () => import('./reminders.bench').then((m) => m.runRemindersBench())],
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
  const section = turnsSection();
  if (section) console.log(`${section}\n`);
  if (QUICK) console.log(`quick run (BENCH_QUICK=1) in ${seconds.toFixed(0)} s: bench/RESULTS.md left as it was`);
  else if (process.env.BENCH_ONLY)
    console.log(`partial run (BENCH_ONLY=${process.env.BENCH_ONLY}) in ${seconds.toFixed(0)} s: bench/RESULTS.md left as it was`);
  else console.log(`${seconds.toFixed(0)} s; written to ${writeResults(rows, seconds, load, turnsSection())}`);
  if (failed) process.exitCode = 1;
}

main().then(
  () => process.exit(),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
