import { InvalidOptionsError } from '@warren/contracts';
import { capacitiesOf, LIMITER_DEFAULTS, limitsOf, resolveLimiterOptions } from './limiter-options';

describe('resolveLimiterOptions()', () => {
  it('fills the defaults', () => {
    expect(resolveLimiterOptions()).toEqual({ requestsPerMinute: 600, tokensPerMinute: 200_000, burst: 1, tenants: {} });
  });

  it('applies per-tenant overrides over the defaults', () => {
    const o = resolveLimiterOptions({ requestsPerMinute: 100, tenants: { acme: { tokensPerMinute: 5000 } } });
    expect(limitsOf(o, 'acme')).toEqual({ requestsPerMinute: 100, tokensPerMinute: 5000, burst: 1 });
    expect(limitsOf(o, 'other')).toEqual({ requestsPerMinute: 100, tokensPerMinute: 200_000, burst: 1 });
  });

  it('sizes buckets as burst × per-minute rate', () => {
    expect(capacitiesOf({ requestsPerMinute: 600, tokensPerMinute: 1000, burst: 0.5 })).toEqual({ requests: 300, tokens: 500 });
  });

  it('refuses unknown keys, naming them', () => {
    expect(() => resolveLimiterOptions({ requestPerMinute: 5 } as never)).toThrow(InvalidOptionsError);
    expect(() => resolveLimiterOptions({ requestPerMinute: 5 } as never)).toThrow(/limiter\.requestPerMinute/);
    expect(() => resolveLimiterOptions({ tenants: { acme: { rpm: 5 } } } as never)).toThrow(/limiter\.tenants\.acme\.rpm/);
  });

  it('refuses bad values, naming the key', () => {
    expect(() => resolveLimiterOptions({ requestsPerMinute: 0 })).toThrow(/limiter\.requestsPerMinute: must be a positive integer/);
    expect(() => resolveLimiterOptions({ tokensPerMinute: 1.5 })).toThrow(/limiter\.tokensPerMinute/);
    expect(() => resolveLimiterOptions({ burst: 0 })).toThrow(/limiter\.burst/);
    expect(() => resolveLimiterOptions({ burst: '2' as never })).toThrow(/limiter\.burst/);
    expect(() => resolveLimiterOptions({ tenants: { acme: { requestsPerMinute: -1 } } })).toThrow(
      /limiter\.tenants\.acme\.requestsPerMinute/,
    );
    expect(() => resolveLimiterOptions({ tenants: { 'a~b': {} } })).toThrow(/limiter\.tenants\.a~b/);
    expect(() => resolveLimiterOptions({ tenants: { acme: null } } as never)).toThrow(/limiter\.tenants\.acme/);
  });

  it('refuses a requests bucket that cannot hold one request', () => {
    expect(() => resolveLimiterOptions({ requestsPerMinute: 5, burst: 0.1 })).toThrow(/limiter\.burst/);
  });

  it('does not share the defaults or the raw overrides with its result', () => {
    const raw = { tenants: { acme: { requestsPerMinute: 5 } } };
    const o = resolveLimiterOptions(raw);
    o.tenants.acme.requestsPerMinute = 7;
    expect(raw.tenants.acme.requestsPerMinute).toBe(5);
    expect(LIMITER_DEFAULTS.tenants).toEqual({});
  });
});
