/**
 * Turns end to end (issues 5 and 17): the all-in-one app in a child process (local model at zero
 * latency, limiter wide open), this process playing a voice/RTC server and an HTTP client.
 * - Raw AMQP: a `warren.session.message` to `warren.ingress` → ingress router → session actor
 *   (preprocess, moderation in, limiter, model askStream (7 words, one chunk), moderation out) →
 *   `session.<id>.reply` on `warren.events`, timed from the publish (or, open loop, from the
 *   scheduled send time) to the arrival of the reply.
 * - HTTP: `POST /v1/sessions/:id/messages` through the gateway (no ingress router hop) → the same
 *   reply event, timed from the POST.
 * Sequential rounds (each after the floors' run when run-all interleaves them), a closed loop for
 * the most turns/s, an open loop at half of it and at 100/s, and stepped rates until p99 ≥ 50 ms.
 * Run alone: `node dist/bench/turn.bench.js` (BENCH_QUICK=1 for a short run).
 */

import { performance } from 'node:perf_hooks';
import { type Background, cpuPerTurn, meanBackground, measureBackground } from './cpu-meter';
import { HttpTurns } from './http-turns';
import { type BenchVhost, QUICK, ROUNDS, rabbitmqctl, runConcurrent, sleep, withVhost } from './support';
import { deadLetterCount, WarrenSystem } from './system';
import { TurnClient } from './turn-client';
import { countTurns, type TurnCounts } from './turn-counts-run';
import {
  type ClosedLoopResult,
  closedLoop,
  logStage,
  median,
  openLoop,
  SESSIONS,
  type SequentialRun,
  type StageResult,
  sequentialAmqp,
  sequentialTurns,
} from './turn-load';

export const SEQ_WARMUP = QUICK ? 30 : 100;
export const SEQ_COUNT = QUICK ? 150 : 500;
/** Turns of the measured closed loops (after a first pass that activates every session). */
const CLOSED_TURNS = QUICK ? 1000 : 2000;
/** Turns in flight of the closed loops; the best rate is the closed-loop maximum. */
export const CLOSED_IN_FLIGHT = [50, 150];
/** Open-loop rates always run (besides half of the closed-loop maximum). */
const FIXED_RATES = [100];
export const FIXED_SECONDS = QUICK ? 3 : 10;
const STEP_RATES = [100, 150, 200, 250, 300, 400, 500, 600, 800, 1000, 1500, 2000];
export const STEP_SECONDS = QUICK ? 2 : 5;

/** A sequential round with its task steps (p50 per step, from GET /v1/tasks/:id). */
export interface SequentialResult extends SequentialRun {
  /** p50 of every round (the best round is reported). */
  roundP50s: number[];
  steps: { name: string; p50: number }[];
  /** Tasks whose steps could be read. */
  stepSamples: number;
  /** Median of (latency − sum of the recorded steps): hops, task bookkeeping, events. */
  outsideStepsP50: number;
  /** Background CPU of the round (idle samples before its floors and after its Warren turns). */
  background?: Background;
}

export interface TurnBenchResult {
  /** Raw AMQP, one session. */
  sequential: SequentialResult;
  /** HTTP through the gateway, one session. */
  http: SequentialResult;
  /** The first pass over the 1,000 sessions (activations included). */
  warmUp: ClosedLoopResult;
  /** Closed loops on warm sessions, one per CLOSED_IN_FLIGHT. */
  closed: ClosedLoopResult[];
  /** The best closed-loop rate. */
  closedMax: number;
  /** Open loop at half of closedMax. */
  half: StageResult;
  fixed: StageResult[];
  steps: StageResult[];
  /** Highest stepped rate with p99 < 50 ms that kept up; 0 when none did. */
  sustained: number;
  deadLetters: number;
  warnings: number;
  /** CPU while nothing of this bench ran (app warmed, 2 s): ms per second of the app and the broker, other vhosts seen. */
  idle: IdleCpu;
  /** Background of each sequential round, in order (run-all gives each round's floors theirs). */
  roundBackgrounds: Background[];
  /** Mean of every background sample of the run, for the loaded rows. */
  background: Background;
  /** What a turn does, counted in a separate app. */
  counts?: TurnCounts;
}

export interface IdleCpu extends Background {
  /** Vhosts on the broker besides this bench's (other sessions' tests load it too). */
  otherVhosts: string[];
}

/** The app's and the broker's CPU over `ms` with no turn running. */
async function idleCpu(pid: number | undefined, ms: number, ownVhost: string): Promise<IdleCpu> {
  const bg = await measureBackground([pid], ms);
  let otherVhosts: string[] = [];
  try {
    otherVhosts = rabbitmqctl('list_vhosts')
      .split('\n')
      .map((l) => l.trim())
      .filter((v) => v && v !== 'name' && v !== '/' && v !== ownVhost);
  } catch {
    // rabbitmqctl missing
  }
  return { ...bg, otherVhosts };
}

/** Reads every task's steps back through the gateway; p50 per step and of what is outside the steps. */
async function withSteps(system: WarrenSystem, run: SequentialRun & { latencies: number[] }): Promise<SequentialResult> {
  const byStep = new Map<string, number[]>();
  const outside: number[] = [];
  let stepSamples = 0;
  await runConcurrent(run.ids.length, 4, async (i) => {
    const task = await system.task(run.ids[i]);
    if (!task) return;
    stepSamples++;
    let sum = 0;
    for (const s of task.steps) {
      const ms = s.durationMs ?? 0;
      sum += ms;
      const list = byStep.get(s.name) ?? [];
      list.push(ms);
      byStep.set(s.name, list);
    }
    outside.push(run.latencies[i] - sum);
  });
  const { latencies: _, ...rest } = run;
  return {
    ...rest,
    roundP50s: [],
    steps: [...byStep].map(([name, xs]) => ({ name, p50: median(xs) })),
    stepSamples,
    outsideStepsP50: median(outside),
  };
}

