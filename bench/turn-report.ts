/**
 * The turn rows of the results table and the "Turns and gateway" section of bench/RESULTS.md:
 * every turn row (sequential AMQP and HTTP, closed and open loops, time to first delta) with its
 * latency and CPU per turn of the app and the broker, beside both floors (the current path's and
 * the lean one's), with the ratios issue 17 sets as targets.
 */

import { type Background, type CpuSplit, cpuPerTurn, perTurnUs } from './cpu-meter';
import type { FirstDeltaResult } from './first-delta.bench';
import { MODEL_LATENCY_MS, MODEL_PER_DELTA_MS, WIDE_WORKER_PREFETCH } from './first-delta.bench';
import { type FloorRun, type Floors, floorBrokerNetUs } from './floor.bench';
import type { GatewayBenchResult } from './gateway.bench';
import { gatewaySection } from './gateway-report';
import type { BenchRow } from './support';
import type { SequentialResult, TurnBenchResult } from './turn.bench';
import { CLOSED_IN_FLIGHT, SEQ_WARMUP, STEP_SECONDS } from './turn.bench';
import { countsTable } from './turn-counts-run';
import { fmtMs, KEEP_UP, P99_LIMIT_MS, SESSIONS, type StageResult } from './turn-load';

/** Targets of issue 17, as ratios to the floors of the same run. */
export const TARGETS = {
  /** Sequential p50 ÷ the (current path's) floor p50. */
  p50VsFloor: 1.3,
  /** Sequential p50 ÷ the lean floor p50. */
  p50VsLean: 2,
  /** Warren's process CPU per turn ÷ the floor's process. */
  cpuVsFloor: 2,
  /** Broker CPU per turn ÷ the lean floor's broker. */
  brokerVsLean: 1.2,
} as const;

const ok = (f: Floors['floor'] | undefined): FloorRun | undefined => (f && !('skipped' in f) ? f : undefined);

/** One line of the turn table: latency and CPU per turn (raw and, where a background was measured, net of it). */
interface TurnLine {
  name: string;
  turns: number;
  p50: number;
  p99: number;
  app: number;
  broker: number;
  client?: number;
  appNet?: number;
  brokerNet?: number;
  floor?: boolean;
  /** Latency ratios make sense for sequential turns only. */
  sequential?: boolean;
}

function warrenLine(
  name: string,
  turns: number,
  p50: number,
  p99: number,
  cpu: CpuSplit,
  bg: Background | undefined,
  sequential = false,
): TurnLine {
  return { name, turns, p50, p99, ...perTurnUs(cpu, turns, bg), sequential };
}

function floorLine(name: string, r: FloorRun): TurnLine {
  return {
    name,
    turns: 500,
    p50: r.p50,
    p99: r.p99,
    app: r.cpuPerTurnUs.floor,
    broker: r.cpuPerTurnUs.broker,
    brokerNet: floorBrokerNetUs(r),
    floor: true,
  };
}

function lines(t: TurnBenchResult | undefined, fd: FirstDeltaResult | undefined, floors: Floors | undefined): TurnLine[] {
  const out: TurnLine[] = [];
  const floor = ok(floors?.floor);
  const lean = ok(floors?.lean);
  if (floor) out.push(floorLine('floor (current path), sequential', floor));
  if (lean) out.push(floorLine('lean floor (LEAN=1), sequential', lean));
  if (t) {
    const s = t.sequential;
    const h = t.http;
    out.push(warrenLine('AMQP ingress, sequential', s.count, s.p50, s.p99, s.cpu, s.background, true));
    out.push(warrenLine('HTTP POST → reply event, sequential', h.count, h.p50, h.p99, h.cpu, h.background, true));
    const bg = t.background;
    const w = t.warmUp;
    out.push(
      warrenLine(
        `closed loop, first pass over ${SESSIONS} sessions (activations), ${w.inFlight} in flight`,
        w.turns,
        Number.NaN,
        Number.NaN,
        w.cpu,
        bg,
      ),
    );
    for (const c of t.closed)
      out.push(
        warrenLine(`closed loop, ${c.inFlight} in flight: ${Math.round(c.perSecond)} turns/s`, c.turns, Number.NaN, Number.NaN, c.cpu, bg),
      );
    const stage = (label: string, x: StageResult) => warrenLine(`${label} ${x.rate}/s × ${x.seconds} s`, x.sent, x.p50, x.p99, x.cpu, bg);
    out.push(stage('open loop at half the closed-loop maximum,', t.half));
    for (const x of t.fixed) out.push(stage('open loop', x));
    for (const x of t.steps) out.push(stage('step', x));
  }
  if (fd) {
    const seq = fd.sequential;
    if (seq.firstDelta)
      out.push(
        warrenLine(
          'time to first delta, sequential (model streams 340 ms)',
          seq.count,
          seq.firstDelta.p50,
          seq.firstDelta.p99,
          seq.cpu,
          fd.background,
        ),
      );
    for (const [o, label, bg] of [
      [fd.open, 'default workerPrefetch 16', fd.background],
      [fd.openWide, `workerPrefetch ${WIDE_WORKER_PREFETCH}`, fd.backgroundWide],
    ] as const) {
      if (o.firstDelta)
        out.push(
          warrenLine(
            `time to first delta, open loop ${o.rate}/s (model streams 340 ms, ${label})`,
            o.sent,
            o.firstDelta.p50,
            o.firstDelta.p99,
            o.cpu,
            bg,
          ),
        );
    }
  }
  return out;
}

