import { STATUS_CODES } from 'node:http';
import { type FieldViolation, WARREN_ERROR_CODES } from '@warren/contracts';
import type { HttpError } from './http-error';

/** The media type of an RFC 9457 problem details body. */
export const PROBLEM_JSON = 'application/problem+json';

/** Every `WARREN_*` code a gateway answer may carry (`WARREN_ERROR_CODES`). The OpenAPI document lists them as an enum. */
export const PROBLEM_CODES: readonly string[] = Object.freeze(Object.values(WARREN_ERROR_CODES));

/**
 * An RFC 9457 problem details body (`application/problem+json`): `type` identifies the kind of
 * problem (one per `WARREN_*` code), `title` says it in a few words (the same for every problem of
 * that type), `status` repeats the HTTP status, `detail` explains this occurrence; `code` (the
 * `WARREN_*` code, as in error classes and `failed` events) and `fields` (the wrong request fields)
 * are Warren's extension members, `instance` the request path.
 */
export interface ProblemDetails {
  type: string;
  title: string;
  status: number;
  detail: string;
  instance?: string;
  code: string;
  fields?: FieldViolation[];
  [extension: string]: unknown;
}

/** Titles of the problem types; a code without one gets the HTTP status phrase. */
const TITLES: Readonly<Record<string, string>> = Object.freeze({
  WARREN_INVALID_MESSAGE: 'Invalid request',
  WARREN_INVALID_OPTIONS: 'Invalid option',
  WARREN_INVALID_ADDRESS: 'Invalid address',
  WARREN_UNAUTHORIZED: 'Missing or unknown API key',
  WARREN_FORBIDDEN: 'Not allowed with this key',
  WARREN_NOT_FOUND: 'Not found',
  WARREN_PAYLOAD_TOO_LARGE: 'Request body too large',
  WARREN_DOCUMENT_TOO_LARGE: 'Document too large',
  WARREN_UNSUPPORTED_MEDIA_TYPE: 'Unsupported request body',
  WARREN_RATE_LIMITED: 'Rate limited',
  WARREN_BUDGET_EXCEEDED: 'Token budget used up',
  WARREN_BROKER_UNAVAILABLE: 'Message broker unavailable',
  WARREN_CONNECTION_LOST: 'Message broker connection lost',
  WARREN_STORE_UNAVAILABLE: 'Store unavailable',
  WARREN_PUBLISH_REJECTED: 'Message not accepted by the broker',
  WARREN_SHUTTING_DOWN: 'Shutting down',
  WARREN_ACTOR_OVERLOADED: 'Actor overloaded',
  WARREN_ASK_TIMEOUT: 'No answer in time',
  WARREN_TOOL_FAILED: 'Tool failed',
  WARREN_TOOL_INVALID_ARGUMENTS: 'Invalid tool arguments from the model',
  WARREN_TOOL_NOT_ALLOWED: 'Tool not available',
  WARREN_MODEL_UNAVAILABLE: 'Model endpoint unavailable',
  WARREN_MODEL_REJECTED: 'Model endpoint refused the request',
  WARREN_FALLBACKS_EXHAUSTED: 'No model endpoint could answer',
  WARREN_CONTEXT_TOO_LONG: 'Prompt too long for the model',
  WARREN_LIMITER_CAPACITY_EXCEEDED: 'Request larger than the limits allow',
  WARREN_CANCELLED: 'Cancelled',
  WARREN_INTERNAL: 'Internal error',
});

/**
 * The problem type URI of a code: `urn:warren:problem:<code without WARREN_, lower case, dashes>`,
 * e.g. `urn:warren:problem:rate-limited`. A URN names the type without promising a page to fetch
 * (RFC 9457 §3.1.1: clients should not dereference it); the code list is in the OpenAPI document.
 */
export function problemTypeOf(code: string): string {
  return `urn:warren:problem:${code
    .replace(/^WARREN_/, '')
    .toLowerCase()
    .replace(/_/g, '-')}`;
}

/** The title of a code's problem type. */
export function problemTitleOf(code: string, status: number): string {
  return TITLES[code] ?? STATUS_CODES[status] ?? 'Error';
}

/** The problem details body of an error answer; `instance` is the request's path (no query). */
export function toProblemDetails(error: HttpError, instance?: string): ProblemDetails {
  const title = problemTitleOf(error.code, error.status);
  const detail = error.message;
  const problem: ProblemDetails = {
    type: problemTypeOf(error.code),
    title,
    status: error.status,
    detail,
    ...(instance === undefined ? {} : { instance }),
    code: error.code,
  };
  if (error.fields) problem.fields = error.fields;
  return problem;
}
