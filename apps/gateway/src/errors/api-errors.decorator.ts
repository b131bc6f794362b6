import { applyDecorators } from '@nestjs/common';
import { ApiExtraModels, ApiResponse, getSchemaPath } from '@nestjs/swagger';
import type { HeadersObject } from '@nestjs/swagger/dist/interfaces/open-api-spec.interface';
import { OpenAiErrorView, ProblemDetailsView } from './error-body.dto';
import { PROBLEM_JSON } from './problem-details';

/** What each error status means on a gateway route (the `WARREN_*` codes it carries). */
const MEANING: Readonly<Record<number, string>> = Object.freeze({
  400: 'A request field is wrong (`WARREN_INVALID_MESSAGE`, `fields` names it), or the body is not JSON, is nested deeper than 64 levels or has a reserved field name.',
  401: 'No valid API key (`WARREN_UNAUTHORIZED`).',
  403: "A tenant's key where an admin key is needed (`WARREN_FORBIDDEN`).",
  404: 'Not found for this tenant (`WARREN_NOT_FOUND`).',
  413: 'The body is over the size limit (`WARREN_PAYLOAD_TOO_LARGE`).',
  415: 'The body is not JSON in UTF-8, or is compressed (`WARREN_UNSUPPORTED_MEDIA_TYPE`).',
  429: "The tenant's limiter refused (`WARREN_RATE_LIMITED`, `Retry-After` in seconds) or its token budget is used up (`WARREN_BUDGET_EXCEEDED`).",
  499: 'The client went away and the work was cancelled (`WARREN_CANCELLED`).',
  500: 'A fault of the gateway (`WARREN_INTERNAL`); never a client error.',
  502: 'The model endpoints refused or all failed (`WARREN_MODEL_REJECTED`, `WARREN_FALLBACKS_EXHAUSTED`).',
  503: 'The broker, the store or the model is unavailable (`WARREN_BROKER_UNAVAILABLE`, `WARREN_STORE_UNAVAILABLE`, `WARREN_MODEL_UNAVAILABLE`, …; `Retry-After: 1`).',
  504: 'No answer in time from the runtime (`WARREN_ASK_TIMEOUT`).',
});

/** Headers that come with an error status. */
function headersOf(status: number): HeadersObject | undefined {
  if (status === 401) return { 'WWW-Authenticate': { description: '`Bearer`', schema: { type: 'string' } } };
  if (status === 429 || status === 503)
    return { 'Retry-After': { description: 'Seconds to wait before trying again.', schema: { type: 'integer', minimum: 1 } } };
  return undefined;
}

/** The documentation of one error answer in the given shape. */
function errorResponse(
  status: number,
  description: string | undefined,
  mediaType: string,
  model: typeof ProblemDetailsView | typeof OpenAiErrorView,
) {
  const headers = headersOf(status);
  return ApiResponse({
    status,
    description: description ?? MEANING[status] ?? 'An error.',
    content: { [mediaType]: { schema: { $ref: getSchemaPath(model) } } },
    ...(headers ? { headers } : {}),
  });
}

/**
 * Documents error answers of a Warren route (class or method) as RFC 9457 problem details
 * (`application/problem+json`, `ProblemDetailsView`): each status with its usual meaning, or
 * `[status, description]` for a route-specific one.
 */
export function ApiProblems(...statuses: (number | [number, string])[]): ClassDecorator & MethodDecorator {
  return applyDecorators(
    ApiExtraModels(ProblemDetailsView),
    ...statuses.map((s) =>
      Array.isArray(s)
        ? errorResponse(s[0], s[1], PROBLEM_JSON, ProblemDetailsView)
        : errorResponse(s, undefined, PROBLEM_JSON, ProblemDetailsView),
    ),
  );
}

/** Documents error answers of an OpenAI-compatible route in OpenAI's shape (`application/json`, `OpenAiErrorView`). */
export function ApiOpenAiErrors(...statuses: (number | [number, string])[]): ClassDecorator & MethodDecorator {
  return applyDecorators(
    ApiExtraModels(OpenAiErrorView),
    ...statuses.map((s) =>
      Array.isArray(s)
        ? errorResponse(s[0], s[1], 'application/json', OpenAiErrorView)
        : errorResponse(s, undefined, 'application/json', OpenAiErrorView),
    ),
  );
}
