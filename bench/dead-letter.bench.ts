/**
 * Bulk replay of dead letters through the admin API (issue 7; target: 10,000 replayed in under
 * 10 s): the all-in-one app in a child process, 10,000 dead letters for 100 `bench-counter`
 * actors written to its embedded store, then `POST /v1/admin/dead-letters/replay` with a filter,
 * 1,000 records a call, cursor after cursor (what `ops dlq replay --all` does). Measured: the API
 * calls (published, confirmed and marked replayed), and until the actors had applied all of them.
 * Run alone: `node dist/bench/dead-letter.bench.js` (after the build).
 */

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { createStore, type NewDeadLetter } from '@warren/store';
import { applied, BenchCounter } from './bench-actors';
import { type BenchRow, QUICK, startWarren, until, withVhost } from './support';
import { WarrenSystem } from './system';

const RECORDS = QUICK ? 2_000 : 10_000;
const ACTORS = 100;
const BATCH = 1000;
const ADMIN_KEY = 'dev-admin-key';

/** What one run measured. */
export interface DeadLetterReplayResult {
  records: number;
  actors: number;
  /** First replay call to the last one answered (all published, confirmed, marked replayed). */
  apiSeconds: number;
  /** First replay call until the actors had applied every replay. */
  appliedSeconds: number;
  calls: number;
  skipped: number;
  /** Writing the records to the store (setup, not measured). */
  insertSeconds: number;
}

function deadLetter(i: number, t0: number): NewDeadLetter {
  const id = `bench-dl-${i}`;
  const key = `a${i % ACTORS}`;
  const at = new Date(t0 + i);
  return {
    messageId: id,
    actorType: 'bench-counter',
    address: `bench-counter/${key}`,
    taskId: id,
    errorCode: 'WARREN_HANDLER_FAILED',
    errorClass: 'Error',
    errorMessage: 'bench failure',
    handler: 'add',
    firstFailureAt: at,
    lastFailureAt: at,
    envelope: { specversion: '1.0', id, source: 'bench', type: 'bench.counter.add', data: { by: 1 } },
    headers: { 'x-warren-task-id': id, 'x-warren-target': `bench-counter/${key}`, 'x-warren-error': { code: 'WARREN_HANDLER_FAILED' } },
    attempts: [{ at, code: 'WARREN_HANDLER_FAILED', errorClass: 'Error', message: 'bench failure', handler: 'add' }],
    at,
  };
}

/** Runs the bench once in a vhost of its own. */
export async function runDeadLetterBench(): Promise<DeadLetterReplayResult> {
  return withVhost('dlq', async (v) => {
    const dataDir = mkdtempSync(join(process.env.WARREN_BENCH_DIR ?? tmpdir(), 'warren-dlq-bench-'));
    const system = await WarrenSystem.start(v.url, { WARREN_DATA_DIR: dataDir });
    const actors = await startWarren(v.url, [{ instance: new BenchCounter() }], { label: 'dlq-bench' });
    const store = createStore({ kind: 'embedded', dataDir });
    try {
      await store.init();
      const t0 = Date.now() - 3_600_000;
      let started = performance.now();
      for (let i = 0; i < RECORDS; i++) await store.deadLetters.insertIfAbsent(deadLetter(i, t0));
      const insertSeconds = (performance.now() - started) / 1000;
      const appliedBefore = applied.count;
      started = performance.now();
      let cursor: string | undefined;
      let calls = 0;
      let replayed = 0;
      let skipped = 0;
      do {
        const res = await fetch(`${system.httpUrl}/v1/admin/dead-letters/replay`, {
          method: 'POST',
          headers: { authorization: `Bearer ${ADMIN_KEY}`, 'content-type': 'application/json' },
          body: JSON.stringify({ filter: { actorType: 'bench-counter' }, limit: BATCH, cursor }),
        });
        if (res.status !== 200) throw new Error(`replay answered ${res.status}: ${await res.text()}`);
        const body = (await res.json()) as { replayed: unknown[]; skipped: unknown[]; nextCursor?: string };
        replayed += body.replayed.length;
        skipped += body.skipped.length;
        cursor = body.nextCursor;
        calls++;
      } while (cursor);
      const apiSeconds = (performance.now() - started) / 1000;
      if (replayed !== RECORDS) throw new Error(`replayed ${replayed} of ${RECORDS} (${skipped} skipped)`);
      await until(() => applied.count - appliedBefore >= RECORDS, 'every replay applied', 120_000, 20);
      const appliedSeconds = (performance.now() - started) / 1000;
      return { records: RECORDS, actors: ACTORS, apiSeconds, appliedSeconds, calls, skipped, insertSeconds };
    } finally {
      await store.close();
      await actors.stop();
      await system.stop();
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
}

/** The rows of run-all's table. */
export async function deadLetterReplayRows(): Promise<BenchRow[]> {
  const r = await runDeadLetterBench();
  const how =
    `all-in-one app (child process, embedded store); ${r.records} dead letters for ${r.actors} bench-counter actors written to its store ` +
    `(${r.insertSeconds.toFixed(1)} s, not measured), then POST /v1/admin/dead-letters/replay with a filter, ${BATCH} a call ` +
    `(${r.calls} calls): each record published (persistent, mandatory, confirmed; one at a time per actor, 64 actors at once) and ` +
    `marked replayed; all applied by the actors (in-process runtime) after ${r.appliedSeconds.toFixed(2)} s`;
  return [
    {
      name: `dead-letter bulk replay, ${r.records / 1000}k records`,
      unit: 's',
      warren: r.apiSeconds,
      target: '< 10 s for 10k',
      met: (r.apiSeconds * 10_000) / r.records < 10,
      how,
    },
    { name: 'dead-letter bulk replay throughput', unit: 'records/s', warren: r.records / r.apiSeconds, how },
  ];
}

if (require.main === module) {
  runDeadLetterBench().then(
    (r) => {
      console.log(JSON.stringify(r));
      console.log(
        `bulk replay: ${r.records} records for ${r.actors} actors in ${r.apiSeconds.toFixed(2)} s through the admin API ` +
          `(${Math.round(r.records / r.apiSeconds)}/s); all applied after ${r.appliedSeconds.toFixed(2)} s`,
      );
      process.exit(0);
    },
    (error: unknown) => {
      console.error(error);
      process.exit(1);
    },
  );
}
