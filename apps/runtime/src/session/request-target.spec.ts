import { resolveRoutingOptions } from '@warren/models';
import { requestTarget } from './request-target';
import { SessionRouting } from './session-routing';

const routing = new SessionRouting(
  resolveRoutingOptions(
    {
      strategies: { fastest: { kind: 'performance', endpoints: ['a', 'b'], metric: 'latency' } },
      routes: { voice: 'fastest' },
    },
    'local',
  ),
  undefined,
  { endpoints: new Set(['local', 'a', 'b']) },
);

describe('requestTarget()', () => {
  it('reads model as the OpenAI route does and strategy as a strategy name', () => {
    expect(requestTarget({}, routing)).toBeUndefined();
    expect(requestTarget({ model: 'auto' }, routing)).toBeUndefined();
    expect(requestTarget({ model: 'a' }, routing)).toBe('a');
    expect(requestTarget({ model: 'voice' }, routing)).toBe('fastest');
    expect(requestTarget({ strategy: 'fastest' }, routing)).toBe('fastest');
  });

  it('refuses an unknown name with WARREN_INVALID_MESSAGE naming the field', () => {
    expect(() => requestTarget({ model: 'nope' }, routing)).toThrow(expect.objectContaining({ code: 'WARREN_INVALID_MESSAGE' }));
    expect(() => requestTarget({ strategy: 'a' }, routing)).toThrow(
      expect.objectContaining({ violations: [expect.objectContaining({ field: 'strategy' })] }),
    );
    expect(() => requestTarget({ model: 'a', strategy: 'fastest' }, routing)).toThrow(/not both/);
  });
});
