import { CHAT_ADDRESS } from '@warren/contracts';
import { gatewayTypes } from './gateway-app.module';

describe('gatewayTypes()', () => {
  it('knows every type the standalone gateway sends to: sessions, intents and the chat worker pool the OpenAI endpoint asks', () => {
    const types = gatewayTypes();
    expect(types.kinds).toEqual({ session: 'entity', intent: 'entity', chat: 'worker' });
    // The pool's queue is declared too, so a completion asked before any runtime declared it waits for one.
    expect(types.workerPools).toEqual([{ type: 'chat', key: 'default' }]);
    expect(CHAT_ADDRESS).toBe('chat/default');
    expect(types.ingress ?? false).toBe(false);
  });
});
