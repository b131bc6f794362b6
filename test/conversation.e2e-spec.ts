// The whole system in one process (`npm start`'s app): turns through the HTTP gateway with SSE,
// the same through the raw-AMQP contract, one history for both, tenants kept apart, one trace.
import { createHash, randomUUID } from 'node:crypto';
import type { AppProcess } from './support/app-process';
import { autoTeardown, eventually, useVhost } from './support/broker';
import type { EventTap } from './support/event-tap';
import { openSse, type SseStream } from './support/sse-client';
import { startSystem } from './support/system';

const vhost = useVhost('conversation');
let app: AppProcess;
let tap: EventTap;
const DEV = { authorization: 'Bearer dev-key' };
const ACME = { authorization: 'Bearer acme-key' };
const sha256 = (key: string) => `sha256:${createHash('sha256').update(key).digest('hex')}`;

beforeAll(async () => {
  ({ app, tap } = await startSystem('warren', vhost.url, {
    WARREN__MODELS__LOCAL__PER_DELTA_MS: '2',
    WARREN__GATEWAY__TENANTS: JSON.stringify({ dev: { apiKeys: [sha256('dev-key')] }, acme: { apiKeys: [sha256('acme-key')] } }),
  }));
});

async function post(
  sessionId: string,
  body: object,
  headers: Record<string, string> = DEV,
): Promise<{ status: number; taskId: string; res: Response }> {
  const res = await fetch(`${app.url}/v1/sessions/${sessionId}/messages`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });
  const json = (await res.json()) as { taskId: string };
  return { status: res.status, taskId: json.taskId, res };
}

const get = async (path: string, headers: Record<string, string> = DEV) => {
  const res = await fetch(`${app.url}${path}`, { headers });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> & { items?: Record<string, unknown>[] } };
};

const sse = async (sessionId: string, headers = DEV): Promise<SseStream> => {
  const stream = await openSse(`${app.url}/v1/sessions/${sessionId}/events`, headers);
  autoTeardown({ close: () => stream.close() });
  // The gateway sends the response head only once the session's binding is in place, so the
  // stream gets every event published after this.
  return stream;
};

const ofTask = (stream: SseStream, taskId: string) => stream.events().filter((f) => (f.data as { taskId?: string })?.taskId === taskId);

