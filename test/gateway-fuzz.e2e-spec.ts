// The HTTP gateway against client errors: the cases of issue 15 (a 1 MB body, charset=latin1,
// content-encoding gzip, JSON 5,000 deep), then property-based fuzzing with fast-check: thousands
// of generated requests (bodies, content types, encodings, headers, session ids, idempotency keys,
// sizes, nesting) against the in-process gateway on the real broker. Every bad request gets a 4xx
// with a WARREN_* code (OpenAI's error shape on /v1/chat/completions), none a 5xx, none hangs; the
// good ones between them are still accepted and their messages reach the session actor.
// FUZZ_SEED and FUZZ_RUNS replay or widen a run; a failure prints its seed and path.
import { rmSync } from 'node:fs';
import { Agent, type IncomingHttpHeaders, request } from 'node:http';
import { gzipSync } from 'node:zlib';
import type { INestApplication } from '@nestjs/common';
import { createStore, type WarrenStore } from '@warren/store';
import * as fc from 'fast-check';
import { MAX_BODY_BYTES, MAX_CHAT_BODY_BYTES } from '../apps/gateway/src/http/json-body';
import { autoTeardown, eventually, useVhost } from './support/broker';
import { type FuzzRequest, fuzzRequest, type Shape } from './support/gateway-fuzz-requests';
import { AnsweringChat, DEV, ReadReceived, type Received, ReceivingSession, startGatewayApp } from './support/gateway-in-process';
import { type InProcessRuntime, startRuntime, tempDir } from './support/runtime';

const SEED = Number(process.env.FUZZ_SEED ?? 1507);
const RUNS = Number(process.env.FUZZ_RUNS ?? 3000);
/** A request without an answer this long (idle) is a hang. */
const HANG_MS = 10_000;

const vhost = useVhost('gateway-fuzz');
let app: INestApplication;
let port: number;
let node: InProcessRuntime;
let store: WarrenStore;
const agent = new Agent({ keepAlive: true, maxSockets: 4 });
afterAll(() => agent.destroy());

beforeAll(async () => {
  const dataDir = tempDir('gateway-fuzz');
  autoTeardown({ close: () => rmSync(dataDir, { recursive: true, force: true }) });
  node = await startRuntime(
    vhost.url,
    [{ instance: new ReceivingSession() }, { instance: new AnsweringChat(), options: { keys: ['default'] } }],
    { dataDir },
  );
  store = createStore({ dataDir });
  await store.init();
  autoTeardown({ close: () => store.close() });
  app = await startGatewayApp(vhost.url, store);
  autoTeardown({ close: () => app.close() });
  port = Number(new URL(await app.getUrl()).port);
});

interface Answer {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
}

/** Sends a generated request as is (its own Content-Length, or chunked); rejects when no answer comes within HANG_MS. */
function send(r: FuzzRequest): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const framing = r.chunked ? { 'transfer-encoding': 'chunked' } : { 'content-length': String(r.body.length) };
    const req = request(
      { host: '127.0.0.1', port, agent, method: r.method, path: r.path, headers: { ...r.headers, ...framing } },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
        res.on('error', reject);
      },
    );
    req.setTimeout(HANG_MS, () => req.destroy(new Error(`no answer within ${HANG_MS} ms: a hang`)));
    req.on('error', reject);
    req.end(r.body);
  });
}

/**
 * The error body of a 4xx: RFC 9457 problem details (`application/problem+json`: `type`, `title`,
 * `status` equal to the answer's, `detail`, `code: 'WARREN_…'`), or OpenAI's
 * `{ error: { message, type, param, code } }`.
 */
function hasErrorShape(answer: Answer, shape: Shape): boolean {
  let body: Record<string, unknown>;
  try {
    body = JSON.parse(answer.body) as Record<string, unknown>;
  } catch {
    return false;
  }
  if (shape === 'warren')
    return (
      String(answer.headers['content-type']).startsWith('application/problem+json') &&
      typeof body.type === 'string' &&
      typeof body.title === 'string' &&
      body.status === answer.status &&
      typeof body.detail === 'string' &&
      /^WARREN_[A-Z_]+$/.test(String(body.code))
    );
  const error = body.error as Record<string, unknown> | undefined;
  if (!error || typeof error.message !== 'string' || !/^WARREN_[A-Z_]+$/.test(String(error.code))) return false;
  return typeof error.type === 'string' && (error.param === null || typeof error.param === 'string');
}

const accepted: { address: string; taskId: string }[] = [];

/** Checks one answer against what its request must get; throws saying what differs. */
function check(r: FuzzRequest, a: Answer): void {
  const seen = `${r.what}: ${r.method} ${r.path.slice(0, 120)} (${r.body.length} bytes${r.chunked ? ', chunked' : ''}) → ${a.status} ${a.body.slice(0, 300)}`;
  const fail = (why: string): never => {
    throw new Error(`${why}\n  ${seen}\n  headers sent: ${JSON.stringify(r.headers).slice(0, 400)}`);
  };
  if (a.status >= 500) fail('a 5xx');
  if (a.headers['x-powered-by'] !== undefined) fail('an X-Powered-By header');
  const e = r.expect;
  switch (e.kind) {
    case 'accepted': {
      const taskId = a.status === 202 ? (JSON.parse(a.body) as { taskId?: unknown }).taskId : undefined;
      if (typeof taskId !== 'string') fail('a good message not accepted (202 { taskId })');
      accepted.push({ address: `session/${e.tenant}~${e.sessionId}`, taskId: taskId as string });
      return;
    }
    case 'completion':
      if (a.status !== 200) fail('a good completion not answered');
      if (e.stream ? !a.body.endsWith('data: [DONE]\n\n') : (JSON.parse(a.body) as { object?: string }).object !== 'chat.completion')
        fail('not a whole completion');
      return;
    case 'refused':
      if (!e.statuses.includes(a.status)) fail(`not ${e.statuses.join(' or ')}`);
      if (!hasErrorShape(a, e.shape)) fail(`no ${e.shape} error body`);
      return;
    case 'any':
      if (a.status >= 400 && r.method !== 'HEAD' && !hasErrorShape(a, e.shape)) fail(`a ${a.status} without a ${e.shape} error body`);
      return;
  }
}

