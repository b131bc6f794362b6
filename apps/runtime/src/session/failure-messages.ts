import { RateLimitedError, WARREN_ERROR_CODES } from '@warren/contracts';

/**
 * What a `failed` event tells the user, by error code: short, presentable, no internals
 * (operators find the details in the task and the dead letter).
 */
export function userMessageFor(code: string, error: unknown): string {
  switch (code) {
    case WARREN_ERROR_CODES.RATE_LIMITED: {
      const seconds = error instanceof RateLimitedError ? Math.max(1, Math.ceil(error.retryAfterMs / 1000)) : undefined;
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
