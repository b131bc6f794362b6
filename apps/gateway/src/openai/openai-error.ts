import type { ServerResponse } from 'node:http';
import { type ArgumentsHost, Catch, type ExceptionFilter, Logger } from '@nestjs/common';
import {
  BudgetExceededError,
  InvalidMessageError,
  NotFoundError,
  RateLimitedError,
  RemoteError,
  WARREN_ERROR_CODES,
} from '@warren/contracts';
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
  const { code, status } = http;
  const headers = { ...http.headers };
  if (status === 429 && !(err instanceof BudgetExceededError) && headers['retry-after'] === undefined) {
    const ms = err instanceof RateLimitedError ? err.retryAfterMs : undefined;
    headers['retry-after'] = String(Math.max(1, Math.ceil((ms ?? 1000) / 1000)));
  }
  if (status === 503 && headers['retry-after'] === undefined) headers['retry-after'] = '1';
  if (err instanceof BudgetExceededError) delete headers['retry-after'];
  const param = err instanceof InvalidMessageError ? (err.violations[0]?.field ?? null) : paramOf(err);
  return { status, body: { error: { message: http.message, type: typeOf(status, code), param, code } }, headers };
}

/**
 * The field a not-found names: `model` for an unknown model (checked here, or by the runtime's
 * chat worker, whose refusal arrives as a `RemoteError`), none for an unknown path.
 */
function paramOf(err: unknown): string | null {
  if (err instanceof NotFoundError) return err.entity === 'model' ? 'model' : null;
  return err instanceof RemoteError && err.code === WARREN_ERROR_CODES.NOT_FOUND ? 'model' : null;
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
