import { UnauthorizedException } from '@nestjs/common';
import {
  BudgetExceededError,
  InvalidMessageError,
  NotFoundError,
  PayloadTooLargeError,
  RateLimitedError,
  RemoteError,
  UnsupportedMediaTypeError,
} from '@warren/contracts';
import { toOpenAiError } from './openai-error';

describe('toOpenAiError', () => {
  it('answers a refusal with 429 rate_limit_exceeded and Retry-After in whole seconds', () => {
    const e = toOpenAiError(new RateLimitedError('limiter/dev', 2300));
    expect(e.status).toBe(429);
    expect(e.headers['retry-after']).toBe('3');
    expect(e.body.error).toMatchObject({ type: 'rate_limit_exceeded', code: 'WARREN_RATE_LIMITED', param: null });
  });

  it('answers a used-up budget with 429 insufficient_quota, no Retry-After', () => {
    const e = toOpenAiError(new BudgetExceededError('limiter/dev', 'daily', 10, 12, '2026-12-02T00:00:00Z'));
    expect(e.status).toBe(429);
    expect(e.headers['retry-after']).toBeUndefined();
    expect(e.body.error).toMatchObject({ type: 'insufficient_quota', code: 'WARREN_BUDGET_EXCEEDED' });
  });

  it('answers model failures after the chain with 502/503 and their code', () => {
    const exhausted = toOpenAiError(
      new RemoteError('FallbacksExhaustedError', 'no model endpoint could answer', 'WARREN_FALLBACKS_EXHAUSTED', false),
    );
    expect(exhausted.status).toBe(502);
    expect(exhausted.body.error).toMatchObject({ type: 'server_error', code: 'WARREN_FALLBACKS_EXHAUSTED' });
    const down = toOpenAiError(new RemoteError('ModelUnavailableError', 'down', 'WARREN_MODEL_UNAVAILABLE', true));
    expect(down.status).toBe(503);
    expect(down.headers['retry-after']).toBe('1');
    expect(toOpenAiError(new RemoteError('ContextTooLongError', 'too long', 'WARREN_CONTEXT_TOO_LONG', false)).status).toBe(400);
  });

  it('names the field of a bad request and the model of an unknown one', () => {
    const bad = toOpenAiError(new InvalidMessageError('temperature must be…', [{ field: 'temperature', constraints: ['x'] }]));
    expect(bad).toMatchObject({
      status: 400,
      body: { error: { type: 'invalid_request_error', param: 'temperature', code: 'WARREN_INVALID_MESSAGE' } },
    });
    const unknown = toOpenAiError(new NotFoundError('model', 'gpt-x'));
    expect(unknown).toMatchObject({ status: 404, body: { error: { param: 'model', code: 'WARREN_NOT_FOUND' } } });
  });

  it('answers a refused body with 413 or 415, invalid_request_error, no param', () => {
    expect(toOpenAiError(new PayloadTooLargeError(4_194_304))).toMatchObject({
      status: 413,
      body: { error: { type: 'invalid_request_error', param: null, code: 'WARREN_PAYLOAD_TOO_LARGE' } },
    });
    expect(toOpenAiError(new UnsupportedMediaTypeError('content-encoding', 'gzip', 'uncompressed'))).toMatchObject({
      status: 415,
      body: { error: { type: 'invalid_request_error', param: null, code: 'WARREN_UNSUPPORTED_MEDIA_TYPE' } },
    });
  });

  it('keeps 401 and hides the message of an unexpected error', () => {
    expect(toOpenAiError(new UnauthorizedException()).body.error).toMatchObject({
      type: 'authentication_error',
      code: 'WARREN_UNAUTHORIZED',
    });
    const boom = toOpenAiError(new Error('secret path /etc'));
    expect(boom).toMatchObject({
      status: 500,
      body: { error: { type: 'server_error', code: 'WARREN_INTERNAL', message: 'internal error' } },
    });
  });
});