const us = (x: number | undefined) => (x === undefined || !Number.isFinite(x) ? '—' : `${Math.round(x)} µs`);
/** Raw (≈ net); a net below zero means the background moved during the phase: shown as "?". */
const withNet = (raw: number, net: number | undefined) => `${us(raw)}${net === undefined ? '' : net < 0 ? ' (≈ ?)' : ` (≈ ${us(net)})`}`;
const ratio = (a: number | undefined, b: number | undefined) =>
  a === undefined || b === undefined || !Number.isFinite(a) || !Number.isFinite(b) || b === 0 ? '—' : `${(a / b).toFixed(2)}×`;
const ratioWithNet = (a: number, b: number | undefined, aNet: number | undefined, bNet: number | undefined) =>
  `${ratio(a, b)}${aNet !== undefined && bNet !== undefined ? ` (≈ ${aNet > 0 && bNet > 0 ? ratio(aNet, bNet) : '?'})` : ''}`;

/** The turn table: every turn row with its latency, CPU per turn (raw, ≈ net of the background), and the ratios to the floors. */
export function turnTable(t: TurnBenchResult | undefined, fd: FirstDeltaResult | undefined, floors: Floors | undefined): string {
  const floor = ok(floors?.floor);
  const lean = ok(floors?.lean);
  const leanNet = lean ? floorBrokerNetUs(lean) : undefined;
  const head =
    '| turn row | turns | p50 | p99 | app CPU/turn (≈ net) | broker CPU/turn (≈ net) | load client CPU/turn | p50 ÷ floor | p50 ÷ lean floor | ' +
    'app CPU ÷ floor process | broker CPU ÷ lean floor broker (≈ net) |';
  const ms = (x: number) => (Number.isFinite(x) ? `${x.toFixed(2)} ms` : x === Number.POSITIVE_INFINITY ? '∞' : '—');
  const rows = lines(t, fd, floors).map(
    (l) =>
      `| ${l.name} | ${l.turns} | ${ms(l.p50)} | ${ms(l.p99)} | ${withNet(l.app, l.appNet)}${l.floor ? ' (its process)' : ''} | ` +
      `${withNet(l.broker, l.brokerNet)} | ${l.floor ? '(in its process)' : us(l.client)} | ` +
      `${l.sequential ? ratio(l.p50, floor?.p50) : '—'} | ${l.sequential ? ratio(l.p50, lean?.p50) : '—'} | ` +
      `${l.floor ? '—' : ratio(l.app, floor?.cpuPerTurnUs.floor)} | ` +
      `${l.floor ? '—' : ratioWithNet(l.broker, lean?.cpuPerTurnUs.broker, l.brokerNet, leanNet)} |`,
  );
  return [
    head,
    `|${head
      .split('|')
      .slice(1, -1)
      .map(() => '---')
      .join('|')}|`,
    ...rows,
  ].join('\n');
}

function stepText(seq: SequentialResult): string {
  return seq.steps.map((s) => `${s.name} ${s.p50.toFixed(2)}`).join(', ');
}