const post = (path: string, body: Buffer | string, headers: Record<string, string>) =>
  fetch(`http://127.0.0.1:${port}${path}`, { method: 'POST', headers: { authorization: `Bearer ${DEV}`, ...headers }, body });
const JSON_TYPE = { 'content-type': 'application/json' };
const deep = (n: number) => `${'['.repeat(n)}${']'.repeat(n)}`;

describe('the client errors of issue 15, on the session route and on /v1/chat/completions', () => {
  test.each([
    ['a 1 MB body', 413, 'WARREN_PAYLOAD_TOO_LARGE', JSON_TYPE, JSON.stringify({ text: 'x'.repeat(1_000_000) })],
    ['charset=latin1', 415, 'WARREN_UNSUPPORTED_MEDIA_TYPE', { 'content-type': 'application/json; charset=latin1' }, '{"text":"hi"}'],
    [
      'content-encoding: gzip',
      415,
      'WARREN_UNSUPPORTED_MEDIA_TYPE',
      { ...JSON_TYPE, 'content-encoding': 'gzip' },
      gzipSync('{"text":"hi"}'),
    ],
    ['text/plain', 415, 'WARREN_UNSUPPORTED_MEDIA_TYPE', { 'content-type': 'text/plain' }, 'hi'],
    ['JSON nested 5,000 deep', 400, 'WARREN_INVALID_MESSAGE', JSON_TYPE, deep(5000)],
    ['a field nested 5,000 deep', 400, 'WARREN_INVALID_MESSAGE', JSON_TYPE, `{"text":"hi","x":${deep(5000)}}`],
    ['a body that is not JSON', 400, 'WARREN_INVALID_MESSAGE', JSON_TYPE, '{"text": '],
  ])('%s → %i %s, never 500, no X-Powered-By', async (_what, status, code, headers, body) => {
    const res = await post('/v1/sessions/s1/messages', body, headers);
    expect(res.status).toBe(status);
    expect(res.headers.get('x-powered-by')).toBeNull();
    expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(await res.json()).toEqual({
      type: expect.stringMatching(/^urn:warren:problem:/),
      title: expect.any(String),
      status,
      detail: expect.any(String),
      instance: '/v1/sessions/s1/messages',
      code,
    });
    if (status !== 413) {
      const chat = await post('/v1/chat/completions', body, headers);
      expect(chat.status).toBe(status);
      expect(await chat.json()).toEqual({ error: { message: expect.any(String), type: 'invalid_request_error', param: null, code } });
    }
  });

  test(`the chat route reads a conversation up to ${MAX_CHAT_BODY_BYTES} bytes, every other route up to ${MAX_BODY_BYTES}`, async () => {
    const conversation = JSON.stringify({ model: 'auto', messages: [{ role: 'user', content: 'x'.repeat(1_000_000) }] });
    const chat = await post('/v1/chat/completions', conversation, JSON_TYPE);
    expect(chat.status).toBe(200);
    expect(chat.headers.get('x-powered-by')).toBeNull();
    const over = await post('/v1/chat/completions', JSON.stringify({ pad: 'x'.repeat(MAX_CHAT_BODY_BYTES) }), JSON_TYPE);
    expect(over.status).toBe(413);
    expect(await over.json()).toMatchObject({ error: { type: 'invalid_request_error', code: 'WARREN_PAYLOAD_TOO_LARGE' } });
    const admin = await post('/v1/admin/dead-letters/replay', JSON.stringify({ ids: ['x'.repeat(MAX_BODY_BYTES)] }), JSON_TYPE);
    expect(admin.status).toBe(413);
  });
});

describe('property-based fuzzing of the gateway', () => {
  test(`${RUNS} generated requests (seed ${SEED}): bad ones 4xx with a code, never 5xx or a hang; good ones accepted and delivered`, async () => {
    await fc.assert(
      fc.asyncProperty(fuzzRequest, async (r) => check(r, await send(r))),
      { numRuns: RUNS, seed: SEED },
    );
    expect(accepted.length).toBeGreaterThan(RUNS / 5);
    // Every accepted message reached its session actor, under its task id.
    const byAddress = new Map<string, Set<string>>();
    for (const { address, taskId } of accepted) byAddress.set(address, (byAddress.get(address) ?? new Set()).add(taskId));
    for (const [address, taskIds] of byAddress) {
      await eventually(async () => {
        const got = new Set((await node.runtime.ref(address).ask<Received[]>(new ReadReceived())).map((m) => m.taskId));
        return [...taskIds].every((id) => got.has(id));
      }, `the ${taskIds.size} messages accepted for ${address} at the session`);
    }
  }, 180_000);
});
