import { IsInt, IsOptional, Max, Min } from 'class-validator';
import { Message } from './message.decorator';

/**
 * Asks `limiter/<tenant>` to admit one request costing `tokens` (estimated). The reply is a
 * `LimiterGrant`, or a `RateLimitedError` (`WARREN_RATE_LIMITED`, with `retryAfterMs`).
 */
@Message('warren.limiter.acquire')
export class LimiterAcquire {
  @IsInt() @Min(0) @Max(10_000_000) tokens!: number;
  /** How many requests this counts for. @default 1 */
  @IsOptional() @IsInt() @Min(1) @Max(1000) requests?: number;
}

/** The limiter admitted the request: what is left in the buckets afterwards. */
export interface LimiterGrant {
  granted: true;
  remainingRequests: number;
  remainingTokens: number;
}
