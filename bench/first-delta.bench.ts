/**
 * Time to first delta at the voice server (issue 17): from the publish of the user's message to
 * `warren.ingress` to the arrival of the turn's first `session.<id>.delta` on `warren.events`,
 * with a model that streams over 300 ms (the local model: first word after LATENCY_MS, then one
 * word every PER_DELTA_MS; "hello" gets 7 words: 100 + 6 × 40 = 340 ms). Sequential on one session,
 * and an open loop at 100 turns/s over 200 warm sessions, once with the default configuration and
 * once with `runtime.workerPrefetch` raised (the default caps a node's concurrent streams at 16).
 * Output moderation holds back as many words as the longest `out` block rule can span (6 with the
 * built-in rules: "i am going to kill you") plus the word in progress, so that no delta ever holds
 * the start of a blocked phrase (issue 18). With the built-in rules a 7-word reply therefore streams
 * its first delta only with its last words (about 340 ms); MODEL_FIRST_RELEASE_MS below is what
 * the model alone takes to its second word (a one-word window: rules that span one word, or no
 * block rules), the floor Warren adds to. Shorter block rules shrink the window (docs/architecture.md).
 * Run alone: `node dist/bench/first-delta.bench.js` (BENCH_QUICK=1 for a short run).
 */

import { type Background, cpuPerTurn, meanBackground, measureBackground } from './cpu-meter';
import { type BenchRow, QUICK, sleep, withVhost } from './support';
import { WarrenSystem } from './system';
import { TurnClient } from './turn-client';
import { closedLoop, fmtMs, KEEP_UP, logStage, openLoop, type SequentialRun, type StageResult, sequentialAmqp } from './turn-load';

/** The local model's time to its first word, ms. */
export const MODEL_LATENCY_MS = 100;
/** The local model's time between words, ms. */
export const MODEL_PER_DELTA_MS = 40;
/** What the model itself takes until the first word moderation can release (the second word's arrival). */
export const MODEL_FIRST_RELEASE_MS = MODEL_LATENCY_MS + MODEL_PER_DELTA_MS;
const SEQ_WARMUP = QUICK ? 5 : 20;
export const FIRST_DELTA_SEQ_COUNT = QUICK ? 20 : 150;
export const FIRST_DELTA_RATE = 100;
export const FIRST_DELTA_SECONDS = QUICK ? 3 : 10;
/** Sessions of the open loop: each gets a turn every 2 s at 100/s, long after its 340 ms turn ended. */
export const FIRST_DELTA_SESSIONS = 200;
/**
 * `runtime.workerPrefetch` of the second app: the default (16) lets one node stream 16 replies at
 * once, so a 340 ms model caps it near 16 / 0.34 s ≈ 47 turns/s whatever the CPU.
 */
export const WIDE_WORKER_PREFETCH = 128;

export interface FirstDeltaResult {
  /** Sequential turns on one session, default configuration. */
  sequential: SequentialRun;
  /** Open loop at 100/s, default configuration (runtime.workerPrefetch 16). */
  open: StageResult;
  /** Open loop at 100/s with runtime.workerPrefetch WIDE_WORKER_PREFETCH. */
  openWide: StageResult;
  /** CPU with no turn running, first app (before and after its sequential turns) and second app. */
  background: Background;
  backgroundWide: Background;
  warnings: number;
}

/** An app with the streaming model (and `env`), its client reading deltas, the sessions warmed. */
async function withStreamingApp<T>(env: Record<string, string>, fn: (pids: (number | undefined)[], client: TurnClient) => Promise<T>) {
  return withVhost('first-delta', async (vhost) => {
    const system = await WarrenSystem.start(vhost.url, {
      WARREN__MODELS__LOCAL__LATENCY_MS: String(MODEL_LATENCY_MS),
      WARREN__MODELS__LOCAL__PER_DELTA_MS: String(MODEL_PER_DELTA_MS),
      ...env,
    });
    const client = await TurnClient.open(vhost.url, { deltas: true });
    try {
      // Every session of the open loop once (activation, history).
      await closedLoop([system.pid], client, FIRST_DELTA_SESSIONS, 50, FIRST_DELTA_SESSIONS);
      return { result: await fn([system.pid], client), warnings: system.warnings };
    } finally {
      await client.close();
      await system.stop();
    }
  });
}

