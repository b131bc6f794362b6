// The HTTP gateway in-process against the real broker: auth, validation, POST → session shards,
// idempotency, tasks and history per tenant, admin inspection, OpenAPI, metrics, trace continued.
// (SSE and the broker outage: gateway-events.e2e-spec.ts.)
import type { INestApplication } from '@nestjs/common';
import { autoTeardown, eventually } from './support/broker';
import { auth, useGatewayE2e } from './support/gateway-e2e';
import { ADMIN, DEV, OTHER, startGatewayApp } from './support/gateway-in-process';

const { g, post, received } = useGatewayE2e('gateway');

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
    const task = await fetch(`${g.base}/v1/tasks/t1`, { headers });
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
    const res = await fetch(`${g.base}/v1/nothing-here`, { headers: auth(DEV) });
    expect(res.status).toBe(404);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('WARREN_NOT_FOUND');
    const other = await fetch(`${g.base}/not-the-gateway`);
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
    const bom = await fetch(`${g.base}/v1/sessions/s1/messages`, {
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
    // A later message of the same session is handled after anything the retry could have sent.
    const marker = (await (await post('idem', { text: 'marker' })).json()) as { taskId: string };
    const texts = await eventually(async () => {
      const r = await received('session/dev~idem');
      return r.some((m) => m.messageId === marker.taskId) ? r.filter((m) => m.messageId !== marker.taskId) : undefined;
    }, 'the marker message');
    expect(texts.map((r) => r.messageId)).toEqual([first.taskId, third.taskId]);
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
    const viaController = await fetch(`${g.base}/v1/sessions/same/messages/`, {
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
      const task = await fetch(`${g.base}/v1/tasks/${taskId}`, { headers: auth(DEV) });
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
    const fast = await startGatewayApp(g.vhost.url, g.store, { before: marked('fast'), nodeId: 'gateway-e2e-fast' });
    autoTeardown({ close: () => fast.close() });
    const plain = await startGatewayApp(g.vhost.url, g.store, {
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
    const mine = await fetch(`${g.base}/v1/tasks/${taskId}`, { headers: auth(DEV) });
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
      const res = await fetch(`${g.base}/v1/tasks/${id}`, { headers: auth(key as string) });
      expect(res.status).toBe(404);
      expect(await res.json()).toMatchObject({ code: 'WARREN_NOT_FOUND', status: 404, detail: `task ${id} not found` });
    }
  });
});

describe('GET /v1/sessions/:sessionId/messages', () => {
  test("pages the tenant's history of the session, newest first by default", async () => {
    const t0 = Date.now() - 10_000;
    await g.store.history.append(
      ['one', 'two', 'three'].map((content, i) => ({
        tenant: 'dev',
        sessionId: 'h1',
        role: i % 2 === 0 ? ('user' as const) : ('assistant' as const),
        content,
        at: new Date(t0 + i),
      })),
    );
    const page = async (query: string, key = DEV) => {
      const res = await fetch(`${g.base}/v1/sessions/h1/messages${query}`, { headers: auth(key) });
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
    const res = await fetch(`${g.base}/v1/sessions/h1/messages${query}`, { headers: auth(DEV) });
    expect(res.status).toBe(400);
    const body = (await res.json()) as { code: string; fields: { field: string }[] };
    expect(body.code).toBe('WARREN_INVALID_MESSAGE');
    expect(body.fields.map((f) => f.field)).toContain(field);
  });
});

describe("admin: inspect (the console's task and session screens)", () => {
  test("GET /v1/admin/tasks/:taskId reads any tenant's task with an admin key; a tenant key gets 403, an unknown task 404", async () => {
    const { taskId } = (await (await post('t-admin', { text: 'inspect me' })).json()) as { taskId: string };
    const res = await fetch(`${g.base}/v1/admin/tasks/${taskId}`, { headers: auth(ADMIN) });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ id: taskId, tenant: 'dev', sessionId: 't-admin', steps: expect.any(Array) });
    expect((await fetch(`${g.base}/v1/admin/tasks/${taskId}`, { headers: auth(DEV) })).status).toBe(403);
    const missing = await fetch(`${g.base}/v1/admin/tasks/no-such-task`, { headers: auth(ADMIN) });
    expect([missing.status, ((await missing.json()) as { code: string }).code]).toEqual([404, 'WARREN_NOT_FOUND']);
  });

  test('GET /v1/admin/sessions/:tenant/:sessionId/timeline: user messages with their task status, replies, interruptions, proactive messages', async () => {
    const t0 = Date.now() - 20_000;
    await g.store.tasks.create({ id: 'tl-1', tenant: 'other', sessionId: 'tl', actor: 'session/other~tl', status: 'running' });
    await g.store.tasks.updateStatus('tl-1', { status: 'failed', error: { code: 'WARREN_MODEL_UNAVAILABLE', message: 'down' } });
    await g.store.history.append([
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
    const res = await fetch(`${g.base}/v1/admin/sessions/other/tl/timeline`, { headers: auth(ADMIN) });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { items: { kind: string; content: string; taskStatus?: string; error?: { code: string } }[] };
    expect(body.items.map((e) => [e.kind, e.content])).toEqual([
      ['user', 'first'],
      ['user', 'second'],
      ['interrupted', 'cut'],
      ['proactive', 'still there?'],
    ]);
    expect(body.items[0]).toMatchObject({ taskStatus: 'failed', error: { code: 'WARREN_MODEL_UNAVAILABLE' } });
    const bad = await fetch(`${g.base}/v1/admin/sessions/other/a.b/timeline`, { headers: auth(ADMIN) });
    expect(bad.status).toBe(400);
  });
});

test('/docs-json documents every route with bearer auth, and /docs serves Swagger UI without a key', async () => {
  const res = await fetch(`${g.base}/docs-json`);
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
  expect(Object.keys(doc.components.schemas.PostMessageBody?.properties ?? {}).sort()).toEqual([
    'channel',
    'locale',
    'model',
    'strategy',
    'text',
    'userId',
  ]);
  expect(doc.paths['/v1/admin/tasks/{taskId}']?.get?.security).toEqual([{ bearer: [] }]);
  expect(doc.paths['/v1/admin/sessions/{tenant}/{sessionId}/timeline']?.get?.security).toEqual([{ bearer: [] }]);
  // The console's static files are not an API.
  expect(Object.keys(doc.paths).filter((p) => p.startsWith('/console'))).toEqual([]);
  const ui = await fetch(`${g.base}/docs`);
  expect(ui.status).toBe(200);
  expect(await ui.text()).toContain('swagger');
});

test('requests (refused ones too) and accepted messages are counted on /metrics by route pattern', async () => {
  const text = await (await fetch(`${g.base}/metrics`)).text();
  expect(text).toMatch(/warren_gateway_requests_total\{route="\/v1\/sessions\/:sessionId\/messages",method="POST",status="202"\} [1-9]/);
  expect(text).toMatch(/warren_gateway_requests_total\{route="\/v1\/sessions\/:sessionId\/messages",method="POST",status="401"\} [1-9]/);
  expect(text).toMatch(/warren_gateway_requests_total\{route="\/v1\/tasks\/:taskId",method="GET",status="404"\} [1-9]/);
  expect(text).toMatch(/warren_gateway_messages_accepted_total [1-9]/);
});

test('a request no route takes is counted as route="unmatched", and every response carries its traceparent', async () => {
  const res = await fetch(`${g.base}/no/such/${Date.now()}`);
  expect(res.status).toBe(404);
  expect(res.headers.get('traceparent')).toMatch(/^00-[0-9a-f]{32}-[0-9a-f]{16}-0[01]$/);
  const health = await fetch(`${g.base}/health`);
  expect(health.headers.get('traceparent')).toMatch(/^00-/);
  const text = await (await fetch(`${g.base}/metrics`)).text();
  expect(text).toMatch(/warren_gateway_requests_total\{route="unmatched",method="GET",status="404"\} [1-9]/);
  expect(text).not.toContain('/no/such/');
});
