/**
 * Issue 16, several runtime processes on one vhost (`BENCH_ONLY=cluster`), raw AMQP turns as a
 * voice/RTC server sends them (turn-client.ts), runtimes from dist/apps/runtime on one embedded store:
 * 1. Shard hand-off under steady load: how long until the shards settle, and the longest pause a
 *    session saw, when a runtime joins, leaves (SIGTERM) and crashes (SIGKILL); every turn accounted for.
 * 2. Closed-loop turns/s with 1, 2 and 3 runtimes, local model at 0 and 50 ms, the share of turns
 *    each runtime's session actors answered (the reply event's source) and each runtime's CPU.
 */

import { performance } from 'node:perf_hooks';
import { ControlWatcher, RuntimeCluster } from './cluster-support';
import { brokerPid, cpuSecondsOf } from './cpu-meter';
import { type BenchRow, QUICK, sleep, withVhost } from './support';
import { TurnClient, type TurnEnd } from './turn-client';
import { sessionOf } from './turn-load';

const SHARDS = 16;
const HEARTBEAT_MS = 500;
const FAILURE_TIMEOUT_MS = 2500;
/** A turn with no end event after this long counts as missing. */
const TURN_TIMEOUT_MS = 30_000;
const HANDOFF_SESSIONS = QUICK ? 16 : 32;
const HANDOFF_THINK_MS = 250;
const HANDOFF_MODEL_MS = 20;
/** Load kept running after each settle, so late pauses count in that event's window. */
const HOLD_MS = QUICK ? 1500 : 3000;
const TPUT_SESSIONS = QUICK ? 100 : 300;
const TPUT_IN_FLIGHT = 100;
const TPUT_MS = QUICK ? 3000 : 8000;

const clusterEnv = (modelMs: number): Record<string, string> => ({
  WARREN__AMQP__SHARD_COUNT: String(SHARDS),
  WARREN__RUNTIME__CLUSTER_HEARTBEAT_MS: String(HEARTBEAT_MS),
  WARREN__RUNTIME__CLUSTER_FAILURE_TIMEOUT_MS: String(FAILURE_TIMEOUT_MS),
  WARREN__MODELS__LOCAL__LATENCY_MS: String(modelMs),
  WARREN__MODELS__LOCAL__PER_DELTA_MS: '0',
});

const timeout = (ms: number) => new Promise<undefined>((r) => setTimeout(() => r(undefined), ms).unref());

/** One turn of the steady load: when it was sent, and its end (undefined: none within TURN_TIMEOUT_MS). */
interface SentTurn {
  session: string;
  t0: number;
  end?: TurnEnd;
}

/** Sessions that each send a turn, wait for its end, think, and send the next, until stopped. */
class SteadyLoad {
  readonly turns: SentTurn[] = [];
  private stopped = false;
  private loops: Promise<void>[] = [];

  constructor(private readonly client: TurnClient) {}

  start(sessions: number, thinkMs: number): void {
    this.loops = Array.from({ length: sessions }, (_, s) => this.loop(`handoff-${s}`, thinkMs));
  }

  private async loop(session: string, thinkMs: number): Promise<void> {
    while (!this.stopped) {
      const t0 = performance.now();
      const end = await Promise.race([this.client.turn(session, 'hello'), timeout(TURN_TIMEOUT_MS)]);
      if (this.stopped && !end) break; // abandoned (the bench failed and closed the client)
      this.turns.push({ session, t0, ...(end ? { end } : {}) });
      await sleep(thinkMs);
    }
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await Promise.all(this.loops);
  }

  /** Stops sending at once without waiting for the turns in flight (on failure, before the client closes). */
  abandon(): void {
    this.stopped = true;
  }