/** `count` HTTP turns on one session, one after the other, timed from the POST to the reply event. */
function sequentialHttp(system: WarrenSystem, http: HttpTurns, sessionId: string, count: number) {
  return sequentialTurns([system.pid], count, async () => {
    const t0 = performance.now();
    const end = await http.turn(sessionId);
    return { t0, end, id: end.taskId };
  });
}

export interface TurnBenchOptions {
  /** Runs before each sequential round while the app idles (run-all runs the floors this way). */
  beforeSequentialRound?: () => Promise<void>;
}

const better = (a: SequentialResult | undefined, b: SequentialResult) => (!a || b.p50 < a.p50 ? b : a);

export async function runTurnBench(opts: TurnBenchOptions = {}): Promise<TurnBenchResult> {
  const result = await withVhost('turn', async (vhost: BenchVhost): Promise<TurnBenchResult> => {
    const system = await WarrenSystem.start(vhost.url);
    const client = await TurnClient.open(vhost.url);
    const http = new HttpTurns(system.httpUrl, client);
    const pids = [system.pid];
    try {
      for (let i = 0; i < SEQ_WARMUP; i++) await client.turn('seq-1');
      for (let i = 0; i < SEQ_WARMUP; i++) await http.turn('http-1');
      await sleep(500);
      const idle = await idleCpu(system.pid, 2000, vhost.name);
      process.stderr.write(
        `\n  idle: app ${idle.appMsPerS.toFixed(0)} ms/s, broker ${idle.brokerMsPerS.toFixed(0)} ms/s` +
          (idle.otherVhosts.length > 0 ? ` (other vhosts on the broker: ${idle.otherVhosts.join(', ')})` : ''),
      );
      // The machine is shared: the best of ROUNDS sequential rounds (p50) is reported, every round's p50 is kept.
      let seq: SequentialResult | undefined;
      let seqHttp: SequentialResult | undefined;
      const amqpP50s: number[] = [];
      const httpP50s: number[] = [];
      const roundBackgrounds: Background[] = [];
      for (let round = 0; round < ROUNDS; round++) {
        const before = await measureBackground(pids);
        await opts.beforeSequentialRound?.();
        const a = await withSteps(system, await sequentialAmqp(pids, client, 'seq-1', SEQ_COUNT));
        const h = await withSteps(system, await sequentialHttp(system, http, 'http-1', SEQ_COUNT));
        const background = meanBackground([before, await measureBackground(pids)]) as Background;
        roundBackgrounds.push(background);
        a.background = background;
        h.background = background;
        amqpP50s.push(a.p50);
        httpP50s.push(h.p50);
        seq = better(seq, a);
        seqHttp = better(seqHttp, h);
      }
      if (!seq || !seqHttp) throw new Error('BENCH_ROUNDS must be at least 1');
      seq.roundP50s = amqpP50s;
      seqHttp.roundP50s = httpP50s;
      process.stderr.write(
        `\n  sequential AMQP: p50 ${seq.p50.toFixed(2)} ms p99 ${seq.p99.toFixed(2)} ms; ${cpuPerTurn(seq.cpu, seq.count)}`,
      );
      process.stderr.write(
        `\n  sequential HTTP: p50 ${seqHttp.p50.toFixed(2)} ms p99 ${seqHttp.p99.toFixed(2)} ms; ${cpuPerTurn(seqHttp.cpu, seqHttp.count)}`,
      );
      const warmUp = await closedLoop(pids, client, SESSIONS, CLOSED_IN_FLIGHT[0]);
      const closed: ClosedLoopResult[] = [];
      for (const inFlight of CLOSED_IN_FLIGHT) {
        await sleep(500);
        const c = await closedLoop(pids, client, CLOSED_TURNS, inFlight);
        process.stderr.write(`\n  closed loop, ${inFlight} in flight: ${Math.round(c.perSecond)} turns/s; ${cpuPerTurn(c.cpu, c.turns)}`);
        closed.push(c);
      }
      const closedMax = Math.max(...closed.map((c) => c.perSecond));
      await sleep(500);
      const half = await openLoop(pids, client, Math.max(10, Math.round(closedMax / 2 / 10) * 10), FIXED_SECONDS);
      logStage('open loop at half the closed-loop maximum', half);
      const fixed: StageResult[] = [];
      for (const rate of FIXED_RATES) {
        await sleep(500);
        const s = await openLoop(pids, client, rate, FIXED_SECONDS);
        logStage('open loop', s);
        fixed.push(s);
      }
      const steps: StageResult[] = [];
      let sustained = 0;
      for (const rate of STEP_RATES) {
        await sleep(500);
        const s = await openLoop(pids, client, rate, STEP_SECONDS);
        logStage('step', s);
        steps.push(s);
        if (!s.ok) break;
        sustained = rate;
      }
      process.stderr.write('\n');
      return {
        sequential: seq,
        http: seqHttp,
        warmUp,
        closed,
        closedMax,
        half,
        fixed,
        steps,
        sustained,
        deadLetters: deadLetterCount(vhost.name),
        warnings: system.warnings,
        idle,
        roundBackgrounds,
        background: meanBackground([idle, idle, ...roundBackgrounds]) as Background,
      };
    } finally {
      http.close();
      await client.close();
      await system.stop();
    }
  });
  result.counts = await countTurns();
  return result;
}

if (require.main === module) {
  runTurnBench().then(
    (r) => console.log(JSON.stringify(r, null, 2)),
    (error: unknown) => {
      console.error(error);
      process.exitCode = 1;
    },
  );
}
