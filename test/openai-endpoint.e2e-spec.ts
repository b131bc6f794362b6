import { createServer } from 'node:net';
import { ManualClock } from '@warren/actors';
import { ChatMessage, ModelComplete, type ModelCompletionEnd, type ModelDelta, RemoteError } from '@warren/contracts';
import {
  type Completion,
  ContextTooLongError,
  EndpointHealth,
  ModelRejectedError,
  ModelUnavailableError,
  ModelWorkerActor,
  OpenAiCompatibleEndpoint,
  OpenAiEmbeddingEndpoint,
  type OpenAiEndpointOptions,
  resolveOpenAiEmbeddingOptions,
  trackCompletion,
} from '@warren/models';
import { runtimeHosting, servedModels } from '../apps/runtime/src/runtime.module';
import { FAKE_PRESETS, type FakeOpenAiServer, startFakeOpenAiServer } from './fixtures/fake-openai-server';
import { useVhost } from './support/broker';
import { type InProcessRuntime, startRuntime } from './support/runtime';

let server: FakeOpenAiServer;
beforeAll(async () => {
  server = await startFakeOpenAiServer();
});
afterAll(() => server.stop());

const prompt = { messages: [{ role: 'user' as const, content: 'Say hello to the fake server please' }] };

function endpoint(model: string, options: Partial<OpenAiEndpointOptions> = {}): OpenAiCompatibleEndpoint {
  return new OpenAiCompatibleEndpoint({ name: 'fake', baseUrl: server.baseUrl, model, apiKey: 'sk-test', ...options });
}

/** Runs a completion to its end: the deltas seen, then the result or the error. */
async function run(c: Completion): Promise<{ deltas: string[]; error?: unknown; result?: Awaited<Completion['result']> }> {
  const deltas: string[] = [];
  try {
    for await (const d of c.deltas) deltas.push(d);
  } catch (error) {
    await expect(c.result).rejects.toBe(error);
    return { deltas, error };
  }
  return { deltas, result: await c.result };
}

const live = () => new AbortController().signal;