export async function runFirstDeltaBench(): Promise<FirstDeltaResult> {
  const a = await withStreamingApp({}, async (pids, client) => {
    for (let i = 0; i < SEQ_WARMUP; i++) await client.turn('fd-1');
    const before = await measureBackground(pids);
    const { latencies: _, ...sequential } = await sequentialAmqp(pids, client, 'fd-1', FIRST_DELTA_SEQ_COUNT);
    const background = meanBackground([before, await measureBackground(pids)]) as Background;
    const fd = sequential.firstDelta;
    process.stderr.write(
      `\n  sequential: first delta p50 ${fd?.p50.toFixed(1)} p99 ${fd?.p99.toFixed(1)} ms, reply p50 ${sequential.p50.toFixed(1)} ms; ` +
        `${cpuPerTurn(sequential.cpu, sequential.count)}`,
    );
    await sleep(500);
    const open = await openLoop(pids, client, FIRST_DELTA_RATE, FIRST_DELTA_SECONDS, FIRST_DELTA_SESSIONS);
    logStage('open loop (default workerPrefetch 16)', open);
    return { sequential, open, background };
  });
  const b = await withStreamingApp({ WARREN__RUNTIME__WORKER_PREFETCH: String(WIDE_WORKER_PREFETCH) }, async (pids, client) => {
    const background = await measureBackground(pids);
    const open = await openLoop(pids, client, FIRST_DELTA_RATE, FIRST_DELTA_SECONDS, FIRST_DELTA_SESSIONS);
    logStage(`open loop (workerPrefetch ${WIDE_WORKER_PREFETCH})`, open);
    return { open, background };
  });
  process.stderr.write('\n');
  return {
    ...a.result,
    openWide: b.result.open,
    backgroundWide: b.result.background,
    warnings: a.warnings + b.warnings,
  };
}

/** Rows of the time-to-first-delta bench. */
export function firstDeltaRows(r: FirstDeltaResult): BenchRow[] {
  const model =
    `local model streaming over 340 ms (latencyMs ${MODEL_LATENCY_MS}, perDeltaMs ${MODEL_PER_DELTA_MS}, 7 words); output moderation releases up to the last ` +
    `complete word, so the model's own share of the time to first delta is ${MODEL_FIRST_RELEASE_MS} ms and the rest is Warren and the broker`;
  const rows: BenchRow[] = [];
  const seq = r.sequential;
  if (seq.firstDelta) {
    const how =
      `${FIRST_DELTA_SEQ_COUNT} sequential turns on one session (raw AMQP as a voice server: publish to \`warren.ingress\` → first \`session.<id>.delta\`), ${model}; ` +
      `over the model's ${MODEL_FIRST_RELEASE_MS} ms: p50 +${(seq.firstDelta.p50 - MODEL_FIRST_RELEASE_MS).toFixed(1)} ms; reply p50 ${seq.p50.toFixed(1)} ms; ` +
      `${cpuPerTurn(seq.cpu, seq.count)}; failed ${seq.failed}`;
    rows.push({ name: 'time to first delta p50, sequential', unit: 'ms', warren: seq.firstDelta.p50, how });
    rows.push({
      name: 'time to first delta p99, sequential',
      unit: 'ms',
      warren: seq.firstDelta.p99,
      how: `same run; max ${fmtMs(seq.firstDelta.max)}`,
    });
  }
  for (const [o, label, note] of [
    [r.open, '', 'default configuration (runtime.workerPrefetch 16: at most 16 streams at once per node)'],
    [r.openWide, `, workerPrefetch ${WIDE_WORKER_PREFETCH}`, `runtime.workerPrefetch raised to ${WIDE_WORKER_PREFETCH}`],
  ] as const) {
    if (!o.firstDelta) continue;
    const how =
      `open loop at ${o.rate} turns/s for ${o.seconds} s over ${FIRST_DELTA_SESSIONS} warm sessions, ${note}, from the scheduled send to the first delta, ${model}; ` +
      `over the model's ${MODEL_FIRST_RELEASE_MS} ms: p50 +${(o.firstDelta.p50 - MODEL_FIRST_RELEASE_MS).toFixed(1)} ms; reply p50 ${o.p50.toFixed(1)} ms, ` +
      `p99 ${fmtMs(o.p99)}; achieved ${Math.round(o.achieved)}/s, failed ${o.failed}, missing ${o.missing}; ${cpuPerTurn(o.cpu, o.sent)}; app warnings ${r.warnings}`;
    rows.push({
      name: `time to first delta p50, ${o.rate}/s${label}`,
      unit: 'ms',
      warren: o.firstDelta.p50,
      how,
    });
    rows.push({
      name: `time to first delta p99, ${o.rate}/s${label}`,
      unit: 'ms',
      warren: o.firstDelta.p99,
      how: `same run; max ${fmtMs(o.firstDelta.max)}; kept up: ${o.achieved >= KEEP_UP * o.rate ? 'yes' : 'no'}`,
    });
  }
  return rows;
}

if (require.main === module) {
  runFirstDeltaBench().then(
    (r) => console.log(JSON.stringify(r, null, 2)),
    (error: unknown) => {
      console.error(error);
      process.exitCode = 1;
    },
  );
}