/** Rows for the main table: the issue's targets against the floors of the same run. */
export function turnRows(r: TurnBenchResult, floors: Floors | undefined): BenchRow[] {
  const floor = ok(floors?.floor);
  const lean = ok(floors?.lean);
  const rows: BenchRow[] = [];
  const floorsHow = floor
    ? `Floors: shared/bench/floor-turn.js and LEAN=1, run before each of Warren's sequential rounds (floor, lean floor, Warren AMQP, Warren HTTP; ×${r.sequential.roundP50s.length}) while the app idles, each side its best p50.`
    : 'The floors did not run, so no ratios.';
  const leanNet = lean ? floorBrokerNetUs(lean) : undefined;
  const seqRows = (label: string, seq: SequentialResult, path: string) => {
    const cpu = perTurnUs(seq.cpu, seq.count, seq.background);
    const bg = seq.background;
    const how =
      `${seq.count} sequential turns on one session after ${SEQ_WARMUP} warm-up, best of ${seq.roundP50s.length} rounds (p50 per round: ` +
      `${seq.roundP50s.map((x) => x.toFixed(2)).join(', ')} ms): ${path}; all-in-one app (\`dist/apps/warren\`) in a child process, local model at zero ` +
      `latency (model compute ≈ 0: the whole figure is overhead), limiter limits raised. Task steps (p50 ms of ${seq.stepSamples} tasks): ${stepText(seq)}; ` +
      `outside the steps: ${seq.outsideStepsP50.toFixed(2)} ms. ${cpuPerTurn(seq.cpu, seq.count)}; failed ${seq.failed}. ${floorsHow}`;
    rows.push({
      name: `${label} p50 vs floor`,
      unit: 'ms',
      warren: seq.p50,
      baseline: floor?.p50,
      ratio: floor ? seq.p50 / floor.p50 : undefined,
      target: `≤ ${TARGETS.p50VsFloor}× floor`,
      met: floor ? seq.p50 / floor.p50 <= TARGETS.p50VsFloor : undefined,
      how,
    });
    rows.push({
      name: `${label} p50 vs lean floor`,
      unit: 'ms',
      warren: seq.p50,
      baseline: lean?.p50,
      ratio: lean ? seq.p50 / lean.p50 : undefined,
      target: `≤ ${TARGETS.p50VsLean}× lean floor`,
      met: lean ? seq.p50 / lean.p50 <= TARGETS.p50VsLean : undefined,
      how: 'same run',
    });
    rows.push({
      name: `${label} p99`,
      unit: 'ms',
      warren: seq.p99,
      baseline: floor?.p99,
      how: `same run; max ${fmtMs(seq.max)}; baseline: the floor's p99`,
    });
    rows.push({
      name: `${label} app CPU/turn vs floor process`,
      unit: 'µs',
      warren: cpu.app,
      baseline: floor?.cpuPerTurnUs.floor,
      ratio: floor ? cpu.app / floor.cpuPerTurnUs.floor : undefined,
      target: `≤ ${TARGETS.cpuVsFloor}× floor`,
      met: floor ? cpu.app / floor.cpuPerTurnUs.floor <= TARGETS.cpuVsFloor : undefined,
      how:
        "same run: CPU of the app's process (/proc) over the measured turns; the floor's process does client and actors in one, as the app does" +
        (cpu.appNet !== undefined ? `; net of the app's idle CPU (${bg?.appMsPerS.toFixed(0)} ms/s) ≈ ${Math.round(cpu.appNet)} µs` : ''),
    });
    rows.push({
      name: `${label} broker CPU/turn vs lean floor`,
      unit: 'µs',
      warren: cpu.broker,
      baseline: lean?.cpuPerTurnUs.broker,
      ratio: lean ? cpu.broker / lean.cpuPerTurnUs.broker : undefined,
      target: `≤ ${TARGETS.brokerVsLean}× lean floor`,
      met: lean ? cpu.broker / lean.cpuPerTurnUs.broker <= TARGETS.brokerVsLean : undefined,
      how:
        'same run: CPU of the RabbitMQ node (/proc) over the measured turns; it serves other vhosts too' +
        (bg && cpu.brokerNet !== undefined
          ? `: the broker's background in this round (idle samples of 1 s before the floors and after Warren's turns) was ${bg.brokerMsPerS.toFixed(0)} ms/s, ` +
            `net of it ≈ ${Math.round(cpu.brokerNet)} µs against the lean floor's ≈ ${leanNet === undefined ? '—' : Math.round(leanNet)} µs ` +
            `(${leanNet ? (cpu.brokerNet / leanNet).toFixed(2) : '—'}×; the floor's window taken as 500 × its p50)`
          : ''),
    });
  };
  seqRows(
    'turn, AMQP sequential,',
    r.sequential,
    'publish `warren.session.message` "hello" to `warren.ingress` (raw amqplib, persistent, second process on loopback) → `session.<id>.reply` received',
  );
  seqRows(
    'turn, HTTP sequential,',
    r.http,
    'POST /v1/sessions/:id/messages {"text":"hello"} (node:http, keep-alive) → 202 → `session.<id>.reply` received on `warren.events`, timed from the POST (the gateway tells the session actor directly: no ingress router hop, as in the lean floor)',
  );
  const closedText = r.closed
    .map((c) => `${c.inFlight} in flight: ${Math.round(c.perSecond)}/s (${cpuPerTurn(c.cpu, c.turns)})`)
    .join('; ');
  rows.push({
    name: 'turns/s closed loop (max)',
    unit: 'turns/s',
    warren: r.closedMax,
    how:
      `${r.closed[0]?.turns ?? 0} turns over ${SESSIONS} warm sessions at ${CLOSED_IN_FLIGHT.join(' and ')} in flight, the best rate: ${closedText}; failed ` +
      `${r.closed.reduce((n, c) => n + c.failed, 0)}. Before them, a first pass (one turn per session, activations) ran at ${Math.round(r.warmUp.perSecond)}/s.`,
  });
  const stageRows = (label: string, s: StageResult, extra = '') => {
    const how =
      `open loop: ${s.sent} turns sent on a fixed schedule (${s.rate}/s for ${s.seconds} s, regardless of replies) over ${SESSIONS} warm sessions${extra}; ` +
      `latency from the scheduled send time to the reply; achieved ${Math.round(s.achieved)} turns/s, max ${fmtMs(s.max)}, failed ${s.failed}, ` +
      `missing ${s.missing}, load client send lag ≤ ${s.maxSendLagMs.toFixed(1)} ms. ${cpuPerTurn(s.cpu, s.sent)}`;
    rows.push({ name: `turn latency p50, ${label}`, unit: 'ms', warren: s.p50, how });
    rows.push({
      name: `turn latency p99, ${label}`,
      unit: 'ms',
      warren: s.p99,
      target: `< ${P99_LIMIT_MS} ms, 0 failed/missing`,
      met: s.p99 < P99_LIMIT_MS && s.missing === 0 && s.failed === 0,
      how: 'same run',
    });
  };
  stageRows(
    `open loop at half max (${r.half.rate}/s)`,
    r.half,
    ` (half of the closed-loop maximum of ${Math.round(r.closedMax)}/s, rounded to 10)`,
  );
  for (const s of r.fixed) stageRows(`open loop ${s.rate}/s`, s);
  const stepsText = r.steps
    .map((s) => `${s.rate}/s: p99 ${fmtMs(s.p99)}, achieved ${Math.round(s.achieved)}/s${s.missing ? `, ${s.missing} missing` : ''}`)
    .join('; ');
  rows.push({
    name: `turns/s sustained at p99 < ${P99_LIMIT_MS} ms`,
    unit: 'turns/s',
    warren: r.sustained,
    target: `≥ half max (${r.half.rate}/s)`,
    met: r.sustained >= r.half.rate,
    how:
      `open loop as above, ${STEP_SECONDS} s per step, rates stepped up until p99 ≥ ${P99_LIMIT_MS} ms, a failed or missing turn, or ` +
      `fewer than ${KEEP_UP * 100} % of the rate completed: ${stepsText}. Messages left in warren.dead after the whole turn bench (the keeper consumes it): ${r.deadLetters}; ` +
      `warnings/errors logged by the app: ${r.warnings}.`,
  });
  return rows;
}

