import { InvalidOptionsError } from '@warren/contracts';
import { capacitiesOf, LIMITER_DEFAULTS, limitsOf, resolveLimiterOptions, userLimitsOf } from './limiter-options';

describe('resolveLimiterOptions()', () => {
  it('fills the defaults', () => {
    expect(resolveLimiterOptions()).toEqual({
      requestsPerMinute: 600,
      tokensPerMinute: 200_000,
      burst: 1,
      dailyTokens: 0,
      monthlyTokens: 0,
      mode: 'refuse',
      queueTimeoutMs: 5000,
      maxQueued: 1000,
      userRequestsPerMinute: 0,
      userTokensPerMinute: 0,
      budgetFlushMs: 1000,
      leaseShare: 0.05,
      leaseMinTurns: 50,
      leaseTtlMs: 10_000,
      tenants: {},
    });
  });

  it('applies per-tenant overrides over the defaults', () => {
    const o = resolveLimiterOptions({ requestsPerMinute: 100, tenants: { acme: { tokensPerMinute: 5000 } } });
    const rest = {
      dailyTokens: 0,
      monthlyTokens: 0,
      mode: 'refuse',
      queueTimeoutMs: 5000,
      maxQueued: 1000,
      userRequestsPerMinute: 0,
      userTokensPerMinute: 0,
    };
    expect(limitsOf(o, 'acme')).toEqual({ requestsPerMinute: 100, tokensPerMinute: 5000, burst: 1, ...rest });
    expect(limitsOf(o, 'other')).toEqual({ requestsPerMinute: 100, tokensPerMinute: 200_000, burst: 1, ...rest });
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

  it('takes budgets, mode and queue timeout per tenant', () => {
    const o = resolveLimiterOptions({
      tenants: { acme: { dailyTokens: 10_000, monthlyTokens: 200_000, mode: 'queue', queueTimeoutMs: 3000 } },
    });
    expect(limitsOf(o, 'acme')).toMatchObject({ dailyTokens: 10_000, monthlyTokens: 200_000, mode: 'queue', queueTimeoutMs: 3000 });
    expect(limitsOf(o, 'other')).toMatchObject({ dailyTokens: 0, mode: 'refuse' });
  });

  it('refuses bad budgets, modes and queue settings, naming the key', () => {
    expect(() => resolveLimiterOptions({ dailyTokens: -1 })).toThrow(/limiter\.dailyTokens/);
    expect(() => resolveLimiterOptions({ tenants: { acme: { monthlyTokens: 1.5 } } })).toThrow(/limiter\.tenants\.acme\.monthlyTokens/);
    expect(() => resolveLimiterOptions({ mode: 'wait' as never })).toThrow(/limiter\.mode: must be refuse or queue/);
    expect(() => resolveLimiterOptions({ maxQueued: 0 })).toThrow(/limiter\.maxQueued/);
    expect(() => resolveLimiterOptions({ budgetFlushMs: 5 })).toThrow(/limiter\.budgetFlushMs/);
    expect(() => resolveLimiterOptions({ leaseShare: 0.6 })).toThrow(/limiter\.leaseShare/);
    expect(() => resolveLimiterOptions({ leaseMinTurns: 0 })).toThrow(/limiter\.leaseMinTurns/);
    expect(() => resolveLimiterOptions({ leaseTtlMs: 50 })).toThrow(/limiter\.leaseTtlMs/);
    expect(() => resolveLimiterOptions({ tenants: { acme: { leaseShare: 0.1 } as never } })).toThrow(/limiter\.tenants\.acme\.leaseShare/);
  });

  it('refuses a queue timeout the asker would not wait for', () => {
    expect(() => resolveLimiterOptions({ tenants: { acme: { mode: 'queue', queueTimeoutMs: 9500 } } }, { askTimeoutMs: 10_000 })).toThrow(
      /limiter\.tenants\.acme\.queueTimeoutMs: must be at least 1000 ms below runtime\.askTimeoutMs \(10000\)/,
    );
    expect(() => resolveLimiterOptions({ mode: 'queue', queueTimeoutMs: 9000 }, { askTimeoutMs: 10_000 })).not.toThrow();
    // Refuse mode never waits, so its (unused) timeout is not compared.
    expect(() => resolveLimiterOptions({ queueTimeoutMs: 60_000 }, { askTimeoutMs: 10_000 })).not.toThrow();
  });

  it('per-user limits: off by default, one rate alone leaves the other unlimited, bad values named', () => {
    expect(userLimitsOf(limitsOf(resolveLimiterOptions(), 'any'))).toBeUndefined();
    const o = resolveLimiterOptions({ tenants: { acme: { userRequestsPerMinute: 10 } } });
    expect(userLimitsOf(limitsOf(o, 'acme'))).toEqual({ requestsPerMinute: 10, tokensPerMinute: 1e12, burst: 1 });
    expect(() => resolveLimiterOptions({ userTokensPerMinute: -5 })).toThrow(/limiter\.userTokensPerMinute/);
    expect(() => resolveLimiterOptions({ userRequestsPerMinute: 5, burst: 0.1, requestsPerMinute: 100 })).toThrow(/limiter\.burst/);
  });
});
