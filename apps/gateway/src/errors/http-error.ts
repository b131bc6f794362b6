import { HttpException } from '@nestjs/common';
import {
  BudgetExceededError,
  type FieldViolation,
  InvalidMessageError,
  InvalidOptionsError,
  RateLimitedError,
  RemoteError,
  WARREN_ERROR_CODES,
  WarrenError,
  type WarrenErrorCode,
} from '@warren/contracts';

/**
 * An error as the gateway answers it, before it is written in a route's error shape (RFC 9457
 * problem details, see `toProblemDetails`, or OpenAI's `{ error }`, see `toOpenAiError`): the
 * status, the same `WARREN_*` code as error classes and `failed` events, the message meant for
 * the caller, the wrong fields, and the headers (`Retry-After`, `WWW-Authenticate`).
 */
export interface HttpError {
  status: number;
  code: string;
  message: string;
  /** Which request fields are wrong and why (validation errors). */
  fields?: FieldViolation[];
  headers: Record<string, string>;
}

const C = WARREN_ERROR_CODES;

/**
 * HTTP status of a Warren error code, the one table of the gateway (problem details and the
 * OpenAI-compatible routes both answer through `toHttpError`); codes not listed are 500.
 */
const STATUS_BY_CODE: Readonly<Partial<Record<WarrenErrorCode, number>>> = Object.freeze({
  [C.INVALID_MESSAGE]: 400,
  [C.INVALID_OPTIONS]: 400,
  [C.INVALID_ADDRESS]: 400,
  [C.UNAUTHORIZED]: 401,
  [C.FORBIDDEN]: 403,
  [C.NOT_FOUND]: 404,
  [C.DOCUMENT_TOO_LARGE]: 413,
  [C.PAYLOAD_TOO_LARGE]: 413,
  [C.UNSUPPORTED_MEDIA_TYPE]: 415,
  [C.RATE_LIMITED]: 429,
  [C.BROKER_UNAVAILABLE]: 503,
  [C.CONNECTION_LOST]: 503,
  [C.STORE_UNAVAILABLE]: 503,
  [C.PUBLISH_REJECTED]: 503,
  [C.SHUTTING_DOWN]: 503,
  [C.ACTOR_OVERLOADED]: 503,
  [C.ASK_TIMEOUT]: 504,
  [C.BUDGET_EXCEEDED]: 429,
  [C.LIMITER_CAPACITY_EXCEEDED]: 503,
  [C.MODEL_UNAVAILABLE]: 503,
  [C.MODEL_REJECTED]: 502,
  [C.FALLBACKS_EXHAUSTED]: 502,
  [C.CONTEXT_TOO_LONG]: 400,
  [C.CANCELLED]: 499,
  // A tool call that failed a completion (tools.failOnError): the model's or the tool's fault, not the caller's.
  [C.TOOL_FAILED]: 502,
  [C.TOOL_INVALID_ARGUMENTS]: 502,
  [C.TOOL_NOT_ALLOWED]: 502,
});

/** The HTTP status of a `WARREN_*` code. */
export function httpStatusOf(code: string): number {
  return STATUS_BY_CODE[code as WarrenErrorCode] ?? 500;
}

/** Code of a Nest `HttpException` or an HTTP client error that did not come from Warren (payload too large, …). */
function codeOfStatus(status: number): string {
  if (status === 401) return C.UNAUTHORIZED;
  if (status === 403) return C.FORBIDDEN;
  if (status === 404) return C.NOT_FOUND;
  if (status === 413) return C.PAYLOAD_TOO_LARGE;
  if (status === 415) return C.UNSUPPORTED_MEDIA_TYPE;
  if (status === 429) return C.RATE_LIMITED;
  return status < 500 ? C.INVALID_MESSAGE : C.INTERNAL;
}

/**
 * Maps anything a handler, guard or pipe threw onto the gateway's answer. Warren errors keep
 * their code and message; other errors become `WARREN_INTERNAL` without their message (it may
 * say more about the server than a caller should learn).
 */
export function toHttpError(err: unknown): HttpError {
  const headers: Record<string, string> = {};
  if (err instanceof WarrenError) {
    const status = httpStatusOf(err.code);
    const answer: HttpError = { status, code: err.code, message: err.message, headers };
    const fields = fieldsOf(err);
    if (fields) answer.fields = fields;
    if (status === 401) headers['www-authenticate'] = 'Bearer';
    const retryAfterMs = retryAfterOf(err);
    if (status === 429 && retryAfterMs !== undefined) headers['retry-after'] = String(Math.max(1, Math.ceil(retryAfterMs / 1000)));
    else if (status === 503) headers['retry-after'] = '1';
    return answer;
  }
  if (err instanceof HttpException) {
    const status = err.getStatus();
    return { status, code: codeOfStatus(status), message: err.message, headers };
  }
  const client = clientErrorOf(err);
  if (client) return { status: client.status, code: codeOfStatus(client.status), message: client.message, headers };
  return { status: 500, code: C.INTERNAL, message: 'internal error', headers };
}

/**
 * An `HttpException` whose body the route chose itself (not Nest's `{ statusCode, message, error }`),
 * e.g. `/ready`'s `{ status: 'not-ready', broker, store }`: that body is the answer, not an error shape.
 */
export function hasDeliberateBody(err: unknown): boolean {
  if (!(err instanceof HttpException)) return false;
  const body = err.getResponse();
  return typeof body === 'object' && body !== null && !('statusCode' in body);
}

/**
 * A client error of Express or one of its parsers (an `http-errors` error: `status` 4xx, `expose`
 * true, its message meant for the caller), so that one missed by the gateway's own checks is still
 * answered with its 4xx instead of 500.
 */
function clientErrorOf(err: unknown): { status: number; message: string } | undefined {
  if (!(err instanceof Error)) return undefined;
  const { status, expose } = err as Error & { status?: unknown; expose?: unknown };
  if (expose !== true || typeof status !== 'number' || !Number.isInteger(status) || status < 400 || status > 499) return undefined;
  return { status, message: err.message };
}

function fieldsOf(err: WarrenError): FieldViolation[] | undefined {
  if (err instanceof InvalidMessageError && err.violations.length > 0) return err.violations;
  if (err instanceof InvalidOptionsError) {
    const prefix = `${err.key}: `;
    const reason = err.message.startsWith(prefix) ? err.message.slice(prefix.length) : err.message;
    return [{ field: err.key, constraints: [reason] }];
  }
  return undefined;
}

function retryAfterOf(err: WarrenError): number | undefined {
  if (err instanceof RateLimitedError) return err.retryAfterMs;
  // A used-up budget: when its period ends (the OpenAI routes leave it out, as OpenAI's `insufficient_quota` does).
  if (err instanceof BudgetExceededError) {
    const resets = Date.parse(err.resetsAt);
    return Number.isFinite(resets) ? Math.max(1000, resets - Date.now()) : undefined;
  }
  if (err instanceof RemoteError && typeof err.details?.retryAfterMs === 'number') return err.details.retryAfterMs;
  return undefined;
}