/** The "Turns and gateway" section: the details behind the turn and gateway rows. */
export function turnsSection(
  turns: TurnBenchResult | undefined,
  fd: FirstDeltaResult | undefined,
  floors: Floors | undefined,
  gateway: GatewayBenchResult | undefined,
): string {
  if (!turns && !gateway && !fd) return '';
  const out = ['## Turns and gateway (issues 5 and 17)', ''];
  out.push(
    'The all-in-one app (`dist/apps/warren/src/main.js`: gateway + runtime in one process) in a child process, in a vhost of its own, ' +
      'on the embedded store in a temp dir; local model at zero latency (`latencyMs` 0, `perDeltaMs` 0; a reply to "hello" is 7 words, ready at once, so the worker sends them as one chunk) ' +
      `except for the time to first delta (${MODEL_LATENCY_MS} ms, then ${MODEL_PER_DELTA_MS} ms a word: 340 ms of streaming), ` +
      'limiter limits raised (10⁸ requests and 10⁹ tokens per minute) so it never refuses. Load from the bench process over loopback: raw ' +
      'amqplib for turns (publish to `warren.ingress`, read `session.*.reply|failed|interrupted` (and `delta`) on `warren.events`), node:http and autocannon for the gateway. ' +
      "Client, app and broker share the machine's CPUs; CPU per turn is read from /proc for the app and the broker and from " +
      '`process.cpuUsage()` for the load client. The floors print their own CPU per measured turn (their process does client and actors in one).',
    '',
  );
  if (turns || fd) {
    out.push(
      '**Every turn row beside the floors** (targets, issue 17: sequential p50 ≤ 1.3× the floor and ≤ 2× the lean floor; app CPU per turn ≤ 2× the ' +
        "floor's process; broker CPU per turn ≤ 1.2× the lean floor's; the CPU ratios of loaded rows compare with sequential floors, for scale):",
      '',
      turnTable(turns, fd, floors),
      '',
    );
  }
  if (turns) {
    for (const [label, seq] of [
      ['AMQP', turns.sequential],
      ['HTTP', turns.http],
    ] as const) {
      out.push(
        `**Sequential ${label}** (${seq.count} turns), task steps, p50 ms: ${stepText(seq)}; outside the steps (hops, task create, commit, reply event) ${seq.outsideStepsP50.toFixed(2)} ms.`,
        '',
      );
    }
    const idle = turns.idle;
    out.push(
      `**Background**: with the app warmed and no turn running (2 s), the app used ${idle.appMsPerS.toFixed(0)} ms of CPU per second and the broker ` +
        `${idle.brokerMsPerS.toFixed(0)} ms/s${idle.otherVhosts.length > 0 ? ` (other vhosts on the broker then: ${idle.otherVhosts.join(', ')})` : ''}; ` +
        `in the sequential rounds (1 s before the floors and after Warren's turns) the broker used ` +
        `${turns.roundBackgrounds.map((b) => `${b.brokerMsPerS.toFixed(0)}`).join(', ')} ms/s. Every raw CPU-per-turn figure carries that background for the ` +
        "turn's duration, a long turn more than a short one (the floors'); the figures after ≈ subtract it (the round's samples for sequential rows, " +
        "the mean of all samples for loaded rows, the floors' window taken as 500 × their p50). Other sessions' tests load the broker in bursts, so " +
        'the net figures are estimates; on a quiet broker raw and net agree.',
      '',
    );
    if (turns.counts) {
      out.push(
        `**What a turn does** (counted in a separate app with bench/turn-counts.ts preloaded; the floor: 1 SQLite commit, 13 publishes of which 4 to ` +
          'quorum queues (ingress shard, session shard, limiter, model); the lean floor: 1 commit, 10 publishes, 1 to a quorum queue (session shard); ' +
          "the load client's publish to `warren.ingress` is not in the app's counts):",
        '',
        countsTable(turns.counts),
        '',
      );
    }
    out.push(
      `Highest stepped rate with p99 < 50 ms that kept up: **${turns.sustained} turns/s**` +
        `${turns.sustained === 0 ? ' (none of the steps did)' : ''}; closed-loop maximum ${Math.round(turns.closedMax)} turns/s, half of it ${turns.half.rate}/s: ` +
        `p99 ${fmtMs(turns.half.p99)}, failed ${turns.half.failed}, missing ${turns.half.missing}. Messages left in warren.dead: ${turns.deadLetters}; app warnings/errors: ${turns.warnings}.`,
      '',
    );
  }
  if (gateway) out.push(...gatewaySection(gateway));
  return out.join('\n');
}
