/**
 * Every stable error code Warren gives, in one catalog (the actor runtime's, the model endpoints',
 * the router's and the limiter's). They are part of the public wire contract: never rename one.
 */
export const WARREN_ERROR_CODES = Object.freeze({
  INTERNAL: 'WARREN_INTERNAL',
  INVALID_OPTIONS: 'WARREN_INVALID_OPTIONS',
  INVALID_CONFIG: 'WARREN_INVALID_CONFIG',
  INVALID_ADDRESS: 'WARREN_INVALID_ADDRESS',
  INVALID_MESSAGE: 'WARREN_INVALID_MESSAGE',
  UNKNOWN_ACTOR_TYPE: 'WARREN_UNKNOWN_ACTOR_TYPE',
  UNKNOWN_MESSAGE_TYPE: 'WARREN_UNKNOWN_MESSAGE_TYPE',
  ASK_TIMEOUT: 'WARREN_ASK_TIMEOUT',
  ACTOR_OVERLOADED: 'WARREN_ACTOR_OVERLOADED',
  BROKER_UNAVAILABLE: 'WARREN_BROKER_UNAVAILABLE',
  CONNECTION_LOST: 'WARREN_CONNECTION_LOST',
  PUBLISH_REJECTED: 'WARREN_PUBLISH_REJECTED',
  NO_ROUTE: 'WARREN_NO_ROUTE',
  STATE_CONFLICT: 'WARREN_STATE_CONFLICT',
  STORE_UNAVAILABLE: 'WARREN_STORE_UNAVAILABLE',
  /** The embedded store's data directory is used by another machine (runtimes on several machines need MongoDB). */
  STORE_ELSEWHERE: 'WARREN_STORE_ELSEWHERE',
  DOCUMENT_TOO_LARGE: 'WARREN_DOCUMENT_TOO_LARGE',
  INVALID_TRANSITION: 'WARREN_INVALID_TRANSITION',
  NOT_FOUND: 'WARREN_NOT_FOUND',
  CANCELLED: 'WARREN_CANCELLED',
  HANDLER_FAILED: 'WARREN_HANDLER_FAILED',
  RATE_LIMITED: 'WARREN_RATE_LIMITED',
  BUDGET_EXCEEDED: 'WARREN_BUDGET_EXCEEDED',
  SHUTTING_DOWN: 'WARREN_SHUTTING_DOWN',
  /** This node no longer hosts the actor (its shard moved, its connection was lost): the new owner does the work. */
  ACTIVATION_LOST: 'WARREN_ACTIVATION_LOST',
  UNAUTHORIZED: 'WARREN_UNAUTHORIZED',
  FORBIDDEN: 'WARREN_FORBIDDEN',
  /** The broker gave up after `x-delivery-limit` deliveries: the consumer crashed or never settled the message. */
  DELIVERY_LIMIT: 'WARREN_DELIVERY_LIMIT',
  /** A request body over the size limit (HTTP 413). */
  PAYLOAD_TOO_LARGE: 'WARREN_PAYLOAD_TOO_LARGE',
  /** A request body in a media type, charset or content coding that is not read (HTTP 415). */
  UNSUPPORTED_MEDIA_TYPE: 'WARREN_UNSUPPORTED_MEDIA_TYPE',
  /** A tool (`tool/<name>`) could not do what the model asked. */
  TOOL_FAILED: 'WARREN_TOOL_FAILED',
  /** A model's tool arguments are not JSON or do not match the tool's schema (the tool was not called). */
  TOOL_INVALID_ARGUMENTS: 'WARREN_TOOL_INVALID_ARGUMENTS',
  /** A model called a tool that is not declared for the tenant (nothing was called). */
  TOOL_NOT_ALLOWED: 'WARREN_TOOL_NOT_ALLOWED',
  /** A model endpoint cannot answer now (down, overloaded, timed out); another try or another endpoint may work. */
  MODEL_UNAVAILABLE: 'WARREN_MODEL_UNAVAILABLE',
  /** A model endpoint refused the request itself (bad request, content policy, auth); retrying the same request is useless. */
  MODEL_REJECTED: 'WARREN_MODEL_REJECTED',
  /** The prompt does not fit the model endpoint's context window. */
  CONTEXT_TOO_LONG: 'WARREN_CONTEXT_TOO_LONG',
  /** Every endpoint of the turn's routing chain failed (or the stream broke and could not be continued). */
  FALLBACKS_EXHAUSTED: 'WARREN_FALLBACKS_EXHAUSTED',
  /** The request costs more than the limiter's bucket can ever hold: it can never pass at the configured limits. */
  LIMITER_CAPACITY_EXCEEDED: 'WARREN_LIMITER_CAPACITY_EXCEEDED',
} as const);

export type WarrenErrorCode = (typeof WARREN_ERROR_CODES)[keyof typeof WARREN_ERROR_CODES];
