import { WARREN_ERROR_CODES, WarrenRuntimeError } from '@warren/contracts';

/**
 * `WARREN_FALLBACKS_EXHAUSTED`: the chain ran out. `retryable` when nothing had been sent to the
 * user and the last failure was retryable (a later attempt of the whole turn may pass); never
 * after deltas were sent (a retry would send them again). `lastCode` is the last endpoint's error.
 */
export class FallbacksExhaustedError extends WarrenRuntimeError {
  constructor(
    readonly tried: readonly string[],
    readonly lastCode: string | undefined,
    lastMessage: string,
    retryable: boolean,
  ) {
    super(`no model endpoint could answer (tried ${tried.join(', ')}): ${lastMessage}`, WARREN_ERROR_CODES.FALLBACKS_EXHAUSTED, {
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
