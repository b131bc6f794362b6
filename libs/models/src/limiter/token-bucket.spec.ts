import { TokenBucket } from './token-bucket';

function fakeClock(start = 1_000) {
  const clock = { t: start, now: () => clock.t };
  return clock;
}

describe('TokenBucket', () => {
  it('starts full and takes while tokens last', () => {
    const bucket = new TokenBucket(3, 0.001, fakeClock());
    expect(bucket.tryTake(1)).toEqual({ taken: true, remaining: 2 });
    expect(bucket.tryTake(2)).toEqual({ taken: true, remaining: 0 });
    expect(bucket.tryTake(1)).toEqual({ taken: false, retryAfterMs: 1000 });
  });

  it('refills at its rate and never above capacity', () => {
    const clock = fakeClock();
    const bucket = new TokenBucket(10, 0.01, clock); // 10 per second
    expect(bucket.tryTake(10).taken).toBe(true);
    clock.t += 250;
    expect(bucket.available()).toBeCloseTo(2.5);
    expect(bucket.tryTake(3)).toEqual({ taken: false, retryAfterMs: 50 });
    clock.t += 50;
    expect(bucket.tryTake(3).taken).toBe(true);
    clock.t += 1_000_000;
    expect(bucket.available()).toBe(10);
    expect(bucket.isFull()).toBe(true);
  });

  it('a refused take takes nothing', () => {
    const bucket = new TokenBucket(5, 0.001, fakeClock());
    expect(bucket.tryTake(4).taken).toBe(true);
    expect(bucket.tryTake(2).taken).toBe(false);
    expect(bucket.available()).toBe(1);
  });

  it('rounds the wait up and never answers 0 ms for a refusal', () => {
    const clock = fakeClock();
    const bucket = new TokenBucket(1, 0.003, clock);
    bucket.tryTake(1);
    clock.t += 333; // 0.999 tokens
    const r = bucket.tryTake(1);
    expect(r).toEqual({ taken: false, retryAfterMs: 1 });
  });

  it('says Infinity for more than the capacity, and 0 for what is there', () => {
    const bucket = new TokenBucket(5, 1, fakeClock());
    expect(bucket.msUntil(6)).toBe(Number.POSITIVE_INFINITY);
    expect(bucket.msUntil(5)).toBe(0);
    expect(bucket.msUntil(0)).toBe(0);
  });

  it('a clock going backwards removes no tokens', () => {
    const clock = fakeClock(10_000);
    const bucket = new TokenBucket(10, 0.01, clock);
    bucket.tryTake(10);
    clock.t -= 5_000;
    expect(bucket.available()).toBe(0);
    clock.t = 10_100;
    expect(bucket.available()).toBeCloseTo(1);
  });

  it('refuses a capacity or rate that cannot work', () => {
    expect(() => new TokenBucket(0, 1)).toThrow(RangeError);
    expect(() => new TokenBucket(1, 0)).toThrow(RangeError);
    expect(() => new TokenBucket(Number.NaN, 1)).toThrow(RangeError);
  });
});

describe('TokenBucket settle', () => {
  it('refunds up to the capacity and charges into debt', () => {
    const clock = fakeClock();
    const bucket = new TokenBucket(1000, 0.001, clock); // 1 per second
    bucket.tryTake(1000);
    bucket.refund(900); // reserved 1000, used 100
    expect(bucket.available()).toBe(900);
    bucket.refund(5000);
    expect(bucket.available()).toBe(1000);
    bucket.charge(1500); // used 1500 more than reserved
    expect(bucket.available()).toBe(-500);
    expect(bucket.msUntil(1)).toBe(501_000);
  });
});
