/**
 * Stable codes of model endpoint failures. Part of the wire contract like
 * `WARREN_ERROR_CODES` (a failed `model/<name>` ask carries them): never rename one.
 */
export const MODEL_ERROR_CODES = Object.freeze({
  /** The endpoint cannot answer now (down, overloaded, timed out); another try or another endpoint may work. */
  MODEL_UNAVAILABLE: 'WARREN_MODEL_UNAVAILABLE',
  /** The endpoint refused the request itself (bad request, content policy, auth); retrying the same request is useless. */
  MODEL_REJECTED: 'WARREN_MODEL_REJECTED',
  /** The prompt does not fit the endpoint's context window. */
  CONTEXT_TOO_LONG: 'WARREN_CONTEXT_TOO_LONG',
} as const);

export type ModelErrorCode = (typeof MODEL_ERROR_CODES)[keyof typeof MODEL_ERROR_CODES];
