import type { ServerResponse } from 'node:http';
import { type ArgumentsHost, Catch, type ExceptionFilter, Logger } from '@nestjs/common';
import { BudgetExceededError, InvalidMessageError, RateLimitedError, WARREN_ERROR_CODES, WarrenError } from '@warren/contracts';
import { writeErrorAnswer } from '../errors/error-response';
import { toHttpError } from '../errors/http-error';

/** OpenAI's error body; `code` is Warren's `WARREN_*` code. */
export interface OpenAiErrorBody {
  error: { message: string; type: string; param: string | null; code: string };
}

export interface OpenAiError {
  status: number;
  body: OpenAiErrorBody;
  headers: Record<string, string>;
}

/** Statuses of codes the gateway's own table does not know (model and router failures, budgets). */
const STATUS: Readonly<Record<string, number>> = Object.freeze({
  [WARREN_ERROR_CODES.BUDGET_EXCEEDED]: 429,
  WARREN_LIMITER_CAPACITY_EXCEEDED: 503,
  WARREN_MODEL_UNAVAILABLE: 503,
  WARREN_MODEL_REJECTED: 502,
  WARREN_FALLBACKS_EXHAUSTED: 502,
  WARREN_CONTEXT_TOO_LONG: 400,
  [WARREN_ERROR_CODES.CANCELLED]: 499,
});

/** OpenAI's `type` for a status (and a budget: `insufficient_quota`, as OpenAI says for a used-up quota). */
function typeOf(status: number, code: string): string {
  if (code === WARREN_ERROR_CODES.BUDGET_EXCEEDED) return 'insufficient_quota';
  if (status === 429) return 'rate_limit_exceeded';
  if (status === 401) return 'authentication_error';
  if (status === 403) return 'permission_error';
  if (status < 500) return 'invalid_request_error';
  return 'server_error';
}

/**
 * Maps what the endpoint threw onto OpenAI's error shape `{ error: { message, type, param, code } }`
 * with Warren's code in `code` and the status Warren gives it: 429 with `Retry-After` (seconds)
 * for a refusal, 429 `insufficient_quota` for a budget, 502/503 for model failures after the
 * fallback chain, 400 with `param` for a bad field.
 */
export function toOpenAiError(err: unknown): OpenAiError {
  const http = toHttpError(err);
  const code = err instanceof WarrenError ? err.code : http.body.error.code;
  const status = STATUS[code] ?? http.status;
  const headers = { ...http.headers };
  if (status === 429 && !(err instanceof BudgetExceededError) && headers['retry-after'] === undefined) {
    const ms = err instanceof RateLimitedError ? err.retryAfterMs : undefined;
    headers['retry-after'] = String(Math.max(1, Math.ceil((ms ?? 1000) / 1000)));
  }
  if (status === 503 && headers['retry-after'] === undefined) headers['retry-after'] = '1';
  if (err instanceof BudgetExceededError) delete headers['retry-after'];
  const param = err instanceof InvalidMessageError ? (err.violations[0]?.field ?? null) : code === 'WARREN_NOT_FOUND' ? 'model' : null;
  const message = status === 500 ? http.body.error.message : err instanceof Error ? err.message : http.body.error.message;
  return { status, body: { error: { message, type: typeOf(status, code), param, code } }, headers };
}

/** Answers errors of the OpenAI-compatible routes in OpenAI's shape (the guard's 401 too). */
@Catch()
export class OpenAiExceptionFilter implements ExceptionFilter {
  private readonly log = new Logger('OpenAI');

  catch(err: unknown, host: ArgumentsHost): void {
    const res = host.switchToHttp().getResponse<ServerResponse>();
    const answer = toOpenAiError(err);
    if (answer.status === 500) this.log.error(`${answer.body.error.code}: ${err instanceof Error ? err.stack : String(err)}`);
    writeErrorAnswer(res, answer);
  }
}
