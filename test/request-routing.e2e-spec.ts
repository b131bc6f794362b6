// Per-request routing (all-in-one app, two `kind: local` endpoints): a `model` or `strategy` on
// POST /v1/sessions/:id/messages, and on the raw AMQP envelope, routes that turn; a name the
// tenant may not use (not in GET /v1/models) is a 400 problem naming the field over HTTP, and a
// failed turn with WARREN_INVALID_MESSAGE over AMQP.
import { useVhost } from './support/broker';
import { startSystem, type TestSystem } from './support/system';

const vhost = useVhost('request-routing');
let sys: TestSystem;
const DEV = { authorization: 'Bearer dev-key' };

beforeAll(async () => {
  sys = await startSystem('warren', vhost.url, {
    WARREN__MODELS__ENDPOINTS: JSON.stringify({
      alpha: { kind: 'local', latencyMs: 1, perDeltaMs: 0, replies: [{ when: '.', say: 'Alpha speaking.' }] },
      beta: { kind: 'local', latencyMs: 1, perDeltaMs: 0, replies: [{ when: '.', say: 'Beta speaking.' }] },
    }),
    WARREN__ROUTING__STRATEGIES: JSON.stringify({ toBeta: { kind: 'static', endpoint: 'beta' } }),
    WARREN__PROACTIVE__ENABLED: 'false',
  });
});

async function post(sessionId: string, body: object): Promise<Response> {
  return fetch(`${sys.app.url}/v1/sessions/${sessionId}/messages`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...DEV },
    body: JSON.stringify(body),
  });
}

async function replyOf(res: Response): Promise<{ model: string; text: string; taskId: string }> {
  expect(res.status).toBe(202);
  const { taskId } = (await res.json()) as { taskId: string };
  const reply = (await sys.tap.waitFor(taskId, 'reply', 30_000)).event.data as { model: string; text: string };
  return { ...reply, taskId };
}

describe('per-request routing', () => {
  it('GET /v1/models lists what a message may name', async () => {
    const res = await fetch(`${sys.app.url}/v1/models`, { headers: DEV });
    const ids = ((await res.json()) as { data: { id: string }[] }).data.map((m) => m.id);
    expect(ids).toEqual(expect.arrayContaining(['auto', 'toBeta', 'local', 'alpha', 'beta']));
  });

  it('model and strategy on POST route the turn; without them the default routing answers', async () => {
    expect((await replyOf(await post('rr-1', { text: 'hello' }))).model).toBe('local');
    const alpha = await replyOf(await post('rr-1', { text: 'hello', model: 'alpha' }));
    expect(alpha).toMatchObject({ model: 'alpha', text: 'Alpha speaking.' });
    const beta = await replyOf(await post('rr-1', { text: 'hello', strategy: 'toBeta' }));
    expect(beta.model).toBe('beta');
    const task = await sys.store.tasks.get(beta.taskId);
    expect(task?.routing).toMatchObject({ source: 'request', strategy: 'toBeta' });
  });

  it('a name the tenant may not use is a 400 problem naming the field', async () => {
    for (const [body, field] of [
      [{ text: 'hi', model: 'gpt-nope' }, 'model'],
      [{ text: 'hi', strategy: 'alpha' }, 'strategy'],
      [{ text: 'hi', model: 'alpha', strategy: 'toBeta' }, 'strategy'],
    ] as const) {
      const res = await post('rr-2', body);
      expect(res.status).toBe(400);
      expect(await res.json()).toMatchObject({ code: 'WARREN_INVALID_MESSAGE', fields: [expect.objectContaining({ field })] });
    }
  });

  it('the raw AMQP envelope routes by model too; an unknown one fails the turn naming the field', async () => {
    const id = await sys.tap.say('rr-3', 'hello', { data: { model: 'beta' } });
    expect((await sys.tap.waitFor(id, 'reply', 30_000)).event.data).toMatchObject({ model: 'beta' });
    const bad = await sys.tap.say('rr-3', 'hello', { data: { model: 'gpt-nope' } });
    const end = await sys.tap.waitForEnd(bad, 30_000);
    expect(end).toMatchObject({ kind: 'failed', event: { data: { code: 'WARREN_INVALID_MESSAGE' } } });
  });
});
