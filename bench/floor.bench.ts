/**
 * The floor of a turn: shared/bench/floor-turn.js (not in this repository: it lives next to it,
 * in ../shared) does the hops of a design turn with raw amqplib + better-sqlite3 and no framework
 * (ingress topic → consistent-hash → SAC quorum shard → router, confirm before ack → session
 * shard → limiter ask → model askStream of 3 deltas → events + one SQLite WAL transaction), 50
 * warm-up + 500 sequential turns, and prints `p50 … ms p99 … ms` and its CPU per turn (its process
 * and the broker). `LEAN=1` runs the leaner path (no router hop, no limiter ask, the model request
 * on a classic non-durable queue). Both run here, each as a child process in its own vhost with the
 * repo's node_modules on NODE_PATH and the broker's pid named. Missing script: skipped, visibly.
 * Run alone: `node dist/bench/floor.bench.js`.
 */

import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Background, brokerPid, cpuSecondsOf } from './cpu-meter';
import { type BenchRow, ROUNDS, repoRoot, withVhost } from './support';

/** Turns the floor script runs (its warm-up included), for CPU per turn when it does not print its own. */
const FLOOR_TURNS = 550;

/** The design's floor (the current path's hops) or the lean floor (`LEAN=1`: no router hop, no limiter ask, classic model queue). */
export type FloorKind = 'floor' | 'lean';

export interface FloorRun {
  kind: FloorKind;
  p50: number;
  p99: number;
  line: string;
  /** p50 of every run (the best run is reported). */
  roundP50s: number[];
  /** CPU per measured turn (µs) of the floor's process (client and actors) and of the broker, as the script prints them. */
  cpuPerTurnUs: { floor: number; broker: number };
  /** The broker's background around the run (set by run-all from the turn bench's round), if measured. */
  background?: Background;
}

/**
 * The broker's CPU per floor turn net of its background, estimated: the script prints no wall
 * time, so its measured window is taken as 500 turns of its p50 (a little short: the net is a
 * little high, in the floor's favour).
 */
export function floorBrokerNetUs(r: FloorRun): number | undefined {
  return r.background ? r.cpuPerTurnUs.broker - r.background.brokerMsPerS * r.p50 : undefined;
}

export type FloorResult = FloorRun | { skipped: string };

/** Both floors of one run; either may be skipped. */
export interface Floors {
  floor: FloorResult;
  lean: FloorResult;
}

export function floorScript(): string {
  return process.env.BENCH_FLOOR_SCRIPT ?? join(repoRoot(), '..', 'shared', 'bench', 'floor-turn.js');
}

