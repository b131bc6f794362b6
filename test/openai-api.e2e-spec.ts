// The gateway's OpenAI-compatible endpoint (POST /v1/chat/completions) on the all-in-one app, with the
// official `openai` package as the client: completions streamed and not, `model` as auto, an endpoint,
// a strategy or a route, the errors the SDK raises (401, 400, 404, 429 with Retry-After), input
// moderation (content_filter) and the task with its routing journal.
import { createHash } from 'node:crypto';
import { LocalModel, type ModelEndpoint, ModelWorkerActor } from '@warren/models';
import OpenAI from 'openai';
import { eventually, useVhost } from './support/broker';
import { startRuntime } from './support/runtime';
import { startSystem, type TestSystem } from './support/system';

const vhost = useVhost('openai');
const sha256 = (key: string) => `sha256:${createHash('sha256').update(key).digest('hex')}`;
let sys: TestSystem;
let client: OpenAI;

beforeAll(async () => {
  // model/slow, hosted here: an answer that takes seconds, for the client that goes away.
  const registry = new Map<string, ModelEndpoint>([['slow', new LocalModel({ name: 'slow', latencyMs: 2, perDeltaMs: 400 })]]);
  await startRuntime(vhost.url, [{ instance: new ModelWorkerActor(registry), options: { keys: ['slow'] } }]);
  sys = await startSystem('warren', vhost.url, {
    WARREN__GATEWAY__TENANTS: JSON.stringify({
      dev: { apiKeys: [sha256('dev-key')] },
      lim: { apiKeys: [sha256('lim-key')] },
      bud: { apiKeys: [sha256('bud-key')] },
    }),
    WARREN__LIMITER__TENANTS: JSON.stringify({ lim: { requestsPerMinute: 2 }, bud: { dailyTokens: 5 } }),
    WARREN__ROUTING__STRATEGIES: JSON.stringify({
      cheap: { kind: 'static', endpoint: 'local' },
      slowly: { kind: 'static', endpoint: 'slow' },
    }),
    WARREN__ROUTING__ROUTES: JSON.stringify({ voice: 'cheap' }),
    WARREN__MODERATION__CATEGORIES: JSON.stringify({
      threats: { action: 'block', directions: ['in'], words: ['i will hurt you'], safeReply: 'Let us keep this friendly.' },
    }),
    WARREN__PROACTIVE__ENABLED: 'false',
  });
  client = new OpenAI({ baseURL: `${sys.app.url}/v1`, apiKey: 'dev-key', maxRetries: 0 });
});

const hello = [{ role: 'user' as const, content: 'Hello there, how are you?' }];

async function task(id: string) {
  const res = await fetch(`${sys.app.url}/v1/tasks/${id}`, { headers: { authorization: 'Bearer dev-key' } });
  expect(res.status).toBe(200);
  // biome-ignore lint/suspicious/noExplicitAny: test bodies
  return (await res.json()) as any;
}

