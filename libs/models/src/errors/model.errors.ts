import { WARREN_ERROR_CODES, type WarrenErrorOptions, WarrenRuntimeError } from '@warren/contracts';

/** The codes of model endpoint failures (in the one catalog, `WARREN_ERROR_CODES`). */
type ModelErrorCode =
  | typeof WARREN_ERROR_CODES.MODEL_UNAVAILABLE
  | typeof WARREN_ERROR_CODES.MODEL_REJECTED
  | typeof WARREN_ERROR_CODES.CONTEXT_TOO_LONG;

/** Root of the failures of a model endpoint; `endpoint` names it (travels as a wire `details` field). */
export abstract class ModelEndpointError extends WarrenRuntimeError {
  declare readonly code: ModelErrorCode;

  constructor(
    readonly endpoint: string,
    message: string,
    code: ModelErrorCode,
    options: WarrenErrorOptions = {},
  ) {
    super(message, code, options);
  }
}

/**
 * `WARREN_MODEL_UNAVAILABLE`: the endpoint cannot answer now. Retryable by default;
 * `retryable: false` when no retry can help (e.g. no endpoint of that name exists).
 */
export class ModelUnavailableError extends ModelEndpointError {
  constructor(endpoint: string, reason: string, options: WarrenErrorOptions = {}) {
    super(endpoint, `model endpoint "${endpoint}" is unavailable: ${reason}`, WARREN_ERROR_CODES.MODEL_UNAVAILABLE, {
      retryable: true,
      ...options,
    });
  }
}

/** `WARREN_MODEL_REJECTED`: the endpoint refused this request (HTTP 4xx, content policy). Never retryable. */
export class ModelRejectedError extends ModelEndpointError {
  constructor(
    endpoint: string,
    reason: string,
    /** The endpoint's own status (e.g. HTTP 400), when it gave one. */
    readonly status?: number,
    options: Omit<WarrenErrorOptions, 'retryable'> = {},
  ) {
    super(endpoint, `model endpoint "${endpoint}" rejected the request: ${reason}`, WARREN_ERROR_CODES.MODEL_REJECTED, {
      ...options,
      retryable: false,
    });
  }
}

/** `WARREN_CONTEXT_TOO_LONG`: the prompt has more tokens than the endpoint's window. Never retryable as is. */
export class ContextTooLongError extends ModelEndpointError {
  constructor(
    endpoint: string,
    readonly promptTokens: number,
    readonly contextWindow: number,
  ) {
    super(
      endpoint,
      `prompt of about ${promptTokens} tokens does not fit the context window of ${contextWindow} of model endpoint "${endpoint}"`,
      WARREN_ERROR_CODES.CONTEXT_TOO_LONG,
      { retryable: false },
    );
  }
}