  /** The slowest turn and the longest gap between two consecutive ends of one session that overlap [from, to]. */
  pauses(from: number, to: number): { slowestMs: number; gapMs: number; turns: number } {
    let slowestMs = 0;
    let turns = 0;
    const ends = new Map<string, number[]>();
    for (const t of this.turns) {
      if (!t.end) continue;
      if (t.t0 < to && t.end.at > from) {
        slowestMs = Math.max(slowestMs, t.end.at - t.t0);
        turns++;
      }
      ends.set(t.session, [...(ends.get(t.session) ?? []), t.end.at]);
    }
    let gapMs = 0;
    for (const list of ends.values()) {
      list.sort((a, b) => a - b);
      for (let i = 1; i < list.length; i++) if (list[i] > from && list[i - 1] < to) gapMs = Math.max(gapMs, list[i] - list[i - 1]);
    }
    return { slowestMs, gapMs, turns };
  }
}

interface HandOffEvent {
  name: 'join' | 'leave (SIGTERM)' | 'crash (SIGKILL)';
  settleMs: number;
  /** For the join: from the new runtime's ready line (it listens) to the settle. */
  afterReadyMs?: number;
  slowestMs: number;
  gapMs: number;
  turns: number;
}

export interface HandOffResult {
  steady: { slowestMs: number; gapMs: number; turns: number };
  events: HandOffEvent[];
  sent: number;
  replies: number;
  failed: number;
  missing: number;
  nacked: number;
  byNode: Record<string, number>;
  leaveExit: number | null;
  warnings: number;
}

/** r1 and r2 under steady load; r3 joins, r1 stops with SIGTERM, r2 is killed: r3 ends with every shard. */
export async function runHandOff(): Promise<HandOffResult> {
  return withVhost('cluster-handoff', async (v) => {
    const cluster = new RuntimeCluster(v.url, clusterEnv(HANDOFF_MODEL_MS));
    const watcher = await ControlWatcher.open(v.url);
    const client = await TurnClient.open(v.url, { keepEnded: false });
    const load = new SteadyLoad(client);
    try {
      await Promise.all(['r1', 'r2'].map((id) => cluster.add(id)));
      await watcher.settled(['r1', 'r2'], SHARDS);
      load.start(HANDOFF_SESSIONS, HANDOFF_THINK_MS);
      const steadyFrom = performance.now();
      await sleep(HOLD_MS);
      const steady = load.pauses(steadyFrom, performance.now());
      const events: HandOffEvent[] = [];
      const event = async (name: HandOffEvent['name'], t0: number, settledAt: number, extra: Partial<HandOffEvent> = {}) => {
        await sleep(HOLD_MS);
        events.push({ name, settleMs: settledAt - t0, ...load.pauses(t0, performance.now()), ...extra });
      };

      let t0 = performance.now();
      await cluster.add('r3');
      const ready = performance.now();
      const joined = await watcher.settled(['r1', 'r2', 'r3'], SHARDS);
      await event('join', t0, joined, { afterReadyMs: joined - ready });

      t0 = performance.now();
      const leaving = cluster.get('r1');
      leaving.signal('SIGTERM');
      const left = await watcher.settled(['r2', 'r3'], SHARDS);
      const leaveExit = await leaving.whenExited();
      await event('leave (SIGTERM)', t0, left);

      t0 = performance.now();
      cluster.get('r2').signal('SIGKILL');
      const crashed = await watcher.settled(['r3'], SHARDS);
      await event('crash (SIGKILL)', t0, crashed);

      await load.stop();
      const byNode: Record<string, number> = {};
      for (const t of load.turns) if (t.end?.node) byNode[t.end.node] = (byNode[t.end.node] ?? 0) + 1;
      return {
        steady,
        events,
        sent: load.turns.length,
        replies: load.turns.filter((t) => t.end?.kind === 'reply').length,
        failed: load.turns.filter((t) => t.end && t.end.kind !== 'reply').length,
        missing: load.turns.filter((t) => !t.end).length,
        nacked: client.nacked,
        byNode,
        leaveExit,
        warnings: cluster.warnings,
      };
    } finally {
      load.abandon();
      await client.close();
      await watcher.close();
      await cluster.stop();
    }
  });
}

