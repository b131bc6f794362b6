import { WARREN_ERROR_CODES, type WarrenErrorCode } from './error-codes';

/** Options every Warren error accepts: the underlying cause and whether a retry may succeed. */
export interface WarrenErrorOptions {
  cause?: unknown;
  /** True when the same work may succeed if tried again (broker gone, timeout). */
  retryable?: boolean;
}

/**
 * Root of every error Warren raises. `code` is a stable string that crosses the wire:
 * the same code appears in error classes, HTTP error bodies and `failed` events.
 */
export class WarrenError extends Error {
  readonly code: WarrenErrorCode;
  readonly retryable: boolean;

  constructor(message: string, code: WarrenErrorCode = WARREN_ERROR_CODES.INTERNAL, options: WarrenErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.code = code;
    this.retryable = options.retryable ?? false;
  }
}

/** Misuse of the API: bad options, unknown actor type, invalid address. Never retryable. */
export class WarrenApiError extends WarrenError {}

/** A failure at run time: ask timeout, broker gone, state conflict. */
export class WarrenRuntimeError extends WarrenError {}
