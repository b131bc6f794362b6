import { resolveSessionOptions, SESSION_DEFAULTS, tenantLanguage } from './session.options';

describe('resolveSessionOptions', () => {
  it('fills defaults', () => {
    expect(resolveSessionOptions()).toEqual(SESSION_DEFAULTS);
    expect(resolveSessionOptions({ historyTurns: 0 }).historyTurns).toBe(0);
  });

  it('refuses unknown keys and bad values, naming the key', () => {
    expect(() => resolveSessionOptions({ histroyTurns: 3 } as never)).toThrow(/session\.histroyTurns/);
    expect(() => resolveSessionOptions({ model: 'a.b' })).toThrow(/session\.model/);
    expect(() => resolveSessionOptions({ maxAttempts: 0 })).toThrow(/session\.maxAttempts/);
    expect(() => resolveSessionOptions({ defaultLanguage: 'english' })).toThrow(/session\.defaultLanguage/);
    expect(() => resolveSessionOptions({ tenantLanguages: { acme: 'FR' } })).toThrow(/session\.tenantLanguages\.acme/);
  });

  it('tenantLanguage() is the tenant’s own default, else the installation’s, else undefined', () => {
    const options = resolveSessionOptions({ defaultLanguage: 'en', tenantLanguages: { acme: 'fr' } });
    expect(tenantLanguage(options, 'acme')).toBe('fr');
    expect(tenantLanguage(options, 'other')).toBe('en');
    expect(tenantLanguage(resolveSessionOptions(), 'acme')).toBeUndefined();
  });
});
