/**
 * Dead-lettering throughput (issue 7): messages/s from a failure to a stored record. The
 * all-in-one app in a child process; the bench publishes N invalid `warren.session.message`s
 * (a CloudEvent without `data.text`) to `warren.ingress` over 100 sessions, as a faulty voice
 * server would. Each one is refused by the ingress router (a `failed` event), published to
 * `warren.dead` with `x-warren-error` (confirmed, then acked), and stored in `dead_letters` by the
 * keeper. Measured: first publish until the store holds all N records.
 * Run alone: `node dist/bench/dead-lettering.bench.js` (after the build).
 */

import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { createStore } from '@warren/store';
import { connect } from 'amqplib';
import { type BenchRow, QUICK, withVhost } from './support';
import { WarrenSystem } from './system';

const MESSAGES = QUICK ? 2_000 : 10_000;
const SESSIONS = 100;

/** What one run measured. */
export interface DeadLetteringResult {
  messages: number;
  /** First publish until every record was stored. */
  seconds: number;
  /** Publishing alone (confirmed by the broker). */
  publishSeconds: number;
}

/** Runs the bench once in a vhost of its own. */
export async function runDeadLetteringBench(): Promise<DeadLetteringResult> {
  return withVhost('dead-lettering', async (v) => {
    const dataDir = mkdtempSync(join(process.env.WARREN_BENCH_DIR ?? tmpdir(), 'warren-dead-lettering-bench-'));
    const system = await WarrenSystem.start(v.url, { WARREN_DATA_DIR: dataDir });
    const store = createStore({ kind: 'embedded', dataDir });
    const connection = await connect(v.url, { noDelay: true });
    try {
      await store.init();
      const ch = await connection.createConfirmChannel();
      const started = performance.now();
      for (let i = 0; i < MESSAGES; i++) {
        const id = randomUUID();
        const body = { specversion: '1.0', id, source: 'bench/faulty-voice-server', type: 'warren.session.message', data: { lang: 'en' } };
        ch.publish('warren.ingress', `session.s${i % SESSIONS}.message`, Buffer.from(JSON.stringify(body)), {
          persistent: true,
          messageId: id,
        });
        if (i % 500 === 499) await ch.waitForConfirms();
      }
      await ch.waitForConfirms();
      const publishSeconds = (performance.now() - started) / 1000;
      const deadline = Date.now() + 300_000;
      while ((await store.deadLetters.stats()).total < MESSAGES) {
        if (Date.now() > deadline) throw new Error('not every dead letter was stored within 300 s');
        await new Promise((r) => setTimeout(r, 100));
      }
      const seconds = (performance.now() - started) / 1000;
      return { messages: MESSAGES, seconds, publishSeconds };
    } finally {
      await connection.close().catch(() => undefined);
      await store.close();
      await system.stop();
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
}

/** The rows of run-all's table. */
export async function deadLetteringRows(): Promise<BenchRow[]> {
  const r = await runDeadLetteringBench();
  const how =
    `all-in-one app (child process, embedded store); ${r.messages} invalid ingress messages over ${SESSIONS} sessions ` +
    `(published in ${r.publishSeconds.toFixed(2)} s): refused by the router, dead-lettered by the node with x-warren-error ` +
    `(confirmed, then acked), stored by the keeper; measured until all ${r.messages} records were in dead_letters`;
  return [{ name: 'dead-lettering, failure to stored record', unit: 'msg/s', warren: r.messages / r.seconds, how }];
}

if (require.main === module) {
  runDeadLetteringBench().then(
    (r) => {
      console.log(
        `dead-lettering: ${r.messages} messages from failure to stored record in ${r.seconds.toFixed(2)} s (${Math.round(r.messages / r.seconds)}/s)`,
      );
      process.exit(0);
    },
    (error: unknown) => {
      console.error(error);
      process.exit(1);
    },
  );
}
