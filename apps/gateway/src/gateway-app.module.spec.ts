import { CHAT_ADDRESS } from '@warren/contracts';
import { gatewayTypes } from './gateway-app.module';
import { modelCatalogFromConfig } from './openai/model-catalog';

describe('gatewayTypes()', () => {
  it('knows every type the standalone gateway sends to: sessions, intents, the chat pool and the embedding pools the OpenAI routes ask', () => {
    const types = gatewayTypes();
    expect(types.kinds).toEqual({ session: 'entity', intent: 'entity', limiter: 'entity', chat: 'worker', embedding: 'worker' });
    // The pools' queues are declared too, so a request asked before any runtime declared them waits for one.
    expect(types.workerPools).toEqual([
      { type: 'chat', key: 'default' },
      { type: 'embedding', key: 'local' },
    ]);
    expect(CHAT_ADDRESS).toBe('chat/default');
    expect(types.ingress ?? false).toBe(false);
  });
});

describe('modelCatalogFromConfig()', () => {
  it('lists auto, strategies, routes and endpoints for chat (each name once, as the runtime reads it), and the embedding endpoints', () => {
    expect(
      modelCatalogFromConfig({
        routing: { strategies: { smart: {}, fast: {} }, routes: { voice: 'fast', fast: 'smart' } },
        models: { endpoints: { gpt: {}, claude: {} }, embeddings: { small: {} } },
      }),
    ).toEqual({
      chat: [
        { id: 'auto', kind: 'auto' },
        { id: 'smart', kind: 'strategy' },
        { id: 'fast', kind: 'strategy' },
        { id: 'voice', kind: 'route' },
        { id: 'local', kind: 'endpoint' },
        { id: 'gpt', kind: 'endpoint' },
        { id: 'claude', kind: 'endpoint' },
      ],
      embeddings: ['local', 'small'],
    });
  });
});