/** Runs the script; resolves with its stdout and the CPU it and the broker used (s, setup included). */
function runFloorScript(
  script: string,
  env: Record<string, string>,
  timeoutMs: number,
): Promise<{ out: string; cpuS: number; brokerS: number }> {
  return new Promise((resolve, reject) => {
    const b0 = cpuSecondsOf(brokerPid());
    const child = spawn(process.execPath, [script], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    let cpuS = 0;
    // The child's CPU, sampled while it runs (its /proc entry is gone once it exits).
    const sampler = setInterval(() => {
      const s = cpuSecondsOf(child.pid);
      if (Number.isFinite(s)) cpuS = s;
    }, 50);
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString('utf8');
      const s = cpuSecondsOf(child.pid);
      if (Number.isFinite(s)) cpuS = s;
    });
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${script} did not finish within ${timeoutMs} ms`));
    }, timeoutMs);
    const done = () => {
      clearTimeout(timer);
      clearInterval(sampler);
    };
    child.on('error', (err) => {
      done();
      reject(err);
    });
    child.on('exit', (code) => {
      done();
      if (code === 0) resolve({ out, cpuS, brokerS: cpuSecondsOf(brokerPid()) - b0 });
      else reject(new Error(`${script} exited with ${code}: ${out.trim().slice(-500)}`));
    });
  });
}

/** Both floors, interleaved (floor, lean, floor, lean…), best p50 of ROUNDS runs each (the machine is shared). */
export async function runFloorBench(): Promise<Floors> {
  const runs: FloorRun[] = [];
  for (let round = 0; round < Math.max(1, ROUNDS); round++) {
    const r = await runFloorsOnce();
    for (const x of [r.floor, r.lean]) if (!('skipped' in x)) runs.push(x);
    if ('skipped' in r.floor) return r;
  }
  return bestFloors(runs);
}

/** The best p50 of several runs of each kind, with every run's p50. */
export function bestFloors(runs: FloorRun[]): Floors {
  const best = (kind: FloorKind): FloorResult => {
    const mine = runs.filter((r) => r.kind === kind);
    if (mine.length === 0) return { skipped: `no ${kind} run` };
    const b = mine.reduce((a, x) => (x.p50 < a.p50 ? x : a));
    return { ...b, roundP50s: mine.map((r) => r.p50) };
  };
  return { floor: best('floor'), lean: best('lean') };
}

/** One run of each floor script (the plain one, then LEAN=1), each in a vhost of its own; `{ skipped }` when the script is missing. */
export async function runFloorsOnce(): Promise<Floors> {
  const script = floorScript();
  if (!existsSync(script)) {
    const skipped = { skipped: `${script} not found (it lives outside this repository)` };
    return { floor: skipped, lean: skipped };
  }
  return { floor: await floorOnce(script, 'floor'), lean: await floorOnce(script, 'lean') };
}

async function floorOnce(script: string, kind: FloorKind): Promise<FloorRun> {
  const dir = mkdtempSync(join(tmpdir(), 'warren-floor-'));
  try {
    const broker = brokerPid();
    const { out, cpuS, brokerS } = await withVhost(kind === 'lean' ? 'floor-lean' : 'floor', (v) =>
      runFloorScript(
        script,
        {
          AMQP_URL: v.url,
          NODE_PATH: join(repoRoot(), 'node_modules'),
          FLOOR_DB: join(dir, 'floor.sqlite'),
          // Named, or the script takes the first beam.smp it finds (other brokers may run on the machine).
          ...(broker ? { BROKER_PID: String(broker) } : {}),
          ...(kind === 'lean' ? { LEAN: '1' } : {}),
        },
        120_000,
      ),
    );
    const m = /p50 ([\d.]+) ms p99 ([\d.]+) ms/.exec(out);
    if (!m) throw new Error(`floor-turn printed no "p50 … ms p99 … ms" line: ${out.trim()}`);
    const line = out.split('\n').find((l) => m[0] && l.includes(m[0])) ?? m[0];
    // Its own CPU figures cover the measured turns only, as Warren's do; older scripts print none.
    const own = /this process ([\d.]+) us, broker ([\d.]+) us/.exec(out);
    return {
      kind,
      p50: Number(m[1]),
      p99: Number(m[2]),
      line: line.trim(),
      roundP50s: [],
      cpuPerTurnUs: own
        ? { floor: Number(own[1]), broker: Number(own[2]) }
        : { floor: (cpuS * 1e6) / FLOOR_TURNS, broker: (brokerS * 1e6) / FLOOR_TURNS },
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const FLOOR_HOW: Record<FloorKind, string> = {
  floor:
    'shared/bench/floor-turn.js (raw amqplib + better-sqlite3, the hops of the current design: ingress → router (confirm before ack) → ' +
    'session shard → limiter ask → model askStream (3 deltas) over a quorum queue → events + one SQLite WAL transaction)',
  lean:
    'shared/bench/floor-turn.js with LEAN=1 (the leaner path a turn could take, as an HTTP turn: straight to the session shard, no ingress ' +
    'router hop, no limiter ask (leases), the model request on a classic non-durable queue; events + one SQLite WAL transaction)',
};

export function floorRows(floors: Floors): BenchRow[] {
  const rows: BenchRow[] = [];
  for (const kind of ['floor', 'lean'] as const) {
    const r = floors[kind];
    const label = kind === 'lean' ? 'turn lean floor' : 'turn floor';
    if ('skipped' in r) {
      rows.push({ name: label, unit: 'ms', target: 'skipped', how: `skipped: ${r.skipped}` });
      continue;
    }
    const how =
      `${FLOOR_HOW[kind]}, 50 warm-up + 500 sequential turns, child process in its own vhost, ` +
      `best of ${r.roundP50s.length} runs (p50 per run: ${r.roundP50s.map((x) => x.toFixed(2)).join(', ')} ms). ` +
      `CPU per measured turn (printed by the script): its process ${Math.round(r.cpuPerTurnUs.floor)} µs, RabbitMQ ${Math.round(r.cpuPerTurnUs.broker)} µs. ` +
      'Baseline of the turn benchmarks.';
    rows.push(
      { name: `${label} p50`, unit: 'ms', baseline: r.p50, target: 'baseline only', how },
      { name: `${label} p99`, unit: 'ms', baseline: r.p99, target: 'baseline only', how: 'same run as the p50 line' },
      { name: `${label} CPU/turn, its process`, unit: 'µs', baseline: r.cpuPerTurnUs.floor, target: 'baseline only', how: 'same run' },
      { name: `${label} CPU/turn, broker`, unit: 'µs', baseline: r.cpuPerTurnUs.broker, target: 'baseline only', how: 'same run' },
    );
  }
  return rows;
}

if (require.main === module) {
  runFloorBench().then(
    (r) => console.log(JSON.stringify(r, null, 2)),
    (error: unknown) => {
      console.error(error);
      process.exitCode = 1;
    },
  );
}
