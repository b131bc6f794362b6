/**
 * The floor of `POST /v1/sessions/:sessionId/messages` on this machine: what any HTTP front of a
 * session actor must do, with nothing else. node:http, the API key looked up in a map, the JSON
 * body parsed and its `text` checked, one SQLite insert of the task (WAL, synchronous NORMAL, as
 * the embedded store), one persistent publish to a consistent-hash exchange over 16 quorum shard
 * queues (as `warren.actors.session`) on a confirm channel, and 202 `{"taskId"}` once confirmed.
 * No framework, no validation library, no span, metric or access line.
 *
 * A child of gateway-http.bench.ts: `AMQP_URL=… node dist/bench/http-floor.js`; prints
 * `ready on port N` when it listens; SIGTERM stops it.
 */

import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect } from 'amqplib';
import Database from 'better-sqlite3';

const SHARDS = 16;
const KEYS = new Map([['dev-key', 'dev']]);
const PATH = /^\/v1\/sessions\/([^/?#]+)\/messages$/;
const MAX_BODY = 100 * 1024;

async function main(): Promise<void> {
  const dir = mkdtempSync(join(process.env.WARREN_BENCH_DIR ?? tmpdir(), 'warren-http-floor-'));
  const db = new Database(join(dir, 'floor.sqlite'));
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.exec('create table tasks(id text primary key, tenant text, session text, status text, created int)');
  const insert = db.prepare("insert into tasks values(?, ?, ?, 'accepted', ?)");

  const connection = await connect(process.env.AMQP_URL ?? 'amqp://localhost', { noDelay: true });
  const setup = await connection.createChannel();
  await setup.assertExchange('floor.sessions', 'x-consistent-hash', { durable: true });
  for (let i = 0; i < SHARDS; i++) {
    await setup.assertQueue(`floor.session.shard.${i}`, { arguments: { 'x-queue-type': 'quorum' } });
    await setup.bindQueue(`floor.session.shard.${i}`, 'floor.sessions', '1');
  }
  const channel = await connection.createConfirmChannel();

  const answer = (res: ServerResponse, status: number, body: unknown): void => {
    const json = JSON.stringify(body);
    res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(json) });
    res.end(json);
  };
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const sessionId = req.method === 'POST' ? PATH.exec(req.url ?? '')?.[1] : undefined;
    if (sessionId === undefined) return answer(res, 404, { error: 'not found' });
    const auth = req.headers.authorization ?? '';
    const tenant = KEYS.get(auth.startsWith('Bearer ') ? auth.slice(7) : '');
    if (tenant === undefined) return answer(res, 401, { error: 'unauthorized' });
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size <= MAX_BODY) chunks.push(c);
    });
    req.on('end', () => {
      let body: { text?: unknown };
      try {
        body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { text?: unknown };
      } catch {
        return answer(res, 400, { error: 'not JSON' });
      }
      if (size > MAX_BODY || typeof body.text !== 'string' || body.text.length === 0) return answer(res, 400, { error: 'bad body' });
      const taskId = randomUUID();
      insert.run(taskId, tenant, sessionId, Date.now());
      const event = {
        specversion: '1.0',
        id: taskId,
        source: 'floor/http',
        type: 'warren.session.message',
        subject: sessionId,
        data: body,
      };
      channel.publish(
        'floor.sessions',
        `${tenant}~${sessionId}`,
        Buffer.from(JSON.stringify(event)),
        { persistent: true, messageId: taskId },
        (err) => (err ? answer(res, 503, { error: 'not confirmed' }) : answer(res, 202, { taskId })),
      );
    });
  });
  server.keepAliveTimeout = 60_000;
  server.listen(0, '127.0.0.1', () => {
    const address = server.address();
    console.log(`http floor ready on port ${typeof address === 'object' && address ? address.port : 0}`);
  });
  process.once('SIGTERM', () => {
    server.close();
    server.closeAllConnections();
    connection.close().finally(() => {
      db.close();
      rmSync(dir, { recursive: true, force: true });
      process.exit(0);
    });
  });
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
