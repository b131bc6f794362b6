import { RateLimitedError, WARREN_ERROR_CODES } from '@warren/contracts';
import { retryAfterMsOf } from '@warren/models';

/**
 * What a `failed` event tells the user, by error code: short, presentable, no internals
 * (operators find the details in the task and the dead letter).
 */
export function userMessageFor(code: string, error: unknown): string {
  switch (code) {
    case WARREN_ERROR_CODES.RATE_LIMITED: {
      const ms = retryAfterMsFor(error);
      const seconds = ms === undefined ? undefined : Math.max(1, Math.ceil(ms / 1000));
      return seconds === undefined
        ? 'Too many messages right now; please try again shortly.'
        : `Too many messages right now; please try again in ${seconds} s.`;
    }
    case WARREN_ERROR_CODES.BUDGET_EXCEEDED:
      return 'The usage budget is used up for now.';
    case WARREN_ERROR_CODES.ASK_TIMEOUT:
      return 'The assistant took too long to answer. Please try again.';
    case WARREN_ERROR_CODES.INVALID_MESSAGE:
      return 'The message could not be understood.';
    default:
      return 'Something went wrong while answering. Please try again.';
  }
}

/**
 * `retryAfterMs` of a rate-limit refusal, whether the limiter's `RateLimitedError` arrived as
 * itself or as a remote error whose `details` carry it; undefined when it says nothing.
 */
export function retryAfterMsFor(error: unknown): number | undefined {
  const ms = error instanceof RateLimitedError ? error.retryAfterMs : retryAfterMsOf(error);
  return ms === undefined || !Number.isFinite(ms) ? undefined : Math.max(0, Math.round(ms));
}

/** Extra `data` of a `failed` event for this code: the retry time of `WARREN_RATE_LIMITED`. */
export function failedEventExtras(code: string, error: unknown): { retryAfterMs?: number } {
  if (code !== WARREN_ERROR_CODES.RATE_LIMITED) return {};
  const ms = retryAfterMsFor(error);
  return ms === undefined ? {} : { retryAfterMs: ms };
}
