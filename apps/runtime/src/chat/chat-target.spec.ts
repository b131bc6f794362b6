import { resolveRoutingOptions } from '@warren/models';
import { chatTarget } from './chat-target';

describe('chatTarget', () => {
  const routing = resolveRoutingOptions(
    { strategies: { cheap: { kind: 'static', endpoint: 'local' } }, routes: { voice: 'cheap' } },
    'local',
  );
  const endpoints = new Set(['local', 'gpt']);

  it('reads auto, a strategy, a route and an endpoint', () => {
    expect(chatTarget('auto', routing, endpoints)).toEqual({ kind: 'auto' });
    expect(chatTarget('cheap', routing, endpoints)).toEqual({ kind: 'strategy', strategy: 'cheap' });
    expect(chatTarget('voice', routing, endpoints)).toEqual({ kind: 'route', strategy: 'cheap' });
    expect(chatTarget('gpt', routing, endpoints)).toEqual({ kind: 'endpoint', strategy: 'gpt' });
  });

  it('refuses any other name with WARREN_NOT_FOUND', () => {
    expect(() => chatTarget('gpt-nope', routing, endpoints)).toThrow(expect.objectContaining({ code: 'WARREN_NOT_FOUND' }));
  });
});
