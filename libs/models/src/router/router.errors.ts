import { WarrenApiError } from '@warren/contracts';

/**
 * Stable codes of the router's own failures. Part of the wire contract like `WARREN_ERROR_CODES`
 * (a `failed` event carries them): never rename one.
 */
export const ROUTER_ERROR_CODES = Object.freeze({
  /** Every endpoint of the turn's routing chain failed (or the stream broke and could not be continued). */
  FALLBACKS_EXHAUSTED: 'WARREN_FALLBACKS_EXHAUSTED',
} as const);

/**
 * `WARREN_FALLBACKS_EXHAUSTED`: the chain ran out. `retryable` when nothing had been sent to the
 * user and the last failure was retryable (a later attempt of the whole turn may pass); never
 * after deltas were sent (a retry would send them again). `lastCode` is the last endpoint's error.
 */
export class FallbacksExhaustedError extends WarrenApiError {
  constructor(
    readonly tried: readonly string[],
    readonly lastCode: string | undefined,
    lastMessage: string,
    retryable: boolean,
  ) {
    super(`no model endpoint could answer (tried ${tried.join(', ')}): ${lastMessage}`, ROUTER_ERROR_CODES.FALLBACKS_EXHAUSTED, {
      retryable,
    });
  }
}

/**
 * A `FallbacksExhaustedError` (the class stays internal, as every non-endpoint error of this lib:
 * callers on other nodes get a `RemoteError`, so they test the code).
 */
export function fallbacksExhausted(tried: readonly string[], lastCode: string | undefined, lastMessage: string, retryable: boolean): Error {
  return new FallbacksExhaustedError(tried, lastCode, lastMessage, retryable);
}
