// The Anthropic adapter (the official @anthropic-ai/sdk as transport) against a local server that
// speaks Anthropic's Messages API, streaming included; then as a model/<name> pool on the broker.
import { ChatMessage, ModelComplete, type ModelCompletionEnd, type ModelDelta, RemoteError } from '@warren/contracts';
import {
  AnthropicEndpoint,
  type AnthropicEndpointOptions,
  type Completion,
  ContextTooLongError,
  ModelRejectedError,
  ModelUnavailableError,
  ModelWorkerActor,
  toAnthropicPrompt,
} from '@warren/models';
import { runtimeHosting, servedModels } from '../apps/runtime/src/runtime.module';
import { type FakeAnthropicServer, startFakeAnthropicServer } from './fixtures/fake-anthropic-server';
import { useVhost } from './support/broker';
import { type InProcessRuntime, startRuntime } from './support/runtime';

let server: FakeAnthropicServer;
beforeAll(async () => {
  server = await startFakeAnthropicServer();
});
afterAll(() => server.stop());

const prompt = {
  messages: [
    { role: 'system' as const, content: 'Be brief.' },
    { role: 'user' as const, content: 'Say hello please' },
  ],
};

function endpoint(model: string, options: Partial<AnthropicEndpointOptions> = {}): AnthropicEndpoint {
  return new AnthropicEndpoint({ name: 'claude', baseUrl: server.baseUrl, model, apiKey: 'sk-ant-test', ...options });
}

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

describe('AnthropicEndpoint against a fake Anthropic Messages API', () => {
  test('streams the text deltas; usage from message_start and message_delta; sends system, max_tokens, the key and anthropic-version', async () => {
    const before = server.requests.length;
    const out = await run(endpoint('normal', { maxOutputTokens: 50 }).complete({ ...prompt, maxTokens: 500, temperature: 1.5 }, live()));
    expect(out.deltas).toEqual(['Hello', ' from', ' Claude']);
    // input 17 + 3 read from the cache; output as message_delta says.
    expect(out.result).toEqual({ model: 'claude', usage: { promptTokens: 20, completionTokens: 3 }, finishReason: 'stop' });
    const req = server.requests[before];
    expect(req?.url).toBe('/v1/messages');
    expect(req?.headers.authorization).toBe('Bearer sk-ant-test');
    expect(req?.headers['anthropic-version']).toBeDefined();
    expect(req?.body).toEqual({
      model: 'normal',
      max_tokens: 50,
      system: 'Be brief.',
      messages: [{ role: 'user', content: 'Say hello please' }],
      temperature: 1,
      stream: true,
    });
  });

  test('stop_reason max_tokens ends with "length"; refusal fails as a fatal content-policy ModelRejectedError', async () => {
    expect((await run(endpoint('max-tokens').complete(prompt, live()))).result?.finishReason).toBe('length');
    const refused = await run(endpoint('refusal').complete(prompt, live()));
    expect(refused.error).toBeInstanceOf(ModelRejectedError);
    expect((refused.error as Error).message).toMatch(/content policy/);
  });

  test('429 with retry-after: retryable with retryAfterMs; 529 overloaded: retryable', async () => {
    const limited = await run(endpoint('rate-limited').complete(prompt, live()));
    expect(limited.error).toBeInstanceOf(ModelUnavailableError);
    expect(limited.error).toMatchObject({ retryable: true, retryAfterMs: 4000 });
    const overloaded = await run(endpoint('overloaded').complete(prompt, live()));
    expect(overloaded.error).toMatchObject({ name: 'ModelUnavailableError', retryable: true });
    expect((overloaded.error as Error).message).toMatch(/HTTP 529.*overloaded_error/);
  });

  test('"prompt is too long" is ContextTooLongError with Anthropic\'s numbers; 401 is a fatal authentication failure', async () => {
    const long = await run(endpoint('too-long').complete(prompt, live()));
    expect(long.error).toBeInstanceOf(ContextTooLongError);
    expect(long.error).toMatchObject({ promptTokens: 201234, contextWindow: 200000, retryable: false });
    const auth = await run(endpoint('unauthorized').complete(prompt, live()));
    expect(auth.error).toBeInstanceOf(ModelRejectedError);
    expect(auth.error).toMatchObject({ status: 401, retryable: false });
  });

  test('an error event in the stream and a cut stream fail retryably after the deltas sent', async () => {
    const errored = await run(endpoint('error-event').complete(prompt, live()));
    expect(errored.deltas).toEqual(['one']);
    expect(errored.error).toMatchObject({ name: 'ModelUnavailableError', retryable: true });
    expect((errored.error as Error).message).toMatch(/error in the stream: Overloaded/);
    const cut = await run(endpoint('cut').complete(prompt, live()));
    expect(cut.deltas).toEqual(['one', ' two']);
    expect(cut.error).toMatchObject({ name: 'ModelUnavailableError', retryable: true });
  });

  test('timeoutMs and idleTimeoutMs: retryable, named; the request is ended', async () => {
    const aborted = server.aborted;
    const slow = await run(endpoint('slow-first-byte', { timeoutMs: 300 }).complete(prompt, live()));
    expect((slow.error as Error).message).toMatch(/no response within 300 ms \(timeoutMs\)/);
    await server.waitForAborted(aborted + 1);
    const idle = await run(endpoint('slow-chunks', { idleTimeoutMs: 300 }).complete(prompt, live()));
    expect(idle.deltas).toEqual(['Hello']);
    expect((idle.error as Error).message).toMatch(/no chunk for 300 ms \(idleTimeoutMs\)/);
  });

  test('the signal cancels: result is cancelled with the usage so far, the HTTP request is ended', async () => {
    const aborted = server.aborted;
    const ac = new AbortController();
    const c = endpoint('slow-chunks').complete(prompt, ac.signal);
    for await (const _ of c.deltas) ac.abort();
    expect(await c.result).toMatchObject({ finishReason: 'cancelled', usage: { promptTokens: 20 } });
    await server.waitForAborted(aborted + 1);
  });

  test('without apiKey no key header is sent, and ANTHROPIC_API_KEY is not picked up', async () => {
    process.env.ANTHROPIC_API_KEY = 'sk-ant-must-not-leak';
    try {
      const before = server.requests.length;
      const out = await run(new AnthropicEndpoint({ name: 'proxy', baseUrl: server.baseUrl, model: 'normal' }).complete(prompt, live()));
      expect(out.result?.finishReason).toBe('stop');
      expect(server.requests[before]?.headers['x-api-key']).toBeUndefined();
      expect(server.requests[before]?.headers.authorization).toBeUndefined();
    } finally {
      delete process.env.ANTHROPIC_API_KEY;
    }
  });
});

