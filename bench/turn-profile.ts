/**
 * Where a sequential turn's CPU goes: the all-in-one app under `--cpu-prof` (sampling every
 * PROFILE_INTERVAL_US, default 200 µs), 200 warm-up turns, then PROFILE_TURNS (default 2,000)
 * sequential turns on one session, raw AMQP (PROFILE_PATH=http: through the gateway). The profile
 * is cut to the measured turns (its clock is the machine's monotonic clock, as `process.hrtime`
 * here) and summarised by area, file and function (bench/cpu-profile.ts). Then a second app, not
 * profiled, counts what a turn does on both paths (bench/turn-counts-run.ts): the counters'
 * wrappers would take the native time of SQLite statements as their own in a profile.
 * Run: `node dist/bench/turn-profile.js` (PROFILE_KEEP=1 keeps the .cpuprofile and prints its path;
 * PROFILE_PER_DELTA_MS=1 streams the reply word by word).
 */

import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { cpuPerTurn } from './cpu-meter';
import { profileMarkdown, summariseProfile } from './cpu-profile';
import { HttpTurns } from './http-turns';
import { QUICK, withVhost } from './support';
import { WarrenSystem } from './system';
import { TurnClient } from './turn-client';
import { countsTable, countTurns } from './turn-counts-run';
import { sequentialAmqp, sequentialTurns } from './turn-load';

const TURNS = Number(process.env.PROFILE_TURNS ?? (QUICK ? 300 : 2000));
const WARMUP = 200;
const INTERVAL_US = Number(process.env.PROFILE_INTERVAL_US ?? 200);
const PATH = process.env.PROFILE_PATH === 'http' ? 'http' : 'amqp';
/**
 * The local model's delay between words (ms); 0 (default): the 7 words are ready at once and go as
 * one chunk and one `delta` event. 1: each word is a chunk and a `delta` event of its own, at
 * almost the same turn rate, so the difference is the cost of streaming.
 */
const PER_DELTA_MS = process.env.PROFILE_PER_DELTA_MS ?? '0';

const monotonicUs = () => Number(process.hrtime.bigint() / 1000n);

/** The app under the profiler: warm-up, then the measured turns; resolves with their window (profile clock). */
async function profiled(dir: string): Promise<{ line: string; from: number; to: number }> {
  return withVhost('profile', async (vhost) => {
    const system = await WarrenSystem.start(vhost.url, { WARREN__MODELS__LOCAL__PER_DELTA_MS: PER_DELTA_MS }, 'warren', 60_000, [
      '--cpu-prof',
      `--cpu-prof-dir=${dir}`,
      `--cpu-prof-interval=${INTERVAL_US}`,
    ]);
    const client = await TurnClient.open(vhost.url);
    const http = new HttpTurns(system.httpUrl, client);
    try {
      const run =
        PATH === 'http'
          ? (n: number) =>
              sequentialTurns([system.pid], n, async () => {
                const t0 = performance.now();
                const end = await http.turn('prof-http');
                return { t0, end, id: end.taskId };
              })
          : (n: number) => sequentialAmqp([system.pid], client, 'prof-1', n);
      await run(WARMUP);
      const from = monotonicUs();
      const r = await run(TURNS);
      const to = monotonicUs();
      const line = `${TURNS} sequential ${PATH} turns (model perDeltaMs ${PER_DELTA_MS}), profiler on: p50 ${r.p50.toFixed(2)} ms, p99 ${r.p99.toFixed(2)} ms; ${cpuPerTurn(r.cpu, r.count)}`;
      return { line, from, to };
    } finally {
      http.close();
      await client.close();
      await system.stop(); // SIGTERM: the app exits normally and writes its profile
    }
  });
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'warren-turn-profile-'));
  const keep = process.env.PROFILE_KEEP === '1';
  try {
    const prof = await profiled(dir);
    const file = readdirSync(dir).find((f) => f.endsWith('.cpuprofile'));
    if (!file) throw new Error(`no .cpuprofile written in ${dir}`);
    const counts = await countTurns();
    console.log(`${prof.line}\n`);
    console.log(profileMarkdown(summariseProfile(join(dir, file), prof.from, prof.to), TURNS));
    console.log(`\n${countsTable(counts)}`);
    if (keep) console.log(`\nprofile: ${join(dir, file)}`);
  } finally {
    if (!keep) rmSync(dir, { recursive: true, force: true });
  }
}

main().then(
  () => process.exit(),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
