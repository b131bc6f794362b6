import { IsInt, IsObject, Max, Min } from 'class-validator';

/** Per-tenant token buckets of the limiter actor (`limiter:`). */
export class LimiterConfig {
  /**
   * Turns a tenant may start per minute (bucket capacity and refill).
   * @default 600
   */
  @IsInt()
  @Min(1)
  @Max(100_000_000)
  requestsPerMinute = 600;

  /**
   * Estimated tokens (prompt plus the reserved output) a tenant may use per minute.
   * @default 200000
   */
  @IsInt()
  @Min(1)
  @Max(1_000_000_000)
  tokensPerMinute = 200_000;

  /**
   * Per-tenant overrides: `{ acme: { requestsPerMinute: 6000 } }` (checked when the runtime starts).
   * @default {}
   */
  @IsObject()
  tenants: Record<string, { requestsPerMinute?: number; tokensPerMinute?: number }> = {};
}