export interface ThroughputResult {
  runtimes: number;
  modelMs: number;
  perSecond: number;
  turns: number;
  failed: number;
  missing: number;
  /** Turns whose reply each runtime's session actor emitted. */
  byNode: Record<string, number>;
  /** CPU seconds per wall second over the measured window: each runtime, the broker, this process. */
  cpu: Record<string, number>;
  settleMs: number;
}

/** `runtimes` runtime processes, warmed over TPUT_SESSIONS sessions, then TPUT_IN_FLIGHT turns in flight for TPUT_MS. */
export async function runThroughput(runtimes: number, modelMs: number, separateStores = false): Promise<ThroughputResult> {
  return withVhost(`cluster-${runtimes}x${modelMs}`, async (v) => {
    const cluster = new RuntimeCluster(v.url, clusterEnv(modelMs), separateStores);
    const watcher = await ControlWatcher.open(v.url);
    const client = await TurnClient.open(v.url, { keepEnded: false });
    try {
      const ids = Array.from({ length: runtimes }, (_, i) => `r${i + 1}`);
      const t0 = performance.now();
      await Promise.all(ids.map((id) => cluster.add(id)));
      const settleMs = (await watcher.settled(ids, SHARDS)) - t0;
      let next = 0;
      const lanes = async (until: () => boolean, record: (end: TurnEnd | undefined) => void) =>
        Promise.all(
          Array.from({ length: TPUT_IN_FLIGHT }, async () => {
            while (until()) {
              const i = next++;
              record(await Promise.race([client.turn(sessionOf(i, TPUT_SESSIONS)), timeout(TURN_TIMEOUT_MS)]));
            }
          }),
        );
      // Warm-up: one turn per session (activations), not measured.
      await lanes(
        () => next < TPUT_SESSIONS,
        () => undefined,
      );
      const pids: Record<string, number | undefined> = { ...Object.fromEntries(ids.map((id) => [id, cluster.get(id).pid])) };
      pids.broker = brokerPid();
      const cpu0 = Object.fromEntries(Object.entries(pids).map(([k, pid]) => [k, cpuSecondsOf(pid)]));
      const bench0 = process.cpuUsage();
      const byNode: Record<string, number> = {};
      let turns = 0;
      let failed = 0;
      let missing = 0;
      const start = performance.now();
      const deadline = start + TPUT_MS;
      await lanes(
        () => performance.now() < deadline,
        (end) => {
          if (!end) missing++;
          else if (end.kind !== 'reply') failed++;
          else {
            turns++;
            if (end.node) byNode[end.node] = (byNode[end.node] ?? 0) + 1;
          }
        },
      );
      const wallS = (performance.now() - start) / 1000;
      const cpu = Object.fromEntries(Object.entries(pids).map(([k, pid]) => [k, (cpuSecondsOf(pid) - cpu0[k]) / wallS]));
      const b = process.cpuUsage(bench0);
      cpu.bench = (b.user + b.system) / 1e6 / wallS;
      return { runtimes, modelMs, perSecond: turns / wallS, turns, failed, missing, byNode, cpu, settleMs };
    } finally {
      await client.close();
      await watcher.close();
      await cluster.stop();
    }
  });
}

const ms = (x: number) => `${Math.round(x)} ms`;
const pct = (part: number, whole: number) => `${((100 * part) / whole).toFixed(0)} %`;