describe('a conversation through the gateway', () => {
  it('POST → 202 taskId; SSE streams the deltas and the reply; history and the task follow', async () => {
    const stream = await sse('g1');
    const { status, taskId } = await post('g1', { text: 'what is 6 * 7?' });
    expect(status).toBe(202);
    await eventually(() => ofTask(stream, taskId).some((f) => f.event === 'reply'), 'reply over SSE');
    const frames = ofTask(stream, taskId);
    const deltas = frames.filter((f) => f.event === 'delta').map((f) => f.data as { seq: number; text: string });
    const reply = frames.find((f) => f.event === 'reply')?.data as { text: string; model: string };
    expect(deltas.map((d) => d.seq)).toEqual(deltas.map((_, i) => i));
    expect(deltas.map((d) => d.text).join('')).toBe(reply.text);
    expect(reply).toMatchObject({ text: '6 * 7 = 42.', model: 'local' });

    const history = await get('/v1/sessions/g1/messages?order=asc');
    expect(history.status).toBe(200);
    expect(history.body.items?.map((p) => [p.role, p.content])).toEqual([
      ['user', 'what is 6 * 7?'],
      ['assistant', '6 * 7 = 42.'],
    ]);
    const task = await get(`/v1/tasks/${taskId}`);
    expect(task.body).toMatchObject({ id: taskId, status: 'completed', sessionId: 'g1' });
    expect((task.body.steps as { name: string }[]).map((s) => s.name)).toContain('model');
  });

  it('gives the same result over the raw-AMQP contract as over HTTP', async () => {
    const viaHttp = await post('same-http', { text: 'what is 2 + 2?' });
    const viaAmqp = await tap.say('same-amqp', 'what is 2 + 2?');
    const httpReply = await tap.waitFor(viaHttp.taskId, 'reply');
    const amqpReply = await tap.waitFor(viaAmqp, 'reply');
    expect(amqpReply.event.data.text).toBe(httpReply.event.data.text);
    expect(amqpReply.event.data.model).toBe(httpReply.event.data.model);
  });

  it('keeps one history for a session used from HTTP and AMQP in turn', async () => {
    const a = await post('mixed', { text: 'what is 1 + 1?' });
    await tap.waitFor(a.taskId, 'reply');
    const b = await tap.say('mixed', 'what is 2 + 2?');
    await tap.waitFor(b, 'reply');
    const c = await post('mixed', { text: 'what is 3 + 3?' });
    await tap.waitFor(c.taskId, 'reply');
    const history = await get('/v1/sessions/mixed/messages?order=asc');
    expect(history.body.items?.map((p) => p.content)).toEqual([
      'what is 1 + 1?',
      '1 + 1 = 2.',
      'what is 2 + 2?',
      '2 + 2 = 4.',
      'what is 3 + 3?',
      '3 + 3 = 6.',
    ]);
  });

  it('makes a retried POST with the same Idempotency-Key the same task', async () => {
    const key = randomUUID();
    const first = await post('idem', { text: 'hello' }, { ...DEV, 'idempotency-key': key });
    const again = await post('idem', { text: 'hello' }, { ...DEV, 'idempotency-key': key });
    expect(again.taskId).toBe(first.taskId);
    await tap.waitFor(first.taskId, 'reply');
    // A later turn of the same session runs after anything the retry could have started.
    const marker = await post('idem', { text: 'what is 1 + 1?' });
    await tap.waitFor(marker.taskId, 'reply');
    expect((await get('/v1/sessions/idem/messages?order=asc')).body.items?.map((p) => p.content)).toEqual([
      'hello',
      expect.any(String),
      'what is 1 + 1?',
      '1 + 1 = 2.',
    ]);
  });

  it('never shows one tenant another tenant’s sessions, tasks or events', async () => {
    const acmeStream = await sse('shared', ACME);
    const devStream = await sse('shared', DEV);
    const { taskId } = await post('shared', { text: 'hello' });
    await eventually(() => ofTask(devStream, taskId).some((f) => f.event === 'reply'), 'dev reply');
    expect((await get(`/v1/tasks/${taskId}`, ACME)).status).toBe(404);
    expect((await get('/v1/sessions/shared/messages', ACME)).body.items).toEqual([]);
    const acme = await post('shared', { text: 'what is 5 + 5?' }, ACME);
    await eventually(() => ofTask(acmeStream, acme.taskId).some((f) => f.event === 'reply'), 'acme reply');
    // acme's own turn, published after dev's, is all its stream got.
    expect(acmeStream.events().every((f) => (f.data as { taskId?: string }).taskId === acme.taskId)).toBe(true);
    expect((await get('/v1/sessions/shared/messages', ACME)).body.items).toHaveLength(2);
    expect((await get('/v1/sessions/shared/messages', DEV)).body.items).toHaveLength(2);
  });

  it('carries one trace id from the HTTP request to the reply event', async () => {
    const traceId = randomUUID().replace(/-/g, '');
    const { taskId, res } = await post('traced', { text: 'hello' }, { ...DEV, traceparent: `00-${traceId}-${'b'.repeat(16)}-01` });
    expect(res.headers.get('traceparent')).toContain(traceId);
    const reply = await tap.waitFor(taskId, 'reply');
    expect(String(reply.headers.traceparent)).toContain(traceId);
  });

  it('answers 401 without a key, and reports readiness and metrics', async () => {
    expect((await post('x', { text: 'hi' }, {})).status).toBe(401);
    expect((await get('/ready', {})).body).toEqual({ status: 'ready', broker: 'up', store: 'up' });
    const metrics = await (await fetch(`${app.url}/metrics`)).text();
    expect(metrics).toMatch(/warren_turns_total\{outcome="completed"\} [1-9]/);
    expect(metrics).toMatch(/warren_gateway_messages_accepted_total [1-9]/);
    expect(metrics).toContain('warren_turn_step_duration_seconds_bucket{le=');
  });
});
