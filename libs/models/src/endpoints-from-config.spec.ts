import { InvalidOptionsError } from '@warren/contracts';
import { AnthropicEndpoint } from './anthropic/anthropic.endpoint';
import { endpointsFromConfig, type ModelsConfigInput } from './endpoints-from-config';
import { LocalModel } from './local/local-model.endpoint';
import { OpenAiCompatibleEndpoint } from './openai/openai-compatible.endpoint';

const local = { latencyMs: 0, perDeltaMs: 0, failureRate: 0, contextWindow: 8192 };
const config = (endpoints: Record<string, unknown>): ModelsConfigInput => ({ models: { local, endpoints } as ModelsConfigInput['models'] });

describe('endpointsFromConfig', () => {
  it('always serves the local model, as "local"', () => {
    const registry = endpointsFromConfig({ models: { local } }, {});
    expect([...registry.keys()]).toEqual(['local']);
    expect(registry.get('local')).toBeInstanceOf(LocalModel);
  });

  it('adds one OpenAI-compatible endpoint per entry, named by its key, with the key read from apiKeyEnv', () => {
    const registry = endpointsFromConfig(
      config({
        gpt4o: { kind: 'openai', baseUrl: 'https://api.openai.com/v1', model: 'gpt-4o', apiKeyEnv: 'OPENAI_API_KEY', maxConcurrency: 4 },
        'vllm-a': { kind: 'openai', baseUrl: 'http://10.0.0.5:8000/v1', model: 'llama', contextWindow: 32_000 },
      }),
      { OPENAI_API_KEY: 'sk-test' },
    );
    expect([...registry.keys()]).toEqual(['local', 'gpt4o', 'vllm-a']);
    const gpt = registry.get('gpt4o') as OpenAiCompatibleEndpoint;
    expect(gpt).toBeInstanceOf(OpenAiCompatibleEndpoint);
    expect(gpt.options).toMatchObject({ name: 'gpt4o', model: 'gpt-4o', apiKey: 'sk-test', maxConcurrency: 4 });
    expect(gpt.maxConcurrency).toBe(4);
    expect((registry.get('vllm-a') as OpenAiCompatibleEndpoint).options.apiKey).toBeUndefined();
    expect(registry.get('vllm-a')?.contextWindow).toBe(32_000);
  });

  it("adds an Anthropic endpoint (kind: anthropic), on Anthropic's API unless baseUrl says otherwise", () => {
    const registry = endpointsFromConfig(
      config({
        claude: { kind: 'anthropic', model: 'claude-sonnet-4-5', apiKeyEnv: 'ANTHROPIC_KEY', contextWindow: 200_000 },
        proxy: { kind: 'anthropic', baseUrl: 'http://10.0.0.7:8080', model: 'claude' },
      }),
      { ANTHROPIC_KEY: 'sk-ant-test' },
    );
    const claude = registry.get('claude') as AnthropicEndpoint;
    expect(claude).toBeInstanceOf(AnthropicEndpoint);
    expect(claude.options).toMatchObject({ baseUrl: 'https://api.anthropic.com', apiKey: 'sk-ant-test', contextWindow: 200_000 });
    expect((registry.get('proxy') as AnthropicEndpoint).options).toMatchObject({ baseUrl: 'http://10.0.0.7:8080' });
  });

  it('serves more local models (kind: local) with their own latency, failure rate and script, the rest from models.local', () => {
    const registry = endpointsFromConfig(
      config({
        fast: { kind: 'local', latencyMs: 1 },
        flaky: { kind: 'local', failureRate: 0.5, seed: 7, replies: [{ when: 'hi', say: 'Hello from flaky' }] },
      }),
      {},
    );
    expect([...registry.keys()]).toEqual(['local', 'fast', 'flaky']);
    expect((registry.get('fast') as LocalModel).options).toMatchObject({ name: 'fast', latencyMs: 1, perDeltaMs: 0, failureRate: 0 });
    expect((registry.get('flaky') as LocalModel).options).toMatchObject({ name: 'flaky', failureRate: 0.5, seed: 7, contextWindow: 8192 });
    expect((registry.get('flaky') as LocalModel).reply({ messages: [{ role: 'user', content: 'hi' }] })).toBe('Hello from flaky');
  });

  it.each([
    [{ fast: { kind: 'local', latency: 1 } }, 'models.endpoints.fast.latency'],
    [{ fast: { kind: 'local', failureRate: 2 } }, 'models.endpoints.fast.failureRate'],
    [{ fast: { kind: 'local', replies: [{ when: '(' }] } }, 'models.endpoints.fast.replies[0].when'],
    [{ local: { kind: 'local' } }, 'models.endpoints.local'],
    [{ 'a.b': { kind: 'openai', baseUrl: 'http://x/v1', model: 'm' } }, 'models.endpoints.a.b'],
    [{ local: { kind: 'openai', baseUrl: 'http://x/v1', model: 'm' } }, 'models.endpoints.local'],
    [{ x: { kind: 'gemini', baseUrl: 'http://x/v1', model: 'm' } }, 'models.endpoints.x.kind'],
    [{ x: { kind: 'anthropic', model: 'm', maxOutputTokens: 0 } }, 'models.endpoints.x.maxOutputTokens'],
    [{ x: { kind: 'openai', baseUrl: 'http://x/v1', model: 'm', apiKey: 'sk-inline' } }, 'models.endpoints.x.apiKey'],
    [{ x: { kind: 'openai', baseUrl: 'http://x/v1', model: 'm', apiKeyEnv: 'MISSING_KEY' } }, 'models.endpoints.x.apiKeyEnv'],
    [{ x: { kind: 'openai', baseUrl: 'http://x/v1', model: 'm', apiKeyEnv: 'bad-name' } }, 'models.endpoints.x.apiKeyEnv'],
    [{ x: { kind: 'openai', model: 'm' } }, 'models.endpoints.x.baseUrl'],
    [{ x: { kind: 'openai', baseUrl: 'http://x/v1', model: 'm', timeoutMs: -5 } }, 'models.endpoints.x.timeoutMs'],
  ])('refuses %j naming %s', (endpoints, key) => {
    const run = () => endpointsFromConfig(config(endpoints), {});
    expect(run).toThrow(InvalidOptionsError);
    expect(run).toThrow(`${key}:`);
  });

  it('says which variable is missing, never the key', () => {
    expect(() =>
      endpointsFromConfig(config({ x: { kind: 'openai', baseUrl: 'http://x/v1', model: 'm', apiKeyEnv: 'MY_KEY' } }), { MY_KEY: '' }),
    ).toThrow('environment variable MY_KEY is not set');
  });
});
