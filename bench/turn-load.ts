/**
 * Load shapes of the turn benches, on the raw-AMQP path (a voice/RTC server publishing to
 * `warren.ingress`): sequential turns on one session, a closed loop over many sessions, and an
 * open loop that sends on a fixed schedule whatever the replies do. Each measures latency (to the
 * end event and, when the client reads deltas, to the first `delta`) and the CPU of the app, the
 * broker and this process over the phase.
 */

import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { CpuMeter, type CpuSplit, cpuPerTurn } from './cpu-meter';
import { percentile, runConcurrent, sleep } from './support';
import { type TurnClient, type TurnEnd } from './turn-client';

/** Sessions the closed and open loops spread their turns over. */
export const SESSIONS = 1000;
/** The open-loop latency target (p99), ms. */
export const P99_LIMIT_MS = 50;
/** A stage keeps up when it completes at least this share of its rate. */
export const KEEP_UP = 0.95;
/** How long the replies of a stage may lag behind its last send before the stage counts as failed. */
const DRAIN_TIMEOUT_MS = 60_000;

/** p50/p99/max of a sample, ms. */
export interface Spread {
  p50: number;
  p99: number;
  max: number;
}

export const sorted = (xs: number[]) => Float64Array.from(xs).sort();
export const median = (xs: number[]) => percentile(sorted(xs), 0.5);

export function spread(xs: number[]): Spread {
  const s = sorted(xs);
  return { p50: percentile(s, 0.5), p99: percentile(s, 0.99), max: s.length > 0 ? s[s.length - 1] : Number.NaN };
}

/** Spreads consecutive sends over `sessions` sessions (919 is a prime: a permutation for any count it does not divide). */
export const sessionOf = (i: number, sessions = SESSIONS) => `ol-${(i * 919) % sessions}`;

/** Sequential turns: one at a time, each sent when the previous one ended. */
export interface SequentialRun extends Spread {
  count: number;
  /** Task ids of the turns, in order (for their step timings). */
  ids: string[];
  failed: number;
  /** Time to the first `delta` event, when the client reads deltas. */
  firstDelta?: Spread;
  cpu: CpuSplit;
}

/**
 * `count` turns one after the other; `send(i)` starts turn i and resolves with its end and the
 * performance.now() it was started at. The CPU covers these turns only.
 */
export async function sequentialTurns(
  appPids: (number | undefined)[],
  count: number,
  send: (i: number) => Promise<{ t0: number; end: TurnEnd; id: string }>,
): Promise<SequentialRun & { latencies: number[] }> {
  const latencies: number[] = [];
  const ids: string[] = [];
  const firstDeltas: number[] = [];
  let failed = 0;
  const meter = new CpuMeter(appPids);
  for (let i = 0; i < count; i++) {
    const { t0, end, id } = await send(i);
    latencies.push(end.at - t0);
    ids.push(id);
    if (end.firstDeltaAt !== undefined) firstDeltas.push(end.firstDeltaAt - t0);
    if (end.kind !== 'reply') failed++;
  }
  const cpu = meter.read();
  return {
    count,
    ids,
    failed,
    ...spread(latencies),
    ...(firstDeltas.length > 0 ? { firstDelta: spread(firstDeltas) } : {}),
    cpu,
    latencies,
  };
}

/** `count` raw-AMQP turns on one session, one after the other. */
export function sequentialAmqp(appPids: (number | undefined)[], client: TurnClient, sessionId: string, count: number) {
  return sequentialTurns(appPids, count, async () => {
    const id = randomUUID();
    const t0 = performance.now();
    const end = await client.turn(sessionId, 'hello', id);
    return { t0, end, id };
  });
}

export interface ClosedLoopResult {
  turns: number;
  inFlight: number;
  perSecond: number;
  failed: number;
  cpu: CpuSplit;
}

