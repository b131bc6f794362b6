/**
 * The floor of a turn: shared/bench/floor-turn.js (not in this repository: it lives next to it,
 * in ../shared) does the hops of a design turn with raw amqplib + better-sqlite3 and no framework
 * (ingress topic → consistent-hash → SAC quorum shard → router, confirm before ack → session
 * shard → limiter ask → model askStream of 3 deltas → events + one SQLite WAL transaction), 50
 * warm-up + 500 sequential turns, and prints `p50 … ms p99 … ms`. Run here as a child process
 * in its own vhost with the repo's node_modules on NODE_PATH. Missing script: skipped, visibly.
 * Run alone: `node dist/bench/floor.bench.js`.
 */

import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type BenchRow, ROUNDS, repoRoot, withVhost } from './support';
import { brokerPid, cpuSecondsOf } from './system';

/** Turns the floor script runs (its warm-up included), for CPU per turn. */
const FLOOR_TURNS = 550;

export interface FloorRun {
  p50: number;
  p99: number;
  line: string;
  /** p50 of every run (the best run is reported). */
  roundP50s: number[];
  cpuPerTurnUs: { floor: number; broker: number };
}

export type FloorResult = FloorRun | { skipped: string };

export function floorScript(): string {
  return process.env.BENCH_FLOOR_SCRIPT ?? join(repoRoot(), '..', 'shared', 'bench', 'floor-turn.js');
}

/** Runs the script; resolves with its stdout and the CPU it and the broker used (s). */
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

/** The floor, best p50 of ROUNDS runs (the machine is shared). */
export async function runFloorBench(): Promise<FloorResult> {
  const script = floorScript();
  if (!existsSync(script)) return { skipped: `${script} not found (it lives outside this repository)` };
  let best: FloorRun | undefined;
  const roundP50s: number[] = [];
  for (let round = 0; round < Math.max(1, ROUNDS); round++) {
    const r = await floorOnce(script);
    roundP50s.push(r.p50);
    if (!best || r.p50 < best.p50) best = r;
  }
  return { ...(best as FloorRun), roundP50s };
}

/** The best p50 of several runs, with every run's p50. */
export function bestFloor(runs: FloorRun[]): FloorRun {
  const best = runs.reduce((a, b) => (b.p50 < a.p50 ? b : a));
  return { ...best, roundP50s: runs.map((r) => r.p50) };
}

/** One run of the floor script; `{ skipped }` when it is missing. */
export async function runFloorOnce(): Promise<FloorResult> {
  const script = floorScript();
  if (!existsSync(script)) return { skipped: `${script} not found (it lives outside this repository)` };
  return floorOnce(script);
}

async function floorOnce(script: string): Promise<FloorRun> {
  const dir = mkdtempSync(join(tmpdir(), 'warren-floor-'));
  try {
    const { out, cpuS, brokerS } = await withVhost('floor', (v) =>
      runFloorScript(
        script,
        { AMQP_URL: v.url, NODE_PATH: join(repoRoot(), 'node_modules'), FLOOR_DB: join(dir, 'floor.sqlite') },
        120_000,
      ),
    );
    const m = /p50 ([\d.]+) ms p99 ([\d.]+) ms/.exec(out);
    if (!m) throw new Error(`floor-turn printed no "p50 … ms p99 … ms" line: ${out.trim()}`);
    const line = out.split('\n').find((l) => m[0] && l.includes(m[0])) ?? m[0];
    return {
      p50: Number(m[1]),
      p99: Number(m[2]),
      line: line.trim(),
      roundP50s: [],
      cpuPerTurnUs: { floor: (cpuS * 1e6) / FLOOR_TURNS, broker: (brokerS * 1e6) / FLOOR_TURNS },
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export function floorRows(r: FloorResult): BenchRow[] {
  if ('skipped' in r) return [{ name: 'turn floor', unit: 'ms', target: 'skipped: script not found', how: `skipped: ${r.skipped}` }];
  const how =
    'shared/bench/floor-turn.js (raw amqplib + better-sqlite3, same hops as a design turn: ingress → router → session shard → limiter ask → ' +
    'model askStream (3 deltas) → events + one SQLite WAL transaction), 50 warm-up + 500 sequential turns, child process in its own vhost, ' +
    `best of ${r.roundP50s.length} runs (p50 per run: ${r.roundP50s.map((x) => x.toFixed(2)).join(', ')} ms). ` +
    `CPU per turn (setup and warm-up included): floor process ${Math.round(r.cpuPerTurnUs.floor)} µs, RabbitMQ ${Math.round(r.cpuPerTurnUs.broker)} µs. ` +
    'Baseline of the turn benchmarks.';
  return [
    { name: 'turn floor p50', unit: 'ms', baseline: r.p50, target: 'baseline only', how },
    { name: 'turn floor p99', unit: 'ms', baseline: r.p99, target: 'baseline only', how: 'same run as the p50 line' },
  ];
}

if (require.main === module) {
  runFloorBench().then(
    (r) => console.log('skipped' in r ? `floor skipped: ${r.skipped}` : JSON.stringify(r)),
    (error: unknown) => {
      console.error(error);
      process.exitCode = 1;
    },
  );
}