describe('toAnthropicPrompt()', () => {
  test('joins system messages and same-role neighbours, and starts with a user turn', () => {
    expect(
      toAnthropicPrompt([
        { role: 'system', content: 'A' },
        { role: 'assistant', content: 'hi' },
        { role: 'user', content: 'q1' },
        { role: 'user', content: 'q2' },
        { role: 'system', content: 'B' },
      ]),
    ).toEqual({
      system: 'A\n\nB',
      messages: [
        { role: 'user', content: '(conversation continues)' },
        { role: 'assistant', content: 'hi' },
        { role: 'user', content: 'q1\n\nq2' },
      ],
    });
  });
});

describe('model/<name> pool of kind anthropic on the real broker', () => {
  const vhost = useVhost('anthropic-endpoint');
  let node: InProcessRuntime;

  beforeAll(async () => {
    process.env.FAKE_ANTHROPIC_KEY = 'sk-ant-from-env';
    const config = {
      models: {
        local: { latencyMs: 0, perDeltaMs: 0, failureRate: 0, contextWindow: 8192 },
        endpoints: {
          claude: { kind: 'anthropic' as const, baseUrl: server.baseUrl, model: 'normal', apiKeyEnv: 'FAKE_ANTHROPIC_KEY' },
          'claude-limited': { kind: 'anthropic' as const, baseUrl: server.baseUrl, model: 'rate-limited', apiKeyEnv: 'FAKE_ANTHROPIC_KEY' },
        },
        health: { failureThreshold: 3, cooldownMs: 30_000 },
      },
    };
    const hosting = runtimeHosting(config);
    expect(hosting.model?.keys).toEqual(['local', 'claude', 'claude-limited']);
    node = await startRuntime(vhost.url, [{ instance: new ModelWorkerActor(servedModels(config)), options: hosting.model }], {
      runtime: { askTimeoutMs: 10_000 },
    });
  });
  afterAll(() => {
    delete process.env.FAKE_ANTHROPIC_KEY;
  });

  const ask = (content: string) =>
    node.runtime
      .ref('model/claude')
      .askStream<ModelDelta, ModelCompletionEnd>(
        Object.assign(new ModelComplete(), { messages: [Object.assign(new ChatMessage(), { role: 'user', content })] }),
      );

  test('deltas arrive over askStream, then the end marker with the usage, the key from apiKeyEnv', async () => {
    const before = server.requests.length;
    const stream = ask('hello');
    const parts: string[] = [];
    let next = await stream.next();
    while (!next.done) {
      parts.push(next.value.text);
      next = await stream.next();
    }
    expect(parts.join('')).toBe('Hello from Claude');
    expect(next.value).toEqual({ model: 'claude', usage: { promptTokens: 20, completionTokens: 3 }, finishReason: 'stop' });
    expect(server.requests[before]?.headers.authorization).toBe('Bearer sk-ant-from-env');
  });

  test('an error crosses the wire with its code and details', async () => {
    const error = await (async () => {
      for await (const _ of node.runtime
        .ref('model/claude-limited')
        .askStream(Object.assign(new ModelComplete(), { messages: [Object.assign(new ChatMessage(), { role: 'user', content: 'x' })] })));
    })().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RemoteError);
    expect(error).toMatchObject({
      code: 'WARREN_MODEL_UNAVAILABLE',
      retryable: true,
      details: { endpoint: 'claude-limited', retryAfterMs: 4000 },
    });
  });
});
