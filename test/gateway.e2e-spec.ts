// The HTTP gateway in-process against the real broker: auth, validation, POST → session shards,
// idempotency, tasks and history per tenant, SSE filtered by tenant, OpenAPI, trace continued.
import { execFileSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import type { INestApplication } from '@nestjs/common';
import { trace } from '@opentelemetry/api';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { AmqpTransport } from '@warren/amqp';
import { createStore, type WarrenStore } from '@warren/store';
import { installContextManager } from '@warren/telemetry';
import { type ConfirmChannel, connect } from 'amqplib';
import { SessionEventHub } from '../apps/gateway/src/events/session-event-hub';
import { autoTeardown, closeVhostConnections, eventually, useVhost } from './support/broker';
import { ADMIN, DEV, OTHER, ReadReceived, type Received, ReceivingSession, startGatewayApp } from './support/gateway-in-process';
import { type InProcessRuntime, startRuntime, tempDir } from './support/runtime';
import { openSse } from './support/sse-client';

const vhost = useVhost('gateway');

let base: string;
let app: INestApplication;
let store: WarrenStore;
let node: InProcessRuntime;
let ch: ConfirmChannel;

beforeAll(async () => {
  installContextManager();
  trace.setGlobalTracerProvider(new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(new InMemorySpanExporter())] }));
  const dataDir = tempDir('gateway');
  autoTeardown({ close: () => rmSync(dataDir, { recursive: true, force: true }) });
  node = await startRuntime(vhost.url, [{ instance: new ReceivingSession() }], { dataDir });
  store = createStore({ dataDir });
  await store.init();
  autoTeardown({ close: () => store.close() });

  app = await startGatewayApp(vhost.url, store);
  autoTeardown({ close: () => app.close() });
  base = await app.getUrl();

  ch = await openPublisher();
});

/** A plain amqplib publisher, as a producer without Warren code would have. */
async function openPublisher(): Promise<ConfirmChannel> {
  const conn = await connect(vhost.url, { noDelay: true });
  conn.on('error', () => undefined);
  autoTeardown({ close: () => conn.close().catch(() => undefined) });
  return conn.createConfirmChannel();
}
afterAll(() => trace.disable());

const auth = (key: string) => ({ authorization: `Bearer ${key}` });

