// The admin API for dead letters on the all-in-one app against the real broker: admin keys (401 /
// 403), list, filters, stats, show; replay (dry run, new id + same task id + x-warren-replay-of,
// failure headers dropped, force, per-actor order for 10,000 records over 100 actors); edits
// validated against the message class; discard, restore, purge; the audit log. A failed turn
// replayed after its fault is fixed: dead-letter-turn-replay.e2e-spec.ts.
import { randomUUID } from 'node:crypto';
import { WARREN_HEADERS } from '@warren/contracts';
import type { NewDeadLetter, WarrenStore } from '@warren/store';
import { type Channel, type ConsumeMessage, connect } from 'amqplib';
import { autoTeardown, eventually, useVhost } from './support/broker';
import { BulkRecorder, deadLetter, Recorder, seen, T0 } from './support/recorder-dead-letters';
import { startRuntime } from './support/runtime';
import { startSystem } from './support/system';

jest.setTimeout(180_000);

const vhost = useVhost('dl-admin');

const ADMIN = 'Bearer dev-admin-key';
const TENANT = 'Bearer dev-key';
let store: WarrenStore;
let base: string;

/** An HTTP call to the app; `auth` null sends no Authorization header. */
async function call(method: string, path: string, body?: unknown, auth: string | null = ADMIN) {
  const res = await fetch(`${base}${path}`, {
    method,
    headers: { ...(auth ? { authorization: auth } : {}), ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
    body: body !== undefined ? JSON.stringify(body) : undefined,
  });
  const text = await res.text();
  // biome-ignore lint/suspicious/noExplicitAny: test bodies
  return { status: res.status, body: (text ? JSON.parse(text) : undefined) as any };
}

let raw: Channel;
const rawReceived: ConsumeMessage[] = [];

beforeAll(async () => {
  const sys = await startSystem('warren', vhost.url);
  store = sys.store;
  base = sys.app.url;
  await startRuntime(vhost.url, [{ instance: new Recorder() }, { instance: new BulkRecorder() }]);
  // A destination of our own, to see exactly what a replay publishes.
  const conn = await connect(vhost.url);
  autoTeardown({ close: () => conn.close() });
  raw = await conn.createChannel();
  await raw.assertExchange('test.replays', 'direct', { durable: false, autoDelete: true });
  const { queue } = await raw.assertQueue('', { exclusive: true });
  await raw.bindQueue(queue, 'test.replays', 'x');
  await raw.consume(queue, (m) => m && rawReceived.push(m), { noAck: true });
});

describe('admin keys', () => {
  // Every row has three elements: with fewer, jest would pass `done` as the body.
  const routes: [string, string, unknown][] = [
    ['GET', '/v1/admin/dead-letters/stats', undefined],
    ['GET', '/v1/admin/dead-letters', undefined],
    ['GET', '/v1/admin/dead-letters/some-id', undefined],
    ['POST', '/v1/admin/dead-letters/replay', { ids: ['x'] }],
    ['POST', '/v1/admin/dead-letters/some-id/edit', { data: {} }],
    ['POST', '/v1/admin/dead-letters/discard', { ids: ['x'], reason: 'r' }],
    ['POST', '/v1/admin/dead-letters/restore', { ids: ['x'] }],
    ['POST', '/v1/admin/dead-letters/purge', {}],
    ['GET', '/v1/admin/audit', undefined],
  ];

  it.each(routes)('%s %s: 401 without a key or with an unknown one, 403 with a tenant key', async (method, path, body) => {
    for (const auth of [null, 'Bearer not-a-key']) {
      const r = await call(method, path, body, auth);
      expect(r.status).toBe(401);
      expect(r.body.code).toBe('WARREN_UNAUTHORIZED');
    }
    const r = await call(method, path, body, TENANT);
    expect(r.status).toBe(403);
    expect(r.body).toMatchObject({ code: 'WARREN_FORBIDDEN', status: 403, detail: expect.stringContaining('admin key') });
  });

  it("an admin key is not a tenant's key", async () => {
    expect((await call('GET', '/v1/tasks/x', undefined, ADMIN)).status).toBe(401);
  });
});

describe('reading', () => {
  const ids: string[] = [];
  beforeAll(async () => {
    const variants: Partial<NewDeadLetter>[] = [
      { errorCode: 'WARREN_ASK_TIMEOUT', errorClass: 'AskTimeoutError', errorMessage: 'no answer from model/local within 10000 ms' },
      { errorCode: 'WARREN_ASK_TIMEOUT', errorClass: 'AskTimeoutError', errorMessage: 'no answer from model/local within 10000 ms' },
      {
        errorCode: 'WARREN_HANDLER_FAILED',
        errorClass: 'TypeError',
        errorMessage: 'Cannot read properties of undefined',
        handler: 'other',
      },
      {},
    ];
    for (const [i, v] of variants.entries()) {
      const dl = deadLetter(1000 + i, { address: `recorder/read-${i % 2}`, ...v });
      ids.push(dl.messageId);
      await store.deadLetters.insertIfAbsent(dl);
    }
  });

  it('lists newest first with filters and pages', async () => {
    const all = await call('GET', '/v1/admin/dead-letters?actorType=recorder&limit=3');
    expect(all.status).toBe(200);
    expect(all.body.items.map((d: { messageId: string }) => d.messageId)).toEqual([ids[3], ids[2], ids[1]]);
    const next = await call('GET', `/v1/admin/dead-letters?actorType=recorder&limit=3&cursor=${encodeURIComponent(all.body.nextCursor)}`);
    expect(next.body.items.map((d: { messageId: string }) => d.messageId)).toEqual([ids[0]]);
    expect(next.body.nextCursor).toBeUndefined();
    const q = async (query: string) =>
      (await call('GET', `/v1/admin/dead-letters?${query}`)).body.items.map((d: { messageId: string }) => d.messageId);
    expect(await q('errorCode=WARREN_ASK_TIMEOUT&order=asc')).toEqual([ids[0], ids[1]]);
    expect(await q('errorClass=TypeError')).toEqual([ids[2]]);
    expect(await q('address=recorder/read-1')).toEqual([ids[3], ids[1]]);
    expect(await q('text=CANNOT%20read')).toEqual([ids[2]]);
    expect(await q(`actorType=recorder&from=${new Date(T0 + 1001).toISOString()}&to=${new Date(T0 + 1003).toISOString()}`)).toEqual([
      ids[2],
      ids[1],
    ]);
    expect(await q('actorType=recorder&status=replayed')).toEqual([]);
  });

  it('refuses a wrong filter naming the field', async () => {
    const r = await call('GET', '/v1/admin/dead-letters?status=lost&limit=0');
    expect(r.status).toBe(400);
    expect(r.body.fields.map((f: { field: string }) => f.field).sort()).toEqual(['limit', 'status']);
  });

  it('groups by error class and code, actor type and handler, with first and last seen', async () => {
    const r = await call('GET', '/v1/admin/dead-letters/stats?actorType=recorder');
    expect(r.status).toBe(200);
    expect(r.body.total).toBe(4);
    expect(r.body.groups[0]).toEqual({
      errorClass: 'AskTimeoutError',
      errorCode: 'WARREN_ASK_TIMEOUT',
      actorType: 'recorder',
      handler: 'handle',
      count: 2,
      firstSeen: new Date(T0 + 1000).toISOString(),
      lastSeen: new Date(T0 + 1001).toISOString(),
    });
    expect(r.body.groups).toHaveLength(3);
  });

  it('shows one record: envelope, headers, every attempt, lineage; 404 for an unknown id', async () => {
    const r = await call('GET', `/v1/admin/dead-letters/${ids[2]}`);
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({
      messageId: ids[2],
      status: 'open',
      address: 'recorder/read-0',
      errorClass: 'TypeError',
      envelope: { id: ids[2], type: 'test.dl-admin.record' },
      headers: { 'x-keep-me': 'yes' },
      replayedAs: [],
      replays: [],
    });
    expect(r.body.attempts).toHaveLength(2);
    expect(r.body.attempts[0].stackHead).toContain('at handle');
    const missing = await call('GET', '/v1/admin/dead-letters/nope');
    expect(missing.status).toBe(404);
    expect(missing.body.code).toBe('WARREN_NOT_FOUND');
  });
});

describe('replay', () => {
  it('a dry run sends nothing and says what would go', async () => {
    const dl = deadLetter(2000, { address: 'recorder/dry' });
    await store.deadLetters.insertIfAbsent(dl);
    const r = await call('POST', '/v1/admin/dead-letters/replay', { ids: [dl.messageId], dryRun: true });
    expect(r.status).toBe(200);
    expect(r.body).toEqual({
      dryRun: true,
      replayed: [{ id: dl.messageId, address: 'recorder/dry', exchange: 'warren.actors.recorder', routingKey: 'dry' }],
      skipped: [],
    });
    expect((await store.deadLetters.get(dl.messageId))?.status).toBe('open');
    // A real replay to the same actor afterwards (a positive marker): anything the dry run had sent
    // would reach the actor before it.
    const marker = deadLetter(2001, { address: 'recorder/dry' });
    await store.deadLetters.insertIfAbsent(marker);
    expect((await call('POST', '/v1/admin/dead-letters/replay', { ids: [marker.messageId] })).status).toBe(200);
    await eventually(() => seen.some((s) => s.address === 'recorder/dry'), 'the marker replay');
    expect(seen.filter((s) => s.address === 'recorder/dry').map((s) => s.replayOf)).toEqual([marker.messageId]);
  });

  it('republishes with a new id, the same task id, x-warren-replay-of and without the failure headers; then the record is replayed', async () => {
    const dl = deadLetter(2100, { address: 'recorder/raw', origin: { exchange: 'test.replays', routingKey: 'x' } });
    await store.deadLetters.insertIfAbsent(dl);
    const r = await call('POST', '/v1/admin/dead-letters/replay', { ids: [dl.messageId] });
    expect(r.body.replayed).toHaveLength(1);
    const newId = r.body.replayed[0].newId as string;
    expect(newId).not.toBe(dl.messageId);
    const msg = await eventually(() => rawReceived.find((m) => m.properties.messageId === newId), 'the replay');
    expect(JSON.parse(msg.content.toString())).toEqual({ ...(dl.envelope as object), id: newId });
    expect(msg.properties.type).toBe('test.dl-admin.record');
    expect(msg.properties.deliveryMode).toBe(2);
    expect(msg.properties.headers).toEqual({
      [WARREN_HEADERS.TASK_ID]: dl.taskId,
      [WARREN_HEADERS.SENDER]: 'rtc://edge-1',
      [WARREN_HEADERS.TARGET]: 'recorder/raw',
      [WARREN_HEADERS.REPLAY_OF]: dl.messageId,
      'x-keep-me': 'yes',
    });
    expect(await store.deadLetters.get(dl.messageId)).toMatchObject({ status: 'replayed', replayedAs: [newId] });
  });

  it('to an actor: derived from the address, in dead-lettering order; a second replay needs force', async () => {
    const dls = [3, 1, 2].map((n) => deadLetter(2200 + n, { address: 'recorder/twice', seq: n }));
    for (const dl of dls) await store.deadLetters.insertIfAbsent(dl);
    const ids = dls.map((d) => d.messageId);
    const first = await call('POST', '/v1/admin/dead-letters/replay', { ids });
    expect(first.body.replayed.map((r: { id: string }) => r.id)).toEqual([ids[1], ids[2], ids[0]]);
    await eventually(() => seen.filter((s) => s.address === 'recorder/twice').length === 3, 'three replays');
    const got = seen.filter((s) => s.address === 'recorder/twice');
    expect(got.map((s) => s.seq)).toEqual([1, 2, 3]);
    expect(got.map((s) => s.replayOf)).toEqual([ids[1], ids[2], ids[0]]);
    expect(got.map((s) => s.taskId)).toEqual([dls[1]?.taskId, dls[2]?.taskId, dls[0]?.taskId]);

    const again = await call('POST', '/v1/admin/dead-letters/replay', { ids: [ids[0], 'no-such-id'] });
    expect(again.body.replayed).toEqual([]);
    expect(again.body.skipped).toEqual([
      { id: 'no-such-id', reason: 'not found' },
      { id: ids[0], reason: expect.stringMatching(/^already replayed as .* \(pass force to replay it again\)$/) },
    ]);
    const forced = await call('POST', '/v1/admin/dead-letters/replay', { ids: [ids[0]], force: true });
    expect(forced.body.replayed).toHaveLength(1);
    await eventually(() => seen.filter((s) => s.address === 'recorder/twice').length === 4, 'the forced replay');
    expect((await store.deadLetters.get(ids[0] as string))?.replayedAs).toHaveLength(2);
  });

  it('refuses ids with a filter, or neither, naming the field', async () => {
    for (const body of [{}, { ids: ['a'], filter: { actorType: 'x' } }]) {
      const r = await call('POST', '/v1/admin/dead-letters/replay', body);
      expect(r.status).toBe(400);
      expect(r.body.fields[0].field).toBe('ids');
    }
    const r = await call('POST', '/v1/admin/dead-letters/replay', { filter: { status: 'gone' }, limit: 5000 });
    expect(r.status).toBe(400);
    expect(r.body.fields.map((f: { field: string }) => f.field).sort()).toEqual(['filter.status', 'limit']);
  });

  it('10,000 records for 100 actors: each actor gets its messages in dead-lettering order, all marked replayed', async () => {
    const N = 10_000;
    const ACTORS = 100;
    // Dead-lettering order differs from the seq order within an actor only by the insertion
    // order: record i is actor i % 100's (i / 100)-th message.
    const records: NewDeadLetter[] = [];
    for (let i = 0; i < N; i++) records.push(deadLetter(10_000 + i, { address: `bulkrec/a${i % ACTORS}`, seq: Math.floor(i / ACTORS) }));
    for (const dl of records) await store.deadLetters.insertIfAbsent(dl);
    const started = Date.now();
    let cursor: string | undefined;
    let replayed = 0;
    let calls = 0;
    do {
      const r = await call('POST', '/v1/admin/dead-letters/replay', { filter: { actorType: 'bulkrec' }, limit: 1000, cursor });
      expect(r.status).toBe(200);
      expect(r.body.skipped).toEqual([]);
      replayed += r.body.replayed.length;
      cursor = r.body.nextCursor;
      calls++;
    } while (cursor);
    const seconds = (Date.now() - started) / 1000;
    expect(replayed).toBe(N);
    expect(calls).toBe(10);
    await eventually(() => seen.filter((s) => s.address.startsWith('bulkrec/')).length >= N, 'every replay handled', 120_000, 200);
    const bulk = seen.filter((s) => s.address.startsWith('bulkrec/'));
    expect(bulk).toHaveLength(N);
    for (let a = 0; a < ACTORS; a++) {
      const seqs = bulk.filter((s) => s.address === `bulkrec/a${a}`).map((s) => s.seq);
      expect(seqs).toEqual(Array.from({ length: N / ACTORS }, (_, i) => i));
    }
    const stats = await call('GET', '/v1/admin/dead-letters/stats?actorType=bulkrec&status=replayed');
    expect(stats.body.total).toBe(N);
    console.log(`bulk replay: ${N} records in ${seconds.toFixed(1)} s through the admin API`);
  });
});

describe('edit', () => {
  it('refuses invalid data naming the field and sends nothing; replays valid data and keeps the record', async () => {
    const id = `dl-${randomUUID()}`;
    const dl = deadLetter(3000, {
      messageId: id,
      address: 'session/dev~edit1',
      origin: { exchange: 'test.replays', routingKey: 'x' },
      envelope: { specversion: '1.0', id, source: 'test', type: 'warren.session.message', data: { text: 'hello' } },
    });
    await store.deadLetters.insertIfAbsent(dl);
    const bad = await call('POST', `/v1/admin/dead-letters/${id}/edit`, { data: { text: 42, extra: true } });
    expect(bad.status).toBe(400);
    expect(bad.body.code).toBe('WARREN_INVALID_MESSAGE');
    expect(bad.body.fields.map((f: { field: string }) => f.field).sort()).toEqual(['data.extra', 'data.text']);
    expect(await store.deadLetters.get(id)).toMatchObject({ status: 'open', replayedAs: [] });

    const dry = await call('POST', `/v1/admin/dead-letters/${id}/edit`, { data: { text: 'hello again' }, dryRun: true });
    expect(dry.body).toEqual({ dryRun: true, id, exchange: 'test.replays', routingKey: 'x' });
    const ok = await call('POST', `/v1/admin/dead-letters/${id}/edit`, { data: { text: 'hello again' } });
    expect(ok.status).toBe(200);
    const msg = await eventually(() => rawReceived.find((m) => m.properties.messageId === ok.body.newId), 'the edited replay');
    expect(JSON.parse(msg.content.toString()).data).toEqual({ text: 'hello again' });
    expect(msg.properties.headers?.[WARREN_HEADERS.REPLAY_OF]).toBe(id);
    expect(await store.deadLetters.get(id)).toMatchObject({ status: 'replayed', replayedAs: [ok.body.newId], note: 'edited' });
    expect((await call('POST', '/v1/admin/dead-letters/nope/edit', { data: {} })).status).toBe(404);
  });
});

describe('discard, restore, purge', () => {
  it('discards with a reason, restores, skips what does not apply, and purges after the retention', async () => {
    const dls = [0, 1].map((n) => deadLetter(4000 + n, { address: 'recorder/bin' }));
    for (const dl of dls) await store.deadLetters.insertIfAbsent(dl);
    const [a, b] = dls.map((d) => d.messageId) as [string, string];
    const noReason = await call('POST', '/v1/admin/dead-letters/discard', { ids: [a] });
    expect(noReason.status).toBe(400);
    expect(noReason.body.fields[0].field).toBe('reason');

    const discarded = await call('POST', '/v1/admin/dead-letters/discard', { filter: { address: 'recorder/bin' }, reason: 'test data' });
    expect(discarded.body).toEqual({ changed: [a, b], skipped: [] });
    expect(await store.deadLetters.get(a)).toMatchObject({ status: 'discarded', note: 'test data' });
    const replay = await call('POST', '/v1/admin/dead-letters/replay', { ids: [a] });
    expect(replay.body.skipped).toEqual([{ id: a, reason: 'discarded (restore it first)' }]);

    const restored = await call('POST', '/v1/admin/dead-letters/restore', { ids: [a, a] });
    expect(restored.body).toEqual({ changed: [a], skipped: [] });
    expect((await store.deadLetters.get(a))?.status).toBe('open');
    expect((await call('POST', '/v1/admin/dead-letters/restore', { ids: [a] })).body.skipped).toEqual([
      { id: a, reason: 'open, not discarded' },
    ]);

    // b was discarded now: kept. One discarded 31 days ago goes.
    const old = deadLetter(4002, { address: 'recorder/bin' });
    await store.deadLetters.insertIfAbsent(old);
    await store.deadLetters.updateStatus(old.messageId, { status: 'discarded', note: 'old', at: new Date(Date.now() - 31 * 86_400_000) });
    const purged = await call('POST', '/v1/admin/dead-letters/purge', {});
    expect(purged.status).toBe(200);
    expect(purged.body.purged).toBe(1);
    expect(await store.deadLetters.get(old.messageId)).toBeUndefined();
    expect((await store.deadLetters.get(b))?.status).toBe('discarded');
  });
});

describe('audit log', () => {
  it("records every action with the admin's name", async () => {
    const r = await call('GET', '/v1/admin/audit?limit=1000');
    expect(r.status).toBe(200);
    const actions = new Set(r.body.items.map((e: { action: string }) => e.action));
    for (const a of ['dlq.replay', 'dlq.edit', 'dlq.discard', 'dlq.restore', 'dlq.purge']) expect(actions).toContain(a);
    for (const e of r.body.items) expect(e.actor).toBe('dev-admin');
    const purge = r.body.items.find((e: { action: string }) => e.action === 'dlq.purge');
    expect(purge).toMatchObject({ count: 1, details: { retentionDays: 30 } });
    const discard = r.body.items.find((e: { action: string }) => e.action === 'dlq.discard');
    expect(discard).toMatchObject({ count: 2, details: { reason: 'test data' } });
    // Dry runs change nothing and are not audited; refused calls neither.
    expect(r.body.items.filter((e: { action: string }) => e.action === 'dlq.edit')).toHaveLength(1);
  });
});
