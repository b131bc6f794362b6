import { resolveSessionOptions, SESSION_DEFAULTS } from './session.options';

describe('resolveSessionOptions', () => {
  it('fills defaults', () => {
    expect(resolveSessionOptions()).toEqual(SESSION_DEFAULTS);
    expect(resolveSessionOptions({ historyTurns: 0 }).historyTurns).toBe(0);
  });

  it('refuses unknown keys and bad values, naming the key', () => {
    expect(() => resolveSessionOptions({ histroyTurns: 3 } as never)).toThrow(/session\.histroyTurns/);
    expect(() => resolveSessionOptions({ model: 'a.b' })).toThrow(/session\.model/);
    expect(() => resolveSessionOptions({ maxAttempts: 0 })).toThrow(/session\.maxAttempts/);
  });
});
