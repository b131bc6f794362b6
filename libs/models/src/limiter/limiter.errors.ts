import { WarrenApiError } from '@warren/contracts';

/**
 * Stable codes of the limiter's own refusals. Part of the wire contract like
 * `WARREN_ERROR_CODES` (a failed `limiter/<tenant>` ask carries them): never rename one.
 * Waiting helps with `WARREN_RATE_LIMITED` (`RateLimitedError`); it never helps with these.
 */
export const LIMITER_ERROR_CODES = Object.freeze({
  /** The request costs more than the bucket can ever hold: it can never pass at the configured limits. */
  LIMITER_CAPACITY_EXCEEDED: 'WARREN_LIMITER_CAPACITY_EXCEEDED',
} as const);

/**
 * `WARREN_LIMITER_CAPACITY_EXCEEDED`: one request asks for more `requests` or `tokens` than
 * the tenant's bucket holds when full. Never retryable (shorten the prompt or lower
 * `maxTokens`, or raise the tenant's limit). Crosses the wire with `scope`, `bucket`,
 * `requested` and `capacity` in its details.
 */
export class LimiterCapacityError extends WarrenApiError {
  constructor(
    /** The limiter, `limiter/<tenant>`. */
    readonly scope: string,
    readonly bucket: 'requests' | 'tokens',
    readonly requested: number,
    readonly capacity: number,
  ) {
    super(
      `${scope}: a request of ${requested} ${bucket} can never pass, the ${bucket} bucket holds at most ${capacity}`,
      LIMITER_ERROR_CODES.LIMITER_CAPACITY_EXCEEDED,
    );
  }
}

/**
 * True for a capacity refusal, whether thrown in this process (`LimiterCapacityError`) or
 * answered by a limiter on another node (a `RemoteError` with the code): check this, not `instanceof`.
 */
export function isLimiterCapacityError(err: unknown): err is Error & { code: string } {
  return err instanceof Error && (err as { code?: unknown }).code === LIMITER_ERROR_CODES.LIMITER_CAPACITY_EXCEEDED;
}
