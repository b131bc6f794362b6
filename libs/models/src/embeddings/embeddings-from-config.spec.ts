import { InvalidOptionsError } from '@warren/contracts';
import { embeddingsFromConfig } from './embeddings-from-config';
import { LocalEmbedder } from './local-embedder';
import { OpenAiEmbeddingEndpoint } from './openai-embedding.endpoint';

describe('embeddingsFromConfig', () => {
  it('always serves the local embedder, then one endpoint per entry with the key read from apiKeyEnv', () => {
    const registry = embeddingsFromConfig(
      {
        small: {
          kind: 'openai',
          baseUrl: 'https://api.openai.com/v1/',
          model: 'text-embedding-3-small',
          apiKeyEnv: 'OPENAI_API_KEY',
          dimensions: 512,
        },
        wide: { kind: 'local', dimensions: 1024 },
      },
      { OPENAI_API_KEY: 'sk-test' },
    );
    expect([...registry.keys()]).toEqual(['local', 'small', 'wide']);
    expect(registry.get('local')).toBeInstanceOf(LocalEmbedder);
    const small = registry.get('small') as OpenAiEmbeddingEndpoint;
    expect(small).toBeInstanceOf(OpenAiEmbeddingEndpoint);
    expect(small.options).toMatchObject({
      baseUrl: 'https://api.openai.com/v1',
      apiKey: 'sk-test',
      dimensions: 512,
      timeoutMs: 30_000,
      maxConcurrency: 16,
    });
    expect(registry.get('wide')?.dimensions).toBe(1024);
  });

  it.each([
    [{ local: { kind: 'local' } }, 'models.embeddings.local'],
    [{ 'a.b': { kind: 'local' } }, 'models.embeddings.a.b'],
    [{ x: { kind: 'cohere' } }, 'models.embeddings.x.kind'],
    [{ x: { kind: 'local', dimensions: 0 } }, 'models.embeddings.x.dimensions'],
    [{ x: { kind: 'local', size: 3 } }, 'models.embeddings.x.size'],
    [{ x: { kind: 'openai', model: 'm' } }, 'models.embeddings.x.baseUrl'],
    [{ x: { kind: 'openai', baseUrl: 'http://h/v1', model: 'm', apiKeyEnv: 'MISSING' } }, 'models.embeddings.x.apiKeyEnv'],
    [{ x: { kind: 'openai', baseUrl: 'http://h/v1', model: 'm', timeoutMs: 0 } }, 'models.embeddings.x.timeoutMs'],
    [{ x: { kind: 'openai', baseUrl: 'http://h/v1', model: 'm', batch: 1 } }, 'models.embeddings.x.batch'],
  ])('refuses %j naming %s', (entries, key) => {
    const run = () => embeddingsFromConfig(entries, {});
    expect(run).toThrow(InvalidOptionsError);
    expect(run).toThrow(`${key}:`);
  });
});