describe('POST /v1/chat/completions', () => {
  it('answers a chat.completion with usage, its task id in x-warren-task-id', async () => {
    const { data, response } = await client.chat.completions.create({ model: 'auto', messages: hello }).withResponse();
    expect(data.object).toBe('chat.completion');
    expect(data.choices[0].message.role).toBe('assistant');
    expect(data.choices[0].message.content?.length).toBeGreaterThan(0);
    expect(data.choices[0].finish_reason).toBe('stop');
    expect(data.model).toBe('local');
    expect(data.usage?.prompt_tokens).toBeGreaterThan(0);
    expect(data.usage?.total_tokens).toBe((data.usage?.prompt_tokens ?? 0) + (data.usage?.completion_tokens ?? 0));
    const taskId = response.headers.get('x-warren-task-id');
    expect(taskId).toBeTruthy();
    expect(data.id).toBe(`chatcmpl-${taskId}`);
  });

  it('streams chat.completion.chunk frames that add up to the same text, then a usage chunk and [DONE]', async () => {
    const whole = await client.chat.completions.create({ model: 'local', messages: hello });
    const stream = await client.chat.completions.create({
      model: 'local',
      messages: hello,
      stream: true,
      stream_options: { include_usage: true },
    });
    const chunks = [];
    for await (const c of stream) chunks.push(c);
    expect(chunks.every((c) => c.object === 'chat.completion.chunk')).toBe(true);
    const text = chunks.map((c) => c.choices[0]?.delta?.content ?? '').join('');
    expect(text).toBe(whole.choices[0].message.content);
    expect(chunks.filter((c) => c.choices[0]?.finish_reason === 'stop')).toHaveLength(1);
    const last = chunks.at(-1);
    expect(last?.choices).toEqual([]);
    expect(last?.usage?.completion_tokens).toBeGreaterThan(0);
    // [DONE] ends the stream (the SDK stops on it); check it on the wire too.
    const raw = await fetch(`${sys.app.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: 'Bearer dev-key', 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'auto', messages: hello, stream: true, unknown_field: 1 }),
    });
    expect(raw.headers.get('content-type')).toContain('text/event-stream');
    expect((await raw.text()).trimEnd().endsWith('data: [DONE]')).toBe(true);
  });

  it('routes by a strategy or route name; the task records the steps and the routing journal', async () => {
    for (const model of ['cheap', 'voice']) {
      const { data, response } = await client.chat.completions.create({ model, messages: hello, user: 'u-1' }).withResponse();
      expect(data.model).toBe('local');
      const t = await task(response.headers.get('x-warren-task-id') as string);
      expect(t).toMatchObject({ status: 'completed', userId: 'u-1' });
      expect(t.steps.map((s: { name: string }) => s.name)).toEqual(['moderation-in', 'limiter', 'model', 'moderation-out']);
      expect(t.routing).toMatchObject({ strategy: 'cheap', source: 'request', endpoint: 'local', chain: ['local'] });
      expect(t.routing.attempts).toEqual([expect.objectContaining({ endpoint: 'local', outcome: 'ok' })]);
    }
  });

  it('answers blocked input with the safe reply and finish_reason content_filter, without a model call', async () => {
    const { data, response } = await client.chat.completions
      .create({ model: 'auto', messages: [{ role: 'user', content: 'I will hurt you tomorrow' }] })
      .withResponse();
    expect(data.choices[0]).toMatchObject({ message: { content: 'Let us keep this friendly.' }, finish_reason: 'content_filter' });
    const t = await task(response.headers.get('x-warren-task-id') as string);
    expect(t.steps.map((s: { name: string; outcome: string }) => [s.name, s.outcome])).toEqual([
      ['moderation-in', 'ok'],
      ['limiter', 'skipped'],
      ['model', 'skipped'],
    ]);
    expect(t.routing).toMatchObject({ model: 'moderation', moderation: { blocked: ['threats'] } });
  });

  it('refuses a wrong key with 401 (AuthenticationError)', async () => {
    const wrong = new OpenAI({ baseURL: `${sys.app.url}/v1`, apiKey: 'nope', maxRetries: 0 });
    const err = await wrong.chat.completions.create({ model: 'auto', messages: hello }).catch((e) => e);
    expect(err).toBeInstanceOf(OpenAI.AuthenticationError);
    expect(err.status).toBe(401);
    expect(err.error).toMatchObject({ code: 'WARREN_UNAUTHORIZED', type: 'authentication_error' });
  });

  it('refuses bad input with 400 in OpenAI’s error shape (BadRequestError, param), and an unknown model with 404', async () => {
    const bad = await client.chat.completions
      .create({ model: 'auto', messages: [{ role: 'user', content: 'hi' }], temperature: 7 })
      .catch((e) => e);
    expect(bad).toBeInstanceOf(OpenAI.BadRequestError);
    expect(bad.error).toMatchObject({ type: 'invalid_request_error', param: 'temperature', code: 'WARREN_INVALID_MESSAGE' });
    const empty = await client.chat.completions.create({ model: 'auto', messages: [] }).catch((e) => e);
    expect(empty).toBeInstanceOf(OpenAI.BadRequestError);
    expect(empty.error).toMatchObject({ param: 'messages' });
    const unknown = await client.chat.completions.create({ model: 'gpt-nope', messages: hello }).catch((e) => e);
    expect(unknown).toBeInstanceOf(OpenAI.NotFoundError);
    expect(unknown.error).toMatchObject({ code: 'WARREN_NOT_FOUND', param: 'model' });
  });

  it('answers 429 with Retry-After when the tenant’s limiter refuses (RateLimitError), streamed or not', async () => {
    const lim = new OpenAI({ baseURL: `${sys.app.url}/v1`, apiKey: 'lim-key', maxRetries: 0 });
    const results = [];
    for (let i = 0; i < 4; i++) results.push(await lim.chat.completions.create({ model: 'auto', messages: hello }).catch((e) => e));
    const refused = results.filter((r) => r instanceof OpenAI.RateLimitError);
    expect(refused.length).toBeGreaterThanOrEqual(2);
    expect(results[0].object).toBe('chat.completion');
    const err = refused[0];
    expect(err.status).toBe(429);
    expect(err.error).toMatchObject({ type: 'rate_limit_exceeded', code: 'WARREN_RATE_LIMITED' });
    expect(Number(err.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    const streamed = await lim.chat.completions.create({ model: 'auto', messages: hello, stream: true }).catch((e) => e);
    expect(streamed).toBeInstanceOf(OpenAI.RateLimitError);
  });

  it('answers a used-up budget with 429 insufficient_quota and WARREN_BUDGET_EXCEEDED', async () => {
    const bud = new OpenAI({ baseURL: `${sys.app.url}/v1`, apiKey: 'bud-key', maxRetries: 0 });
    const err = await bud.chat.completions.create({ model: 'auto', messages: hello }).catch((e) => e);
    expect(err).toBeInstanceOf(OpenAI.RateLimitError);
    expect(err.error).toMatchObject({ type: 'insufficient_quota', code: 'WARREN_BUDGET_EXCEEDED' });
  });

  it('cancels the model call when the client disconnects: the task ends interrupted', async () => {
    const abort = new AbortController();
    const { data: stream, response } = await client.chat.completions
      .create({ model: 'slowly', messages: hello, stream: true }, { signal: abort.signal })
      .withResponse();
    const taskId = response.headers.get('x-warren-task-id') as string;
    const chunks = stream[Symbol.asyncIterator]();
    await chunks.next(); // the role chunk: the model has started
    abort.abort();
    const t = await eventually(async () => {
      const t = await task(taskId);
      return t.status === 'interrupted' ? t : undefined;
    }, 'the task interrupted');
    expect(t.error).toMatchObject({ code: 'WARREN_CANCELLED' });
    expect(t.routing.attempts).toEqual([expect.objectContaining({ endpoint: 'slow', outcome: 'cancelled' })]);
  });
});