/** `turns` turns over the sessions (turn i to `sessionOf(i)`), `inFlight` at a time. */
export async function closedLoop(
  appPids: (number | undefined)[],
  client: TurnClient,
  turns: number,
  inFlight: number,
  sessions = SESSIONS,
): Promise<ClosedLoopResult> {
  let failed = 0;
  const meter = new CpuMeter(appPids);
  const t0 = performance.now();
  await runConcurrent(turns, inFlight, async (i) => {
    const end = await client.turn(sessionOf(i, sessions));
    if (end.kind !== 'reply') failed++;
  });
  const ms = performance.now() - t0;
  return { turns, inFlight, perSecond: (turns / ms) * 1000, failed, cpu: meter.read() };
}

export interface StageResult extends Spread {
  rate: number;
  seconds: number;
  sent: number;
  replies: number;
  failed: number;
  /** Turns with no end event within the drain timeout. */
  missing: number;
  /** Time to the first `delta` event from the scheduled send, when the client reads deltas. */
  firstDelta?: Spread;
  /** Turns ended per second, from the first scheduled send to the last end event. */
  achieved: number;
  /** The most this process fell behind its own schedule when sending (ms). */
  maxSendLagMs: number;
  cpu: CpuSplit;
  ok: boolean;
}

/**
 * Open loop: `rate` turns/s for `seconds`, each sent at its scheduled time whatever the replies
 * do, spread over the sessions; latency from the scheduled send time to the end event.
 */
export async function openLoop(
  appPids: (number | undefined)[],
  client: TurnClient,
  rate: number,
  seconds: number,
  sessions = SESSIONS,
): Promise<StageResult> {
  const n = Math.round(rate * seconds);
  const interval = 1000 / rate;
  const latencies: number[] = [];
  const firstDeltas: number[] = [];
  let failed = 0;
  let lastEnd = 0;
  let maxSendLagMs = 0;
  const meter = new CpuMeter(appPids);
  const start = performance.now() + 5;
  let i = 0;
  await new Promise<void>((resolve) => {
    const tick = () => {
      const now = performance.now();
      while (i < n && start + i * interval <= now) {
        const scheduled = start + i * interval;
        maxSendLagMs = Math.max(maxSendLagMs, now - scheduled);
        client.turn(sessionOf(i, sessions)).then((end) => {
          latencies.push(end.at - scheduled);
          if (end.firstDeltaAt !== undefined) firstDeltas.push(end.firstDeltaAt - scheduled);
          if (end.kind !== 'reply') failed++;
          lastEnd = Math.max(lastEnd, end.at);
        });
        i++;
      }
      if (i < n) setTimeout(tick, Math.max(0, start + i * interval - performance.now()));
      else resolve();
    };
    tick();
  });
  const deadline = performance.now() + DRAIN_TIMEOUT_MS;
  while (latencies.length < n && performance.now() < deadline) await sleep(5);
  const cpu = meter.read();
  const missing = n - latencies.length;
  if (missing > 0) client.forget();
  const s = spread(latencies);
  const p99 = missing > 0 ? Number.POSITIVE_INFINITY : s.p99;
  const achieved = (latencies.length / (lastEnd - start)) * 1000;
  return {
    rate,
    seconds,
    sent: n,
    replies: latencies.length - failed,
    failed,
    missing,
    ...s,
    p99,
    ...(firstDeltas.length > 0 ? { firstDelta: spread(firstDeltas) } : {}),
    achieved,
    maxSendLagMs,
    cpu,
    ok: missing === 0 && failed === 0 && p99 < P99_LIMIT_MS && achieved >= KEEP_UP * rate,
  };
}

export const fmtMs = (x: number) => (Number.isFinite(x) ? `${x.toFixed(1)} ms` : '∞');

export function logStage(label: string, s: StageResult): void {
  process.stderr.write(
    `\n  ${label} ${s.rate}/s × ${s.seconds} s: p50 ${s.p50.toFixed(1)} p99 ${fmtMs(s.p99)} max ${s.max.toFixed(1)} ms, ` +
      (s.firstDelta ? `first delta p50 ${s.firstDelta.p50.toFixed(1)} p99 ${s.firstDelta.p99.toFixed(1)} ms, ` : '') +
      `achieved ${Math.round(s.achieved)}/s, failed ${s.failed}, missing ${s.missing}, send lag ≤ ${s.maxSendLagMs.toFixed(1)} ms; ` +
      `${cpuPerTurn(s.cpu, s.sent)}`,
  );
}
