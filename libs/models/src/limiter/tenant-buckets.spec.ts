import { fromWireError, RateLimitedError, toWireError } from '@warren/contracts';
import { isLimiterCapacityError, LimiterCapacityError } from './limiter.errors';
import { TenantBuckets } from './tenant-buckets';

function fakeClock() {
  const clock = { t: 0, now: () => clock.t };
  return clock;
}

describe('TenantBuckets', () => {
  it('grants while both buckets admit, reporting what is left', () => {
    const b = new TenantBuckets('limiter/t1', { requestsPerMinute: 3, tokensPerMinute: 100, burst: 1 }, fakeClock());
    expect(b.acquire(40)).toEqual({ granted: true, remainingRequests: 2, remainingTokens: 60 });
  });

  it('takes from both or from neither', () => {
    const clock = fakeClock();
    const b = new TenantBuckets('limiter/t1', { requestsPerMinute: 10, tokensPerMinute: 100, burst: 1 }, clock);
    expect(b.acquire(90).granted).toBe(true);
    // The tokens bucket refuses: the requests bucket must keep its 9.
    const refused = b.acquire(20);
    expect(refused).toEqual({ granted: false, retryAfterMs: 6000 }); // 10 tokens at 100/min
    expect(b.acquire(10)).toEqual({ granted: true, remainingRequests: 8, remainingTokens: 0 });
  });

  it('waits for the slower bucket', () => {
    const clock = fakeClock();
    const b = new TenantBuckets('limiter/t1', { requestsPerMinute: 1, tokensPerMinute: 60_000, burst: 1 }, clock);
    expect(b.acquire(1).granted).toBe(true);
    expect(b.acquire(1)).toEqual({ granted: false, retryAfterMs: 60_000 });
    clock.t += 60_000;
    expect(b.acquire(1).granted).toBe(true);
  });

  it('counts several requests at once', () => {
    const b = new TenantBuckets('limiter/t1', { requestsPerMinute: 5, tokensPerMinute: 100, burst: 1 }, fakeClock());
    expect(b.acquire(0, 4)).toMatchObject({ granted: true, remainingRequests: 1 });
    expect(b.acquire(0, 2).granted).toBe(false);
  });

  it('refuses for good a cost above a capacity, naming the bucket', () => {
    const b = new TenantBuckets('limiter/t1', { requestsPerMinute: 5, tokensPerMinute: 100, burst: 2 }, fakeClock());
    expect(() => b.acquire(201)).toThrow(LimiterCapacityError);
    expect(() => b.acquire(201)).toThrow(/limiter\/t1: a request of 201 tokens can never pass, the tokens bucket holds at most 200/);
    const err = (() => {
      try {
        b.acquire(1, 11);
      } catch (e) {
        return e as LimiterCapacityError;
      }
    })();
    expect(err).toMatchObject({
      code: 'WARREN_LIMITER_CAPACITY_EXCEEDED',
      bucket: 'requests',
      requested: 11,
      capacity: 10,
      retryable: false,
    });
    expect(b.acquire(200).granted).toBe(true); // exactly the capacity passes
  });

  it('is idle when both buckets are full again', () => {
    const clock = fakeClock();
    const b = new TenantBuckets('limiter/t1', { requestsPerMinute: 60, tokensPerMinute: 60, burst: 1 }, clock);
    expect(b.isIdle()).toBe(true);
    b.acquire(30);
    expect(b.isIdle()).toBe(false);
    clock.t += 30_000;
    expect(b.isIdle()).toBe(true);
  });
});

describe('isLimiterCapacityError()', () => {
  it('recognises the error here and its wire form from another node', () => {
    const local = new LimiterCapacityError('limiter/t1', 'tokens', 5, 4);
    expect(isLimiterCapacityError(local)).toBe(true);
    expect(isLimiterCapacityError(fromWireError(toWireError(local)))).toBe(true);
    expect(isLimiterCapacityError(new RateLimitedError('limiter/t1', 10))).toBe(false);
    expect(isLimiterCapacityError('WARREN_LIMITER_CAPACITY_EXCEEDED')).toBe(false);
  });
});

describe('TenantBuckets.settle()', () => {
  it('a turn reserving 1000 and using 100 leaves room for the next', () => {
    const b = new TenantBuckets('limiter/t1', { requestsPerMinute: 10, tokensPerMinute: 1000, burst: 1 }, fakeClock());
    expect(b.acquire(1000).granted).toBe(true);
    expect(b.acquire(1000).granted).toBe(false);
    b.settle(100 - 1000);
    expect(b.acquire(900)).toEqual({ granted: true, remainingRequests: 8, remainingTokens: 0 });
  });

  it('charges usage above the reservation, so the next request waits it out', () => {
    const clock = fakeClock();
    const b = new TenantBuckets('limiter/t1', { requestsPerMinute: 10, tokensPerMinute: 600, burst: 1 }, clock);
    expect(b.acquire(600).granted).toBe(true);
    b.settle(60); // used 660
    expect(b.acquire(10)).toEqual({ granted: false, retryAfterMs: 7000 }); // 70 tokens at 10/s
  });
});