function handOffRows(r: HandOffResult): BenchRow[] {
  const base = `${HANDOFF_SESSIONS} sessions over raw AMQP, each sending its next turn ${HANDOFF_THINK_MS} ms after the previous one ended (local model ${HANDOFF_MODEL_MS} ms), ${SHARDS} shards × 4 entity types, heartbeat ${HEARTBEAT_MS} ms, failure timeout ${FAILURE_TIMEOUT_MS} ms; settled = every shard consumed by exactly one live node, at most ⌈16/n⌉ of a type each, none draining (from the nodes' announcements on warren.control); pauses over the event until ${HOLD_MS} ms after the settle; steady state before: slowest turn ${ms(r.steady.slowestMs)}, longest gap between a session's replies ${ms(r.steady.gapMs)}`;
  const rows: BenchRow[] = r.events.map((e) => ({
    name: `cluster hand-off, ${e.name}`,
    unit: 'ms to settle',
    warren: e.settleMs,
    how:
      `${e.name === 'join' ? `r3 started beside r1, r2 (from spawn; ${ms(e.afterReadyMs ?? Number.NaN)} after it listened)` : e.name === 'leave (SIGTERM)' ? `r1 of r1–r3 stopped with SIGTERM (exit ${r.leaveExit})` : 'r2 of r2–r3 killed with SIGKILL'}: ` +
      `slowest turn ${ms(e.slowestMs)}, longest gap between a session's replies ${ms(e.gapMs)} (${e.turns} turns in the window). ${base}`,
  }));
  const lost = r.failed + r.missing;
  rows.push({
    name: 'cluster hand-off, turns without a reply',
    unit: 'turns',
    warren: lost,
    target: '= 0',
    met: lost === 0,
    how: `${r.sent} turns sent through join, leave and crash: ${r.replies} replies, ${r.failed} failed, ${r.missing} missing after ${TURN_TIMEOUT_MS / 1000} s, ${r.nacked} publishes nacked; replies per node ${JSON.stringify(r.byNode)}; runtime warnings/errors ${r.warnings}`,
  });
  return rows;
}

function throughputRows(results: ThroughputResult[]): BenchRow[] {
  return results.map((r) => {
    const one = results.find((x) => x.modelMs === r.modelMs && x.runtimes === 1);
    const total = Object.values(r.byNode).reduce((a, b) => a + b, 0);
    const shares = Object.entries(r.byNode)
      .sort()
      .map(([n, c]) => `${n} ${pct(c, total)}`)
      .join(', ');
    const cpu = Object.entries(r.cpu)
      .map(([k, c]) => `${k} ${c.toFixed(2)}`)
      .join(', ');
    const runtimesCpu = Object.entries(r.cpu)
      .filter(([k]) => /^r\d+$/.test(k))
      .reduce((a, [, c]) => a + c, 0);
    const perTurn = `CPU per turn: runtimes ${((runtimesCpu * 1e6) / r.perSecond).toFixed(0)} µs, broker ${(((r.cpu.broker ?? Number.NaN) * 1e6) / r.perSecond).toFixed(0)} µs`;
    return {
      name: `cluster turns/s, ${r.runtimes} runtime${r.runtimes > 1 ? 's' : ''}, model ${r.modelMs} ms`,
      unit: 'turns/s',
      warren: r.perSecond,
      ...(one && r.runtimes > 1 ? { ratio: r.perSecond / one.perSecond, target: '× 1 runtime' } : {}),
      how:
        `closed loop, ${TPUT_IN_FLIGHT} in flight over ${TPUT_SESSIONS} warm sessions for ${TPUT_MS / 1000} s (raw AMQP), ${SHARDS} shards; ` +
        `${r.turns} replies, ${r.failed} failed, ${r.missing} missing; replies by node: ${shares}; CPU s per s: ${cpu}; ${perTurn}; shards settled ${ms(r.settleMs)} after spawn`,
    };
  });
}

export async function clusterBenchRows(): Promise<BenchRow[]> {
  const handOff = await runHandOff();
  const results: ThroughputResult[] = [];
  for (const modelMs of [0, 50]) for (const n of [1, 2, 3]) results.push(await runThroughput(n, modelMs));
  const rows = [...handOffRows(handOff), ...throughputRows(results)];
  // run-all's table has no room for how each figure came about: the details go to stdout here.
  console.log(`\ncluster bench details:\n${rows.map((r) => `- ${r.name}: ${r.how}`).join('\n')}`);
  return rows;
}
