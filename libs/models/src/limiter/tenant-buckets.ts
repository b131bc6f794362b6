import type { LimiterGrant } from '@warren/contracts';
import { LimiterCapacityError } from './limiter.errors';
import { type BucketLimits, capacitiesOf } from './limiter-options';
import { type Clock, SYSTEM_CLOCK, TokenBucket } from './token-bucket';

/** The outcome of {@link TenantBuckets.acquire}: a grant, or how long until it would be one. */
export type AcquireResult = LimiterGrant | { granted: false; retryAfterMs: number };

/** The two buckets of one tenant (requests/minute and tokens/minute), taken from together or not at all. */
export class TenantBuckets {
  private readonly requests: TokenBucket;
  private readonly tokens: TokenBucket;

  constructor(
    /** `limiter/<tenant>`, named in errors. */
    readonly scope: string,
    limits: BucketLimits,
    clock: Clock = SYSTEM_CLOCK,
  ) {
    const capacity = capacitiesOf(limits);
    this.requests = new TokenBucket(capacity.requests, limits.requestsPerMinute / 60_000, clock);
    this.tokens = new TokenBucket(capacity.tokens, limits.tokensPerMinute / 60_000, clock);
  }

  /**
   * Ms until both buckets hold `requests` requests costing `tokens` (0: now), taking nothing.
   * @throws LimiterCapacityError when the cost exceeds a bucket's capacity (waiting never helps).
   */
  waitMs(tokens: number, requests = 1): number {
    if (requests > this.requests.capacity) throw new LimiterCapacityError(this.scope, 'requests', requests, this.requests.capacity);
    if (tokens > this.tokens.capacity) throw new LimiterCapacityError(this.scope, 'tokens', tokens, this.tokens.capacity);
    return Math.max(this.requests.msUntil(requests), this.tokens.msUntil(tokens));
  }

  /**
   * Admits `requests` requests costing `tokens` when both buckets hold enough now, taking
   * from both; otherwise takes from neither and says when both would hold enough.
   * @throws LimiterCapacityError when the cost exceeds a bucket's capacity (waiting never helps).
   */
  acquire(tokens: number, requests = 1): AcquireResult {
    const wait = this.waitMs(tokens, requests);
    if (wait > 0) return { granted: false, retryAfterMs: wait };
    const r = this.requests.tryTake(requests);
    const t = this.tokens.tryTake(tokens);
    // Both were checked just above; time only moves forward since, so the buckets hold at least as much.
    if (!r.taken || !t.taken) throw new Error('token bucket invariant broken: a checked take failed');
    return { granted: true, remainingRequests: Math.floor(r.remaining), remainingTokens: Math.floor(t.remaining) };
  }

  /**
   * Corrects a reservation to the real usage: `delta = used - reserved` tokens are charged
   * (positive, possibly into debt) or refunded (negative, up to the capacity). Requests stay counted.
   */
  settle(delta: number): void {
    if (delta > 0) this.tokens.charge(delta);
    else if (delta < 0) this.tokens.refund(-delta);
  }

  /**
   * Takes back what a returned lease did not use: `tokens` refunded (or charged when negative:
   * its turns used more than it held) and `requests` refunded.
   */
  returnLease(tokens: number, requests: number): void {
    this.settle(-tokens);
    if (requests > 0) this.requests.refund(requests);
  }

  /** The buckets' capacities (whole requests and tokens). */
  capacity(): { requests: number; tokens: number } {
    return { requests: Math.floor(this.requests.capacity), tokens: Math.floor(this.tokens.capacity) };
  }

  /** What both buckets hold now (whole requests and tokens), taking nothing. */
  remaining(): { requests: number; tokens: number } {
    return { requests: Math.floor(this.requests.available()), tokens: Math.floor(this.tokens.available()) };
  }

  /** True when both buckets are full: the same as new buckets, so they can be forgotten. */
  isIdle(): boolean {
    return this.requests.isFull() && this.tokens.isFull();
  }
}
