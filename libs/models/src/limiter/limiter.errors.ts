import { WARREN_ERROR_CODES, WarrenApiError } from '@warren/contracts';

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
      WARREN_ERROR_CODES.LIMITER_CAPACITY_EXCEEDED,
    );
  }
}

/**
 * True for a capacity refusal, whether thrown in this process (`LimiterCapacityError`) or
 * answered by a limiter on another node (a `RemoteError` with the code): check this, not `instanceof`.
 */
export function isLimiterCapacityError(err: unknown): err is Error & { code: string } {
  return err instanceof Error && (err as { code?: unknown }).code === WARREN_ERROR_CODES.LIMITER_CAPACITY_EXCEEDED;
}
