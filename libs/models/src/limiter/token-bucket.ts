/** A source of time in ms (`Date.now` in production, a fake in tests). */
export interface Clock {
  now(): number;
}

/** The wall clock. */
export const SYSTEM_CLOCK: Clock = Object.freeze({ now: () => Date.now() });

/** The outcome of {@link TokenBucket.tryTake}. */
export type TakeResult = { taken: true; remaining: number } | { taken: false; retryAfterMs: number };

/**
 * A token bucket: holds up to `capacity` tokens, starts full and refills continuously at
 * `refillPerMs`. Pure in-memory arithmetic; time comes from `clock`, so tests need no sleeps.
 * Not thread-safe by design: the limiter actor handles one message at a time.
 */
export class TokenBucket {
  private level: number;
  private updatedAt: number;

  constructor(
    readonly capacity: number,
    readonly refillPerMs: number,
    private readonly clock: Clock = SYSTEM_CLOCK,
  ) {
    if (!(capacity > 0) || !Number.isFinite(capacity)) throw new RangeError(`capacity must be a positive number (got ${capacity})`);
    if (!(refillPerMs > 0) || !Number.isFinite(refillPerMs))
      throw new RangeError(`refillPerMs must be a positive number (got ${refillPerMs})`);
    this.level = capacity;
    this.updatedAt = clock.now();
  }

  /** Tokens available now (fractional while refilling). */
  available(): number {
    this.refill();
    return this.level;
  }

  /** True when the bucket is full again (it is then the same as a new bucket). */
  isFull(): boolean {
    return this.available() >= this.capacity;
  }

  /**
   * Ms until `n` tokens are available: 0 when they are now, `Infinity` when `n` exceeds the
   * capacity (such a request can never pass). Rounded up, so waiting that long is enough.
   */
  msUntil(n: number): number {
    if (n > this.capacity) return Number.POSITIVE_INFINITY;
    const missing = n - this.available();
    return missing <= 0 ? 0 : Math.max(1, Math.ceil(missing / this.refillPerMs));
  }

  /** Takes `n` tokens when they are available now; otherwise takes nothing and says how long to wait. */
  tryTake(n: number): TakeResult {
    const wait = this.msUntil(n);
    if (wait > 0) return { taken: false, retryAfterMs: wait };
    this.level -= n;
    return { taken: true, remaining: this.level };
  }

  /** Gives back `n` tokens (a settle's refund), never above the capacity. */
  refund(n: number): void {
    this.refill();
    this.level = Math.min(this.capacity, this.level + n);
  }

  /**
   * Takes `n` tokens whether or not they are there (a settle's extra charge for usage already
   * spent): the level may go below 0, a debt the next requests wait out while it refills.
   */
  charge(n: number): void {
    this.refill();
    this.level -= n;
  }

  private refill(): void {
    const now = this.clock.now();
    const elapsed = now - this.updatedAt;
    // A clock that goes backwards (fake clocks, NTP steps) never removes tokens.
    if (elapsed > 0) this.level = Math.min(this.capacity, this.level + elapsed * this.refillPerMs);
    this.updatedAt = Math.max(this.updatedAt, now);
  }
}