describe('OpenAiCompatibleEndpoint (the openai SDK as transport) against a fake OpenAI-compatible server', () => {
  test('streams the deltas; usage from the final chunk; sends model, bearer key, stream and include_usage', async () => {
    const before = server.requests.length;
    const out = await run(endpoint('normal', { maxOutputTokens: 50 }).complete({ ...prompt, maxTokens: 500, temperature: 0.2 }, live()));
    expect(out.deltas).toEqual(['Hello', ' from', ' fake']);
    expect(out.result).toEqual({ model: 'fake', usage: { promptTokens: 11, completionTokens: 3 }, finishReason: 'stop' });
    const req = server.requests[before];
    expect(req).toMatchObject({ method: 'POST', url: '/v1/chat/completions' });
    expect(req?.headers.authorization).toBe('Bearer sk-test');
    expect(req?.body).toEqual({
      model: 'normal',
      messages: prompt.messages,
      stream: true,
      stream_options: { include_usage: true },
      max_tokens: 50,
      temperature: 0.2,
    });
  });

  test('without apiKey no Authorization header is sent, and the SDK does not pick up OPENAI_API_KEY or OPENAI_BASE_URL', async () => {
    process.env.OPENAI_API_KEY = 'sk-must-not-leak';
    process.env.OPENAI_BASE_URL = 'http://127.0.0.1:1/v1';
    try {
      const before = server.requests.length;
      const out = await run(
        new OpenAiCompatibleEndpoint({ name: 'vllm', baseUrl: server.baseUrl, model: 'normal' }).complete(prompt, live()),
      );
      expect(out.deltas).toEqual(['Hello', ' from', ' fake']);
      expect(server.requests[before]?.headers.authorization).toBeUndefined();
    } finally {
      delete process.env.OPENAI_API_KEY;
      delete process.env.OPENAI_BASE_URL;
    }
  });

  test('tools: sends tools, tool_choice, tool calls and results in the prompt; puts the streamed tool-call pieces together', async () => {
    const before = server.requests.length;
    const out = await run(
      endpoint('tool-calls').complete(
        {
          messages: [
            { role: 'user', content: 'what is on monday' },
            { role: 'assistant', content: '', toolCalls: [{ id: 'c0', name: 'calendar', arguments: '{}' }] },
            { role: 'tool', content: '{"error":"no date"}', toolCallId: 'c0' },
          ],
          tools: [{ name: 'calendar', description: 'Looks up a day', parameters: { type: 'object' } }],
          toolChoice: 'auto',
        },
        live(),
      ),
    );
    expect(out.deltas).toEqual([]);
    expect(out.result).toEqual({
      model: 'fake',
      usage: { promptTokens: 11, completionTokens: 0 },
      finishReason: 'tool_calls',
      toolCalls: [{ id: 'call_fake_1', name: 'calendar', arguments: '{"date":"2026-12-08"}' }],
    });
    expect(server.requests[before]?.body).toMatchObject({
      messages: [
        { role: 'user', content: 'what is on monday' },
        { role: 'assistant', content: null, tool_calls: [{ id: 'c0', type: 'function', function: { name: 'calendar', arguments: '{}' } }] },
        { role: 'tool', content: '{"error":"no date"}', tool_call_id: 'c0' },
      ],
      tools: [{ type: 'function', function: { name: 'calendar', description: 'Looks up a day', parameters: { type: 'object' } } }],
      tool_choice: 'auto',
    });
  });

  test('CRLF line ends and events split across TCP writes', async () => {
    server.next({ kind: 'stream', crlfSplit: true, deltas: ['a', 'b', 'c'] });
    expect((await run(endpoint('normal').complete(prompt, live()))).deltas).toEqual(['a', 'b', 'c']);
  });

  test('without a usage chunk the usage is estimated; finish_reason length ends with "length"', async () => {
    server.next({ kind: 'stream', usage: false, finishReason: 'length', deltas: ['one', ' two', ' three'] });
    const out = await run(endpoint('normal').complete(prompt, live()));
    expect(out.result).toEqual({ model: 'fake', usage: { promptTokens: 9, completionTokens: 4 }, finishReason: 'length' });
  });

  test('a plain JSON completion (server ignored stream) is one delta', async () => {
    const out = await run(endpoint('json').complete(prompt, live()));
    expect(out.deltas).toEqual(['a whole answer']);
    expect(out.result).toMatchObject({ usage: { promptTokens: 5, completionTokens: 3 }, finishReason: 'stop' });
  });

  test('slow first byte beyond timeoutMs: retryable ModelUnavailableError, and the request is ended', async () => {
    const aborted = server.aborted;
    const started = Date.now();
    const out = await run(endpoint('slow-first-byte', { timeoutMs: 300 }).complete(prompt, live()));
    expect(Date.now() - started).toBeLessThan(1500);
    expect(out.error).toBeInstanceOf(ModelUnavailableError);
    expect(out.error).toMatchObject({ retryable: true, code: 'WARREN_MODEL_UNAVAILABLE' });
    expect((out.error as Error).message).toMatch(/no response within 300 ms \(timeoutMs\)/);
    await server.waitForAborted(aborted + 1);
  });

  test('slow chunks beyond idleTimeoutMs: the first delta arrives, then a retryable idle timeout', async () => {
    const out = await run(endpoint('slow-chunks', { idleTimeoutMs: 300 }).complete(prompt, live()));
    expect(out.deltas).toEqual(['Hello']);
    expect(out.error).toBeInstanceOf(ModelUnavailableError);
    expect((out.error as Error).message).toMatch(/no chunk for 300 ms \(idleTimeoutMs\)/);
  });

  test('a slow reader does not trip idleTimeoutMs: only the wait for the server counts', async () => {
    const c = endpoint('normal', { idleTimeoutMs: 100 }).complete(prompt, live());
    const seen: string[] = [];
    for await (const d of c.deltas) {
      seen.push(d);
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    expect(seen).toEqual(['Hello', ' from', ' fake']);
    expect((await c.result).finishReason).toBe('stop');
  });

  test('429 with Retry-After: retryable, with retryAfterMs', async () => {
    const out = await run(endpoint('rate-limited').complete(prompt, live()));
    expect(out.error).toBeInstanceOf(ModelUnavailableError);
    expect(out.error).toMatchObject({ retryable: true, retryAfterMs: 7000 });
    expect(out.deltas).toEqual([]);
  });

  test('500: retryable ModelUnavailableError', async () => {
    const out = await run(endpoint('server-error').complete(prompt, live()));
    expect(out.error).toBeInstanceOf(ModelUnavailableError);
    expect((out.error as Error).message).toMatch(/HTTP 500.*The server had an error/);
  });

  test('400 context length: ContextTooLongError with the server numbers (fatal)', async () => {
    const out = await run(endpoint('context-length').complete(prompt, live()));
    expect(out.error).toBeInstanceOf(ContextTooLongError);
    expect(out.error).toMatchObject({ retryable: false, promptTokens: 9001, contextWindow: 8192, code: 'WARREN_CONTEXT_TOO_LONG' });
  });

  test('a prompt above contextWindow fails at once, without a request', async () => {
    const before = server.requests.length;
    const out = await run(endpoint('normal', { contextWindow: 3 }).complete(prompt, live()));
    expect(out.error).toBeInstanceOf(ContextTooLongError);
    expect(server.requests.length).toBe(before);
  });

  test('401: ModelRejectedError saying authentication failed (fatal); 400 content policy: ModelRejectedError with the reason', async () => {
    const auth = await run(endpoint('unauthorized').complete(prompt, live()));
    expect(auth.error).toBeInstanceOf(ModelRejectedError);
    expect(auth.error).toMatchObject({ retryable: false, status: 401 });
    expect((auth.error as Error).message).toMatch(/authentication failed \(HTTP 401\)/);
    const policy = await run(endpoint('content-policy').complete(prompt, live()));
    expect(policy.error).toBeInstanceOf(ModelRejectedError);
    expect((policy.error as Error).message).toMatch(/content policy: Your request was rejected/);
    const bad = await run(endpoint('bad-request').complete(prompt, live()));
    expect(bad.error).toMatchObject({ name: 'ModelRejectedError', status: 400, retryable: false });
  });

  test('a malformed chunk fails the completion as retryable, after the deltas before it', async () => {
    const out = await run(endpoint('malformed').complete(prompt, live()));
    expect(out.deltas).toEqual(['one']);
    expect(out.error).toBeInstanceOf(ModelUnavailableError);
    expect((out.error as Error).message).toMatch(/malformed stream chunk \(not JSON\)/);
  });

  test('a stream cut mid-way fails as retryable after the deltas sent', async () => {
    const out = await run(endpoint('cut').complete(prompt, live()));
    expect(out.deltas).toEqual(['one', ' two']);
    expect(out.error).toBeInstanceOf(ModelUnavailableError);
    expect((out.error as Error).message).toMatch(/stream cut/);
  });

  test('a stream that ends after its finish_reason without [DONE] is complete; one that ends before it fails as retryable', async () => {
    const done = await run(endpoint('no-done').complete(prompt, live()));
    expect(done.result).toMatchObject({ finishReason: 'stop', usage: { promptTokens: 11, completionTokens: 3 } });
    const cut = await run(endpoint('no-finish').complete(prompt, live()));
    expect(cut.deltas).toEqual(['Hello', ' from', ' fake']);
    expect(cut.error).toBeInstanceOf(ModelUnavailableError);
    expect((cut.error as Error).message).toMatch(/cut short/);
  });

  test('connection refused: retryable, naming ECONNREFUSED', async () => {
    const port = await freePort();
    const out = await run(endpoint('normal', { baseUrl: `http://127.0.0.1:${port}/v1` }).complete(prompt, live()));
    expect(out.error).toBeInstanceOf(ModelUnavailableError);
    expect((out.error as Error).message).toMatch(/connection failed \(ECONNREFUSED\)/);
  });

  test('the signal cancels: deltas end at once, result is cancelled with the usage so far, the HTTP request is ended', async () => {
    const aborted = server.aborted;
    const ac = new AbortController();
    const c = endpoint('slow-chunks').complete(prompt, ac.signal);
    const seen: string[] = [];
    const started = Date.now();
    for await (const d of c.deltas) {
      seen.push(d);
      ac.abort();
    }
    expect(Date.now() - started).toBeLessThan(1500);
    expect(seen).toEqual(['Hello']);
    expect(await c.result).toEqual({ model: 'fake', usage: { promptTokens: 9, completionTokens: 1 }, finishReason: 'cancelled' });
    await server.waitForAborted(aborted + 1);
  });

  test('leaving the deltas early (break) cancels the same way', async () => {
    const aborted = server.aborted;
    const c = endpoint('slow-chunks').complete(prompt, live());
    for await (const _ of c.deltas) break;
    expect((await c.result).finishReason).toBe('cancelled');
    await server.waitForAborted(aborted + 1);
  });

  test('maxConcurrency: excess calls wait for a slot, and fail retryably when none frees up within timeoutMs', async () => {
    const e = endpoint('normal', { maxConcurrency: 1, timeoutMs: 400 });
    server.next({ kind: 'stream', chunkDelayMs: 150 }, { kind: 'stream' });
    const first = run(e.complete(prompt, live()));
    const second = run(e.complete(prompt, live()));
    expect(e.load).toEqual({ running: 1, waiting: 1 });
    expect((await first).deltas).toEqual(['Hello', ' from', ' fake']);
    expect((await second).deltas).toEqual(['Hello', ' from', ' fake']);

    server.next({ kind: 'stream', chunkDelayMs: 300 });
    const slow = run(e.complete(prompt, live()));
    const refused = await run(e.complete(prompt, live()));
    expect(refused.error).toBeInstanceOf(ModelUnavailableError);
    expect((refused.error as Error).message).toMatch(/all 1 concurrent calls stayed busy for 400 ms \(maxConcurrency\)/);
    expect((await slow).result?.finishReason).toBe('stop');
  });
});

describe('OpenAiEmbeddingEndpoint (the openai SDK as transport) against the fake server', () => {
  const embedder = (model: string) =>
    new OpenAiEmbeddingEndpoint(resolveOpenAiEmbeddingOptions({ name: 'emb', baseUrl: server.baseUrl, model, apiKey: 'sk-emb' }));

  test('asks for floats, sends the key and dimensions, answers the vectors in input order and the usage', async () => {
    const before = server.requests.length;
    const out = await embedder('text-embedding-3-small').embed({ input: ['a', 'bbb'], dimensions: 4 }, live());
    expect(out).toEqual({
      vectors: [
        [1, 0, 1, 1],
        [3, 1, 1, 1],
      ],
      promptTokens: 7,
    });
    const req = server.requests[before];
    expect(req).toMatchObject({ method: 'POST', url: '/v1/embeddings' });
    expect(req?.headers.authorization).toBe('Bearer sk-emb');
    expect(req?.body).toEqual({ model: 'text-embedding-3-small', input: ['a', 'bbb'], encoding_format: 'float', dimensions: 4 });
  });

  test('errors are classified as for completions: 401 fatal, 429 retryable with retryAfterMs', async () => {
    await expect(embedder('embed-unauthorized').embed({ input: ['a'] }, live())).rejects.toMatchObject({
      name: 'ModelRejectedError',
      status: 401,
      retryable: false,
    });
    await expect(embedder('embed-rate-limited').embed({ input: ['a'] }, live())).rejects.toMatchObject({
      name: 'ModelUnavailableError',
      retryable: true,
      retryAfterMs: 2000,
    });
  });
});

describe('EndpointHealth fed by the adapter', () => {
  test('3 retryable failures → cooldown; healthy again once the cooldown passed; a 400 does not count', async () => {
    const clock = new ManualClock(Date.parse('2026-12-01T00:00:00Z'));
    const health = new EndpointHealth({ failureThreshold: 3, cooldownMs: 30_000 }, clock);
    const call = (preset: string) => run(trackCompletion(health, 'fake', endpoint(preset).complete(prompt, live()), clock));

    await call('bad-request');
    await call('context-length');
    expect(health.state('fake')).toMatchObject({ state: 'healthy', consecutiveFailures: 0, outstanding: 0 });

    for (const preset of ['server-error', 'rate-limited', 'server-error']) await call(preset);
    expect(health.state('fake')).toEqual(
      expect.objectContaining({ state: 'cooldown', cooldownUntil: clock.now() + 30_000, consecutiveFailures: 3, outstanding: 0 }),
    );
    clock.advance(29_999);
    expect(health.isAvailable('fake')).toBe(false);
    clock.advance(1);
    expect(health.state('fake').state).toBe('healthy');
    await call('normal');
    expect(health.state('fake')).toMatchObject({ state: 'healthy', consecutiveFailures: 0, samples: 1 });
  });
});

describe('model/<name> worker pool on the real broker, streaming from the fake server', () => {
  const vhost = useVhost('openai-endpoint');
  let node: InProcessRuntime;

  beforeAll(async () => {
    // The runtime's own wiring: the registry and the hosted pools both come from `models:` in config.
    process.env.FAKE_OPENAI_KEY = 'sk-from-env';
    const config = {
      models: {
        local: { latencyMs: 0, perDeltaMs: 0, failureRate: 0, contextWindow: 8192 },
        endpoints: {
          fake: { kind: 'openai' as const, baseUrl: server.baseUrl, model: 'normal', apiKeyEnv: 'FAKE_OPENAI_KEY', maxConcurrency: 4 },
        },
        health: { failureThreshold: 3, cooldownMs: 30_000 },
      },
    };
    const registry = servedModels(config);
    const hosting = runtimeHosting(config);
    expect(hosting.model?.keys).toEqual(['local', 'fake']);
    node = await startRuntime(vhost.url, [{ instance: new ModelWorkerActor(registry), options: hosting.model }], {
      runtime: { askTimeoutMs: 10_000 },
    });
  });
  afterAll(() => {
    delete process.env.FAKE_OPENAI_KEY;
  });

  test('model/local is served next to the configured endpoint', async () => {
    const parts: string[] = [];
    const msg = Object.assign(new ModelComplete(), { messages: [Object.assign(new ChatMessage(), { role: 'user', content: 'hello' })] });
    for await (const d of node.runtime.ref('model/local').askStream<ModelDelta, ModelCompletionEnd>(msg)) parts.push(d.text);
    expect(parts.length).toBeGreaterThan(0);
  });

  function complete(): AsyncGenerator<ModelDelta, ModelCompletionEnd | undefined> {
    const msg = Object.assign(new ModelComplete(), {
      messages: [Object.assign(new ChatMessage(), { role: 'user', content: 'Say hello to the fake server please' })],
      maxTokens: 100,
    });
    return node.runtime.ref('model/fake').askStream<ModelDelta, ModelCompletionEnd>(msg);
  }

  test('deltas arrive over askStream, then the end marker with the usage', async () => {
    const before = server.requests.length;
    const stream = complete();
    const parts: string[] = [];
    let next = await stream.next();
    while (!next.done) {
      parts.push(next.value.text);
      next = await stream.next();
    }
    // The fake server writes its events at once: the deltas that arrive together travel as one chunk.
    expect(parts.join('')).toBe('Hello from fake');
    expect(parts.length).toBeLessThanOrEqual(3);
    expect(next.value).toEqual({ model: 'fake', usage: { promptTokens: 11, completionTokens: 3 }, finishReason: 'stop' });
    expect(server.requests[before]?.headers.authorization).toBe('Bearer sk-from-env');
  });

  test.each([
    ['context-length', 'WARREN_CONTEXT_TOO_LONG', false, { promptTokens: 9001, contextWindow: 8192 }],
    ['rate-limited', 'WARREN_MODEL_UNAVAILABLE', true, { retryAfterMs: 7000 }],
    ['unauthorized', 'WARREN_MODEL_REJECTED', false, { status: 401 }],
    ['server-error', 'WARREN_MODEL_UNAVAILABLE', true, {}],
  ])('%s arrives typed with its code %s', async (preset, code, retryable, details) => {
    server.next(FAKE_PRESETS[preset] as never);
    const error = await (async () => {
      for await (const _ of complete());
    })().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RemoteError);
    expect(error).toMatchObject({ code, retryable, details: { endpoint: 'fake', ...details } });
  });

  test('a stream cut after deltas: the deltas arrive, then the retryable error', async () => {
    server.next(FAKE_PRESETS.cut as never);
    const parts: string[] = [];
    const error = await (async () => {
      for await (const d of complete()) parts.push(d.text);
    })().catch((e: unknown) => e);
    expect(parts.join('')).toBe('one two');
    expect(error).toMatchObject({ code: 'WARREN_MODEL_UNAVAILABLE', retryable: true });
  });
});

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}
