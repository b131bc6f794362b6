import { IsInt, IsOptional, IsString, Length, Max, Min } from 'class-validator';
import { Message } from './message.decorator';

/**
 * Asks `limiter/<tenant>` to admit (reserve) one request costing `tokens`: the counted prompt
 * plus the most output it may produce. The reply is a `LimiterGrant`, a `RateLimitedError`
 * (`WARREN_RATE_LIMITED`, with `retryAfterMs`; in queue mode only after the tenant's queue
 * timeout) or a `BudgetExceededError` (`WARREN_BUDGET_EXCEEDED`). The reservation counts
 * against the buckets and the budgets until a `LimiterSettle` corrects it to the real usage.
 */
@Message('warren.limiter.acquire')
export class LimiterAcquire {
  @IsInt() @Min(0) @Max(10_000_000) tokens!: number;
  /** How many requests this counts for. @default 1 */
  @IsOptional() @IsInt() @Min(1) @Max(1000) requests?: number;
  /** Names the reservation, so a `LimiterCancel` can withdraw it (a session uses its task id). */
  @IsOptional() @IsString() @Length(1, 256) reservationId?: string;
  /** The user the request is for: counted in that user's buckets too when the tenant has per-user limits. */
  @IsOptional() @IsString() @Length(1, 256) userId?: string;
}

/** The limiter admitted the request: what is left in the buckets afterwards. */
export interface LimiterGrant {
  granted: true;
  remainingRequests: number;
  remainingTokens: number;
  /** How long the request waited in the tenant's queue (queue mode), in ms. */
  queuedMs?: number;
}

/**
 * Tells `limiter/<tenant>` what a granted request really used: `used - reserved` tokens are
 * charged (more than reserved) or refunded (less) to the tokens bucket and the budgets. The
 * message carries both numbers, so the limiter keeps no reservation table (a limiter that
 * restarted between the two still settles right). A turn that was interrupted or failed after
 * its grant settles what it used (the prompt and what was streamed), 0 when the model never ran.
 */
@Message('warren.limiter.settle')
export class LimiterSettle {
  @IsInt() @Min(0) @Max(10_000_000) reserved!: number;
  @IsInt() @Min(0) @Max(10_000_000) used!: number;
  /** The `reservationId` of the acquire, if it had one (the limiter then forgets it: a later cancel changes nothing). */
  @IsOptional() @IsString() @Length(1, 256) reservationId?: string;
  /** The acquire's `userId`, if it had one: the user's tokens bucket is settled too. */
  @IsOptional() @IsString() @Length(1, 256) userId?: string;
}

/**
 * Tells `limiter/<tenant>` that the asker of the acquire `reservationId` no longer waits for it
 * (its turn was interrupted, or its ask timed out or lost its connection): a reservation still
 * waiting in the queue is dropped; one granted meanwhile (the grant crossed the cancel) has its
 * tokens refunded; an unknown one (refused, settled, or long forgotten) changes nothing.
 */
@Message('warren.limiter.cancel')
export class LimiterCancel {
  @IsString() @Length(1, 256) reservationId!: string;
}

/**
 * Asks `limiter/<tenant>` for a lease: a share of the tenant's buckets (`limiter.leaseShare` of
 * their capacity) that one process then hands out to its own turns without a round trip per turn.
 * Granted only while the tenant is far from its limits (both buckets at least half full after the
 * lease, nobody queued, no per-user limits, the budgets not reached) and when the share covers at
 * least `minTokens` and `minRequests`; otherwise the answer is `{ granted: false }` and the asker
 * acquires per request as before. The lease is charged to the buckets and budgets when granted;
 * what is left of it comes back with `LimiterLeaseReturn`.
 */
@Message('warren.limiter.lease')
export class LimiterLease {
  /** Names the lease in its return (the asker draws a random one). */
  @IsString() @Length(1, 256) leaseId!: string;
  /** Fewest tokens worth leasing (the asker's reservation times the turns a lease should cover). */
  @IsInt() @Min(1) @Max(1_000_000_000_000) minTokens!: number;
  /** Fewest requests worth leasing. */
  @IsInt() @Min(1) @Max(1_000_000_000_000) minRequests!: number;
}

/** The answer to a `LimiterLease`: the share granted and how long the asker may keep it, or a refusal. */
export type LimiterLeaseAnswer = { granted: true; tokens: number; requests: number; ttlMs: number } | { granted: false };

/**
 * Gives a lease back to `limiter/<tenant>`: its unused tokens and requests are refunded. `tokens`
 * is negative when the turns that drew from it used more than it held (the difference is
 * charged). A return of a lease the limiter does not hold (returned already, or granted before
 * the limiter restarted) changes nothing.
 */
@Message('warren.limiter.lease-return')
export class LimiterLeaseReturn {
  @IsString() @Length(1, 256) leaseId!: string;
  @IsInt() @Min(-1_000_000_000_000) @Max(1_000_000_000_000) tokens!: number;
  @IsInt() @Min(0) @Max(1_000_000_000_000) requests!: number;
}

/**
 * Asks `limiter/<tenant>` whether a request costing at least `tokens` would be refused now, taking
 * nothing (the gateway asks it before it accepts a turn, so a refusal that is already certain is
 * answered `429` instead of `202`). The reply is a {@link LimiterCheckAnswer} when the request would
 * be admitted, queued, or when the limiter cannot be sure (a lease is out: its holder admits turns
 * without asking); a `RateLimitedError` or `BudgetExceededError` when `LimiterAcquire` would
 * certainly refuse it (refuse mode or a full queue with empty buckets, a user over their own limit,
 * a budget used up).
 */
@Message('warren.limiter.check')
export class LimiterCheck {
  /** The least the request costs (the real acquire adds the history and the output allowance). */
  @IsInt() @Min(0) @Max(10_000_000) tokens!: number;
  /** The user the request is for (per-user limits). */
  @IsOptional() @IsString() @Length(1, 256) userId?: string;
}

/** The answer to a `LimiterCheck` that is not a refusal. */
export interface LimiterCheckAnswer {
  /** True when the request would wait in the tenant's queue (queue mode, buckets empty). */
  queued: boolean;
  /**
   * How long the asker may skip asking again for this tenant: > 0 only when the tenant is far from
   * every limit (buckets at least half full, nobody queued, no per-user limits, budgets far). A
   * refusal within that time is still answered on the task and the events, as before.
   */
  clearMs: number;
}