function post(sessionId: string, body: unknown, headers: Record<string, string> = auth(DEV)): Promise<Response> {
  return fetch(`${base}/v1/sessions/${sessionId}/messages`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
}

const received = (address: string) => node.runtime.ref(address).ask<Received[]>(new ReadReceived());

/** Publishes a CloudEvent on warren.events as a session actor would (ctx.emit). */
function publishEvent(routingKey: string, sender: string, id: string, data: unknown, taskId?: string): Promise<void> {
  const body = Buffer.from(JSON.stringify({ specversion: '1.0', id, source: 'warren://node/test', type: 'warren.session.x', data }));
  const headers: Record<string, string> = { 'x-warren-sender': sender, ...(taskId ? { 'x-warren-task-id': taskId } : {}) };
  return new Promise((resolve, reject) =>
    ch.publish('warren.events', routingKey, body, { messageId: id, headers }, (err) => (err ? reject(err) : resolve())),
  );
}

/** Opens an SSE stream of the gateway with a tenant's key. */
const openEvents = (path: string, key: string) => openSse(`${base}${path}`, auth(key));

describe('auth', () => {
  test.each([
    ['no Authorization header', {}],
    ['an unknown key', auth('not-a-key')],
    ['a malformed header', { authorization: 'dev-key' }],
  ])('401 WARREN_UNAUTHORIZED with %s', async (_what, headers) => {
    const res = await post('s1', { text: 'hi' }, headers);
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toBe('Bearer');
    expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(await res.json()).toEqual({
      type: 'urn:warren:problem:unauthorized',
      title: expect.any(String),
      status: 401,
      detail: expect.any(String),
      instance: expect.stringMatching(/^\/v1\//),
      code: 'WARREN_UNAUTHORIZED',
    });
    const task = await fetch(`${base}/v1/tasks/t1`, { headers });
    expect(task.status).toBe(401);
  });
});

describe('validation', () => {
  test.each([
    ['empty text', 's1', { text: '' }, 'text'],
    ['no text', 's1', {}, 'text'],
    ['text over maxTextLength', 's1', { text: 'x'.repeat(51) }, 'text'],
    ['a bad locale', 's1', { text: 'hi', locale: 'english!!' }, 'locale'],
    ['a bad channel', 's1', { text: 'hi', channel: 'fax' }, 'channel'],
    ['an unknown field', 's1', { text: 'hi', tenant: 'other' }, 'tenant'],
    ['a session id with a dot', 'bad.id', { text: 'hi' }, 'sessionId'],
    ['a session id over 128 characters', 'x'.repeat(129), { text: 'hi' }, 'sessionId'],
  ])('400 WARREN_INVALID_MESSAGE naming the field for %s', async (_what, sessionId, body, field) => {
    const res = await post(sessionId, body);
    expect(res.status).toBe(400);
    const json = (await res.json()) as { code: string; fields: { field: string; constraints: string[] }[] };
    expect(json.code).toBe('WARREN_INVALID_MESSAGE');
    expect(json.fields.map((f) => f.field)).toContain(field);
    expect(json.fields.every((f) => f.constraints.length > 0)).toBe(true);
  });

  test('a body that is not JSON is 400 WARREN_INVALID_MESSAGE', async () => {
    const res = await post('s1', '{"text": ');
    expect(res.status).toBe(400);
    expect(((await res.json()) as { code: string }).code).toBe('WARREN_INVALID_MESSAGE');
  });

  test("an unknown /v1 path is a WARREN_NOT_FOUND in OpenAI's shape (the OpenAI namespace), a path outside /v1 a problem details 404", async () => {
    const res = await fetch(`${base}/v1/nothing-here`, { headers: auth(DEV) });
    expect(res.status).toBe(404);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('WARREN_NOT_FOUND');
    const other = await fetch(`${base}/not-the-gateway`);
    expect(other.status).toBe(404);
    expect(other.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(await other.json()).toMatchObject({
      type: 'urn:warren:problem:not-found',
      status: 404,
      code: 'WARREN_NOT_FOUND',
      instance: '/not-the-gateway',
    });
  });

  test('the answers do not depend on the way a request takes (the fast path leaves what it refuses to Nest)', async () => {
    // Both over maxTextLength, one of them over 64 kB (the old fast path's limit): the same 400 either way.
    const long = await post('s1', { text: 'x'.repeat(70_000) });
    const short = await post('s1', { text: 'x'.repeat(51) });
    expect([long.status, short.status]).toEqual([400, 400]);
    expect(await long.json()).toEqual(await short.json());
    // A UTF-8 byte order mark is dropped, as Express's JSON parser drops it.
    const bom = await fetch(`${base}/v1/sessions/s1/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json; charset=utf-8', ...auth(DEV) },
      body: Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(JSON.stringify({ text: 'bom' }))]),
    });
    expect(bom.status).toBe(202);
  });

  test('a bad Idempotency-Key is named too', async () => {
    const res = await post('s1', { text: 'hi' }, { ...auth(DEV), 'idempotency-key': 'ü'.repeat(3) });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { fields: { field: string }[] }).fields[0]?.field).toBe('Idempotency-Key');
  });
});

describe('POST /v1/sessions/:sessionId/messages', () => {
  test('202 { taskId } once the message is on the session shards: message id and x-warren-task-id = taskId', async () => {
    const res = await post('s1', { text: 'hello warren', locale: 'en-GB' });
    expect(res.status).toBe(202);
    const { taskId } = (await res.json()) as { taskId: string };
    expect(taskId).toMatch(/^[0-9a-f-]{36}$/);
    const got = await eventually(async () => (await received('session/dev~s1')).find((r) => r.messageId === taskId), 'the session message');
    expect(got).toMatchObject({ text: 'hello warren', taskId, locale: 'en-GB' });
  });

  test('the same Idempotency-Key gives the same taskId, and the session handles the message once', async () => {
    const headers = { ...auth(DEV), 'idempotency-key': 'retry-me-1' };
    const first = (await (await post('idem', { text: 'once' }, headers)).json()) as { taskId: string };
    const second = (await (await post('idem', { text: 'once' }, headers)).json()) as { taskId: string };
    expect(second.taskId).toBe(first.taskId);
    const third = (await (await post('idem', { text: 'once' }, { ...auth(DEV), 'idempotency-key': 'retry-me-2' })).json()) as {
      taskId: string;
    };
    expect(third.taskId).not.toBe(first.taskId);
    const texts = await eventually(async () => {
      const r = await received('session/dev~idem');
      return r.length >= 2 ? r : undefined;
    }, 'both tasks');
    await new Promise((r) => setTimeout(r, 300));
    expect((await received('session/dev~idem')).map((r) => r.messageId)).toEqual([first.taskId, third.taskId]);
    expect(texts.every((r) => r.text === 'once')).toBe(true);
    // The same key in another tenant is another task.
    const other = (await (await post('idem', { text: 'once' }, { ...auth(OTHER), 'idempotency-key': 'retry-me-1' })).json()) as {
      taskId: string;
    };
    expect(other.taskId).not.toBe(first.taskId);
  });

  test('continues the incoming traceparent: the session actor runs in the same trace, the response names the span', async () => {
    const traceId = '4bf92f3577b34da6a3ce929d0e0e4736';
    const res = await post('traced', { text: 'trace me' }, { ...auth(DEV), traceparent: `00-${traceId}-00f067aa0ba902b7-01` });
    expect(res.status).toBe(202);
    expect(res.headers.get('traceparent')).toMatch(new RegExp(`^00-${traceId}-[0-9a-f]{16}-01$`));
    expect(res.headers.get('traceparent')).not.toContain('00f067aa0ba902b7');
    const { taskId } = (await res.json()) as { taskId: string };
    const got = await eventually(async () => (await received('session/dev~traced')).find((r) => r.taskId === taskId), 'the traced message');
    expect(got.traceId).toBe(traceId);
  });

  test('the fast path answers as the controller does (the same status, headers and body; the task readable at once)', async () => {
    // A trailing slash is the same route for Express, but not the fast path's spelling: the controller answers it.
    const viaController = await fetch(`${base}/v1/sessions/same/messages/`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...auth(DEV) },
      body: JSON.stringify({ text: 'hi' }),
    });
    const viaFastPath = await post('same', { text: 'hi' });
    expect(viaFastPath.status).toBe(202);
    expect(viaController.status).toBe(202);
    const names = (res: Response) => [...res.headers.keys()].sort();
    expect(names(viaFastPath)).toEqual(names(viaController));
    for (const name of ['content-type', 'x-powered-by']) expect(viaFastPath.headers.get(name)).toBe(viaController.headers.get(name));
    expect(viaFastPath.headers.get('etag')).toMatch(/^W\/"31-/);
    for (const res of [viaFastPath, viaController]) {
      const body = (await res.json()) as { taskId: string };
      expect(Object.keys(body)).toEqual(['taskId']);
      const { taskId } = body;
      const task = await fetch(`${base}/v1/tasks/${taskId}`, { headers: auth(DEV) });
      expect(task.status).toBe(200);
    }
  });
});

describe('the fast path of POST /v1/sessions/:sessionId/messages (an Express middleware after the body reader)', () => {
  test('app-wide middleware added before configureGatewayHttp runs for it; with gateway.fastPostMessage off the controller answers the same', async () => {
    const marked = (name: string) => (target: INestApplication) =>
      target.use((_req: unknown, res: { setHeader(n: string, v: string): void }, next: () => void) => {
        res.setHeader('x-app-middleware', name);
        next();
      });
    const fast = await startGatewayApp(vhost.url, store, { before: marked('fast'), nodeId: 'gateway-e2e-fast' });
    autoTeardown({ close: () => fast.close() });
    const plain = await startGatewayApp(vhost.url, store, {
      before: marked('plain'),
      gateway: { fastPostMessage: false },
      nodeId: 'gateway-e2e-plain',
    });
    autoTeardown({ close: () => plain.close() });
    const send = async (target: INestApplication, body: unknown) =>
      fetch(`${await target.getUrl()}/v1/sessions/mw/messages`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...auth(DEV) },
        body: JSON.stringify(body),
      });
    const [viaFast, viaPlain] = [await send(fast, { text: 'hi' }), await send(plain, { text: 'hi' })];
    expect([viaFast.status, viaPlain.status]).toEqual([202, 202]);
    expect([viaFast.headers.get('x-app-middleware'), viaPlain.headers.get('x-app-middleware')]).toEqual(['fast', 'plain']);
    const names = (res: Response) => [...res.headers.keys()].sort();
    expect(names(viaFast)).toEqual(names(viaPlain));
    expect(viaFast.headers.get('content-type')).toBe(viaPlain.headers.get('content-type'));
    expect(viaFast.headers.get('etag')).toMatch(/^W\/"31-/);
    for (const res of [viaFast, viaPlain]) {
      const { taskId } = (await res.json()) as { taskId: string };
      await eventually(async () => (await received('session/dev~mw')).find((r) => r.messageId === taskId), 'the message of each way');
    }
    // What the fast path refuses, Nest answers: the same 400 naming the field either way.
    const [badFast, badPlain] = [await send(fast, { text: 'hi', extra: 1 }), await send(plain, { text: 'hi', extra: 1 })];
    expect([badFast.status, badPlain.status]).toEqual([400, 400]);
    expect(await badFast.json()).toEqual(await badPlain.json());
  });
});

describe('GET /v1/tasks/:taskId', () => {
  test('the owner tenant reads its task; another tenant gets 404, as for a task that does not exist', async () => {
    const { taskId } = (await (await post('t-owner', { text: 'task', userId: 'u-1' })).json()) as { taskId: string };
    const mine = await fetch(`${base}/v1/tasks/${taskId}`, { headers: auth(DEV) });
    expect(mine.status).toBe(200);
    expect(await mine.json()).toMatchObject({
      id: taskId,
      tenant: 'dev',
      sessionId: 't-owner',
      userId: 'u-1',
      actor: 'session/dev~t-owner',
      status: expect.any(String),
      steps: expect.any(Array),
      transitions: [expect.objectContaining({ status: 'accepted' })],
    });
    for (const [key, id] of [
      [OTHER, taskId],
      [DEV, 'no-such-task'],
    ]) {
      const res = await fetch(`${base}/v1/tasks/${id}`, { headers: auth(key as string) });
      expect(res.status).toBe(404);
      expect(await res.json()).toMatchObject({ code: 'WARREN_NOT_FOUND', status: 404, detail: `task ${id} not found` });
    }
  });
});

describe('GET /v1/sessions/:sessionId/messages', () => {
  test("pages the tenant's history of the session, newest first by default", async () => {
    const t0 = Date.now() - 10_000;
    await store.history.append(
      ['one', 'two', 'three'].map((content, i) => ({
        tenant: 'dev',
        sessionId: 'h1',
        role: i % 2 === 0 ? ('user' as const) : ('assistant' as const),
        content,
        at: new Date(t0 + i),
      })),
    );
    const page = async (query: string, key = DEV) => {
      const res = await fetch(`${base}/v1/sessions/h1/messages${query}`, { headers: auth(key) });
      return { status: res.status, body: (await res.json()) as { items: { content: string }[]; nextCursor?: string } };
    };
    const first = await page('?limit=2');
    expect(first.status).toBe(200);
    expect(first.body.items.map((p) => p.content)).toEqual(['three', 'two']);
    expect(first.body.nextCursor).toEqual(expect.any(String));
    const second = await page(`?limit=2&cursor=${encodeURIComponent(first.body.nextCursor as string)}`);
    expect(second.body.items.map((p) => p.content)).toEqual(['one']);
    expect(second.body.nextCursor).toBeUndefined();
    expect((await page('?order=asc')).body.items.map((p) => p.content)).toEqual(['one', 'two', 'three']);
    expect((await page('', OTHER)).body.items).toEqual([]);
  });

  test.each([
    ['?limit=0', 'limit'],
    ['?limit=21', 'limit'],
    ['?limit=abc', 'limit'],
    ['?order=sideways', 'order'],
    ['?cursor=not-a-cursor', 'cursor'],
  ])('400 naming the field for %s', async (query, field) => {
    const res = await fetch(`${base}/v1/sessions/h1/messages${query}`, { headers: auth(DEV) });
    expect(res.status).toBe(400);
    const body = (await res.json()) as { code: string; fields: { field: string }[] };
    expect(body.code).toBe('WARREN_INVALID_MESSAGE');
    expect(body.fields.map((f) => f.field)).toContain(field);
  });
});

describe('GET /v1/sessions/:sessionId/events', () => {
  test("streams the session's events of the key's tenant only, with heartbeats, and unbinds when the client leaves", async () => {
    const hub = app.get(SessionEventHub);
    const dev = await openEvents('/v1/sessions/s1/events', DEV);
    const other = await openEvents('/v1/sessions/s1/events', OTHER);
    expect(dev.res.status).toBe(200);
    expect(dev.res.headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
    await publishEvent('session.s1.delta', 'session/dev~s1', 'ev-1', { taskId: 't1', seq: 0, text: 'Hel' }, 't1');
    await publishEvent('session.s1.reply', 'session/other~s1', 'ev-other', { taskId: 't9', text: 'not for dev' }, 't9');
    await publishEvent('session.s2.reply', 'session/dev~s2', 'ev-s2', { taskId: 't2', text: 'another session' }, 't2');
    await publishEvent('session.s1.reply', 'session/dev~s1', 'ev-2', { taskId: 't1', text: 'Hello' }, 't1');
    await eventually(() => dev.events().length >= 2, 'the two events of dev~s1');
    await eventually(() => other.events().length >= 1, 'the event of other~s1');
    await new Promise((r) => setTimeout(r, 250));
    expect(dev.events()).toEqual([
      { id: 'ev-1', event: 'delta', data: { taskId: 't1', seq: 0, text: 'Hel' } },
      { id: 'ev-2', event: 'reply', data: { taskId: 't1', text: 'Hello' } },
    ]);
    expect(other.events()).toEqual([{ id: 'ev-other', event: 'reply', data: { taskId: 't9', text: 'not for dev' } }]);
    expect(dev.frames.some((f) => f.comment === 'heartbeat')).toBe(true);
    expect(hub.size).toBe(2);
    dev.close();
    other.close();
    await eventually(() => hub.size === 0, 'the watchers to leave');
  });

  test('?taskId= keeps only that task', async () => {
    const one = await openEvents('/v1/sessions/s3/events?taskId=t-a', DEV);
    await publishEvent('session.s3.delta', 'session/dev~s3', 'ev-b', { taskId: 't-b', seq: 0, text: 'b' }, 't-b');
    await publishEvent('session.s3.delta', 'session/dev~s3', 'ev-a', { taskId: 't-a', seq: 0, text: 'a' }, 't-a');
    await eventually(() => one.events().length >= 1, 'the event of t-a');
    await new Promise((r) => setTimeout(r, 200));
    expect(one.events().map((f) => f.id)).toEqual(['ev-a']);
    one.close();
  });

  test('401 without a key and 400 for a bad session id, as problem details', async () => {
    const res = await fetch(`${base}/v1/sessions/s1/events`);
    expect(res.status).toBe(401);
    expect(res.headers.get('content-type')).toContain('application/problem+json');
    const bad = await fetch(`${base}/v1/sessions/a.b/events`, { headers: auth(DEV) });
    expect(bad.status).toBe(400);
  });
});

describe("admin: inspect (the console's task and session screens)", () => {
  test("GET /v1/admin/tasks/:taskId reads any tenant's task with an admin key; a tenant key gets 403, an unknown task 404", async () => {
    const { taskId } = (await (await post('t-admin', { text: 'inspect me' })).json()) as { taskId: string };
    const res = await fetch(`${base}/v1/admin/tasks/${taskId}`, { headers: auth(ADMIN) });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ id: taskId, tenant: 'dev', sessionId: 't-admin', steps: expect.any(Array) });
    expect((await fetch(`${base}/v1/admin/tasks/${taskId}`, { headers: auth(DEV) })).status).toBe(403);
    const missing = await fetch(`${base}/v1/admin/tasks/no-such-task`, { headers: auth(ADMIN) });
    expect([missing.status, ((await missing.json()) as { code: string }).code]).toEqual([404, 'WARREN_NOT_FOUND']);
  });

  test('GET /v1/admin/sessions/:tenant/:sessionId/timeline: user messages with their task status, replies, interruptions, proactive messages', async () => {
    const t0 = Date.now() - 20_000;
    await store.tasks.create({ id: 'tl-1', tenant: 'other', sessionId: 'tl', actor: 'session/other~tl', status: 'running' });
    await store.tasks.updateStatus('tl-1', { status: 'failed', error: { code: 'WARREN_MODEL_UNAVAILABLE', message: 'down' } });
    await store.history.append([
      { tenant: 'other', sessionId: 'tl', id: 'tl-1:user', role: 'user', content: 'first', taskId: 'tl-1', at: new Date(t0) },
      { tenant: 'other', sessionId: 'tl', id: 'tl-2:user', role: 'user', content: 'second', taskId: 'tl-2', at: new Date(t0 + 1) },
      {
        tenant: 'other',
        sessionId: 'tl',
        id: 'tl-2:assistant',
        role: 'assistant',
        content: 'cut',
        taskId: 'tl-2',
        status: 'interrupted',
        at: new Date(t0 + 2),
      },
      { tenant: 'other', sessionId: 'tl', id: 'rem:x:assistant', role: 'assistant', content: 'still there?', at: new Date(t0 + 3) },
    ]);
    const res = await fetch(`${base}/v1/admin/sessions/other/tl/timeline`, { headers: auth(ADMIN) });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { items: { kind: string; content: string; taskStatus?: string; error?: { code: string } }[] };
    expect(body.items.map((e) => [e.kind, e.content])).toEqual([
      ['user', 'first'],
      ['user', 'second'],
      ['interrupted', 'cut'],
      ['proactive', 'still there?'],
    ]);
    expect(body.items[0]).toMatchObject({ taskStatus: 'failed', error: { code: 'WARREN_MODEL_UNAVAILABLE' } });
    const bad = await fetch(`${base}/v1/admin/sessions/other/a.b/timeline`, { headers: auth(ADMIN) });
    expect(bad.status).toBe(400);
  });
});

test('/docs-json documents every route with bearer auth, and /docs serves Swagger UI without a key', async () => {
  const res = await fetch(`${base}/docs-json`);
  expect(res.status).toBe(200);
  const doc = (await res.json()) as {
    paths: Record<string, Record<string, { security?: unknown[] }>>;
    components: { securitySchemes: Record<string, { scheme: string }>; schemas: Record<string, { properties?: Record<string, unknown> }> };
  };
  expect(Object.keys(doc.paths)).toEqual(
    expect.arrayContaining(['/v1/sessions/{sessionId}/events', '/v1/sessions/{sessionId}/messages', '/v1/tasks/{taskId}']),
  );
  expect(Object.keys(doc.paths['/v1/sessions/{sessionId}/messages'] ?? {}).sort()).toEqual(['get', 'post']);
  expect(doc.paths['/v1/tasks/{taskId}']?.get?.security).toEqual([{ bearer: [] }]);
  expect(doc.components.securitySchemes.bearer?.scheme).toBe('bearer');
  expect(Object.keys(doc.components.schemas.PostMessageBody?.properties ?? {}).sort()).toEqual(['channel', 'locale', 'model', 'strategy', 'text', 'userId']);
  expect(doc.paths['/v1/admin/tasks/{taskId}']?.get?.security).toEqual([{ bearer: [] }]);
  expect(doc.paths['/v1/admin/sessions/{tenant}/{sessionId}/timeline']?.get?.security).toEqual([{ bearer: [] }]);
  // The console's static files are not an API.
  expect(Object.keys(doc.paths).filter((p) => p.startsWith('/console'))).toEqual([]);
  const ui = await fetch(`${base}/docs`);
  expect(ui.status).toBe(200);
  expect(await ui.text()).toContain('swagger');
});

test('requests (refused ones too) and accepted messages are counted on /metrics by route pattern', async () => {
  const text = await (await fetch(`${base}/metrics`)).text();
  expect(text).toMatch(/warren_gateway_requests_total\{route="\/v1\/sessions\/:sessionId\/messages",method="POST",status="202"\} [1-9]/);
  expect(text).toMatch(/warren_gateway_requests_total\{route="\/v1\/sessions\/:sessionId\/messages",method="POST",status="401"\} [1-9]/);
  expect(text).toMatch(/warren_gateway_requests_total\{route="\/v1\/tasks\/:taskId",method="GET",status="404"\} [1-9]/);
  expect(text).toMatch(/warren_gateway_messages_accepted_total [1-9]/);
});

test('a request no route takes is counted as route="unmatched", and every response carries its traceparent', async () => {
  const res = await fetch(`${base}/no/such/${Date.now()}`);
  expect(res.status).toBe(404);
  expect(res.headers.get('traceparent')).toMatch(/^00-[0-9a-f]{32}-[0-9a-f]{16}-0[01]$/);
  const health = await fetch(`${base}/health`);
  expect(health.headers.get('traceparent')).toMatch(/^00-/);
  const text = await (await fetch(`${base}/metrics`)).text();
  expect(text).toMatch(/warren_gateway_requests_total\{route="unmatched",method="GET",status="404"\} [1-9]/);
  expect(text).not.toContain('/no/such/');
});

describe('broker outage', () => {
  const guest = decodeURIComponent(new URL(vhost.url).username || 'guest');
  const rabbitmqctl = (...args: string[]) => execFileSync('rabbitmqctl', ['-q', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });

  test('POST answers 503 WARREN_BROKER_UNAVAILABLE while the broker is out of reach; then the SSE subscription and POST work again', async () => {
    const stream = await openEvents('/v1/sessions/rc1/events', DEV);
    const transport = app.get(AmqpTransport);
    try {
      // Refuse reconnections, then drop every connection of the vhost.
      rabbitmqctl('clear_permissions', '-p', vhost.name, guest);
      closeVhostConnections(vhost.name);
      await eventually(() => !transport.connected, 'the gateway to notice the drop');
      const res = await post('rc1', { text: 'during the outage' });
      expect(res.status).toBe(503);
      expect(res.headers.get('retry-after')).toBe('1');
      expect(((await res.json()) as { code: string }).code).toBe('WARREN_BROKER_UNAVAILABLE');
    } finally {
      rabbitmqctl('set_permissions', '-p', vhost.name, guest, '.*', '.*', '.*');
    }
    await eventually(() => transport.connected, 'the gateway to reconnect', 20_000);
    ch = await openPublisher();
    await publishEvent('session.rc1.reply', 'session/dev~rc1', 'ev-after', { taskId: 't-rc', text: 'back' }, 't-rc');
    await eventually(() => stream.events().some((f) => f.id === 'ev-after'), 'the event after the reconnection');
    const again = await post('rc1', { text: 'after the outage' });
    expect(again.status).toBe(202);
    const { taskId } = (await again.json()) as { taskId: string };
    await eventually(
      async () => (await received('session/dev~rc1').catch(() => [])).some((r) => r.messageId === taskId),
      'the message after the outage',
      20_000,
    );
    stream.close();
  });
});
