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
