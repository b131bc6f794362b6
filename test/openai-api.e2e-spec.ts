// The gateway's OpenAI-compatible surface (POST /v1/chat/completions, GET /v1/models, POST /v1/embeddings)
// on the all-in-one app, with the official `openai` package as the client: completions streamed and not,
// `model` as auto, an endpoint, a strategy or a route, the errors the SDK raises (401, 400, 404, 429 with
// Retry-After), unsupported fields refused, input moderation (content_filter), the task with its routing
// journal, the model list and embeddings from the local embedder.
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

  it('refuses JSON mode, structured outputs and the deprecated functions explicitly (400, param), instead of ignoring them', async () => {
    for (const [param, extra] of [
      ['response_format', { response_format: { type: 'json_object' } }],
      ['response_format', { response_format: { type: 'json_schema', json_schema: { name: 'x', schema: { type: 'object' } } } }],
      ['functions', { functions: [{ name: 'lookup', parameters: { type: 'object' } }] }],
    ] as const) {
      const err = await client.chat.completions.create({ model: 'auto', messages: hello, ...extra } as never).catch((e) => e);
      expect(err).toBeInstanceOf(OpenAI.BadRequestError);
      expect(err.error).toMatchObject({ type: 'invalid_request_error', param, code: 'WARREN_INVALID_MESSAGE' });
      expect(err.error.message).toMatch(/not supported/);
      expect(err.error.message).not.toMatch(/tools tools/);
    }
    // What Warren does anyway is accepted.
    const text = await client.chat.completions.create({ model: 'auto', messages: hello, response_format: { type: 'text' }, tools: [] });
    expect(text.choices[0]?.message.content).toBeTruthy();
  });

  it("answers an unknown /v1 path in OpenAI's shape (404), and a Warren route in problem details", async () => {
    const res = await fetch(`${sys.app.url}/v1/responses`, {
      method: 'POST',
      headers: { authorization: 'Bearer dev-key', 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'auto', input: 'hi' }),
    });
    expect(res.status).toBe(404);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    expect(await res.json()).toEqual({
      error: { message: expect.any(String), type: 'invalid_request_error', param: null, code: 'WARREN_NOT_FOUND' },
    });
    const task = await fetch(`${sys.app.url}/v1/tasks/no-such-task`, { headers: { authorization: 'Bearer dev-key' } });
    expect(task.status).toBe(404);
    expect(task.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(await task.json()).toMatchObject({ type: 'urn:warren:problem:not-found', status: 404, code: 'WARREN_NOT_FOUND' });
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

describe('GET /v1/models', () => {
  it('lists what the tenant may name (models.list()): auto, strategies, routes, endpoints and embedding endpoints', async () => {
    const models = [];
    for await (const m of client.models.list()) models.push(m);
    const kinds = Object.fromEntries(models.map((m) => [`${m.id}:${(m as unknown as { kind: string }).kind}`, m.object]));
    expect(kinds).toEqual(
      expect.objectContaining({
        'auto:auto': 'model',
        'cheap:strategy': 'model',
        'slowly:strategy': 'model',
        'voice:route': 'model',
        'local:endpoint': 'model',
        'local:embedding': 'model',
      }),
    );
    expect(models.every((m) => m.owned_by === 'warren' && Number.isInteger(m.created))).toBe(true);
  });

  it('retrieves one (models.retrieve()), and an unknown one is NotFoundError with param model', async () => {
    expect(await client.models.retrieve('voice')).toMatchObject({ id: 'voice', object: 'model', kind: 'route' });
    const err = await client.models.retrieve('gpt-nope').catch((e) => e);
    expect(err).toBeInstanceOf(OpenAI.NotFoundError);
    expect(err.error).toMatchObject({ code: 'WARREN_NOT_FOUND', param: 'model', type: 'invalid_request_error' });
  });
});

describe('POST /v1/embeddings', () => {
  const cosine = (a: number[], b: number[]) => a.reduce((sum, x, i) => sum + x * (b[i] as number), 0);

  it('embeds texts with the local embedder (embeddings.create(), base64 as the SDK asks by default): similar texts are close', async () => {
    const res = await client.embeddings.create({
      model: 'local',
      input: ['the cat sat on the mat', 'the cat sat on a mat', 'quarterly tax filing'],
    });
    expect(res).toMatchObject({ object: 'list', model: 'local' });
    const [a, b, c] = res.data.map((d) => d.embedding);
    expect(a).toHaveLength(256);
    expect(cosine(a as number[], b as number[])).toBeGreaterThan(cosine(a as number[], c as number[]));
    expect(res.usage.prompt_tokens).toBeGreaterThan(0);
    expect(res.usage.total_tokens).toBe(res.usage.prompt_tokens);
  });

  it('answers floats and the asked dimensions, the same vector for the same text', async () => {
    const one = await client.embeddings.create({ model: 'local', input: 'hello', encoding_format: 'float', dimensions: 32 });
    const two = await client.embeddings.create({ model: 'local', input: 'hello', encoding_format: 'float', dimensions: 32 });
    expect(one.data[0]?.embedding).toHaveLength(32);
    expect(one.data[0]?.embedding).toEqual(two.data[0]?.embedding);
  });

  it("refuses an unknown model (404, param model), an empty text and token arrays (400, param) in OpenAI's shape", async () => {
    const unknown = await client.embeddings.create({ model: 'text-embedding-nope', input: 'x' }).catch((e) => e);
    expect(unknown).toBeInstanceOf(OpenAI.NotFoundError);
    expect(unknown.error).toMatchObject({ param: 'model', code: 'WARREN_NOT_FOUND' });
    const empty = await client.embeddings.create({ model: 'local', input: ['ok', ''] }).catch((e) => e);
    expect(empty).toBeInstanceOf(OpenAI.BadRequestError);
    expect(empty.error).toMatchObject({ param: 'input[1]' });
    const tokens = await client.embeddings.create({ model: 'local', input: [[1, 2, 3]] }).catch((e) => e);
    expect(tokens).toBeInstanceOf(OpenAI.BadRequestError);
    expect(tokens.error.message).toMatch(/token arrays are not supported/);
  });

  it("counts against the tenant's limiter like a completion (429 once its requests per minute are used)", async () => {
    const lim = new OpenAI({ baseURL: `${sys.app.url}/v1`, apiKey: 'lim-key', maxRetries: 0 });
    const answers = [];
    for (let i = 0; i < 4; i++) answers.push(await lim.embeddings.create({ model: 'local', input: 'limit me' }).catch((e) => e));
    expect(
      answers.some((a) => a instanceof OpenAI.RateLimitError && (a.error as { code?: string } | undefined)?.code === 'WARREN_RATE_LIMITED'),
    ).toBe(true);
  });
});
