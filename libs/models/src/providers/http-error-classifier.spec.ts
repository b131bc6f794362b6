import { ContextTooLongError, ModelRejectedError, ModelUnavailableError } from '../errors/model.errors';
import { classifyErrorBody, classifyHttpError, errorBodyOf, networkError, parseRetryAfter, retryAfterMsOf } from './http-error-classifier';

const call = { endpoint: 'gpt', promptTokens: 100, contextWindow: 8192 };
const headers = (h: Record<string, string> = {}) => new Headers(h);

describe('classifyHttpError', () => {
  it('429 → retryable ModelUnavailableError with retryAfterMs from Retry-After (seconds)', () => {
    const err = classifyHttpError(
      call,
      429,
      { message: 'Rate limit reached', code: 'rate_limit_exceeded' },
      headers({ 'retry-after': '7' }),
    );
    expect(err).toBeInstanceOf(ModelUnavailableError);
    expect(err).toMatchObject({ code: 'WARREN_MODEL_UNAVAILABLE', retryable: true, retryAfterMs: 7000, endpoint: 'gpt' });
    expect(err.message).toMatch(/HTTP 429, retry after 7000 ms.*Rate limit reached/);
    expect(retryAfterMsOf(err)).toBe(7000);
  });

  it('429 without Retry-After has no retryAfterMs', () => {
    const err = classifyHttpError(call, 429, undefined, headers());
    expect(err.retryable).toBe(true);
    expect(retryAfterMsOf(err)).toBeUndefined();
  });

  it.each([500, 502, 503, 504, 408, 409, 425])('%i → retryable ModelUnavailableError', (status) => {
    const err = classifyHttpError(call, status, { message: 'boom' }, headers());
    expect(err).toBeInstanceOf(ModelUnavailableError);
    expect(err.retryable).toBe(true);
    expect(err.message).toContain(`HTTP ${status}`);
  });

  it.each([401, 403])('%i → fatal ModelRejectedError that says authentication failed', (status) => {
    const err = classifyHttpError(call, status, { message: 'Incorrect API key provided', code: 'invalid_api_key' }, headers());
    expect(err).toBeInstanceOf(ModelRejectedError);
    expect(err).toMatchObject({ retryable: false, status, code: 'WARREN_MODEL_REJECTED' });
    expect(err.message).toMatch(/authentication failed.*apiKeyEnv.*invalid_api_key/);
  });

  it('400 context_length_exceeded → ContextTooLongError with the numbers of the message', () => {
    const err = classifyHttpError(
      call,
      400,
      {
        code: 'context_length_exceeded',
        message: "This model's maximum context length is 4,096 tokens. However, your messages resulted in 5000 tokens.",
      },
      headers(),
    );
    expect(err).toBeInstanceOf(ContextTooLongError);
    expect(err).toMatchObject({ retryable: false, promptTokens: 5000, contextWindow: 4096, code: 'WARREN_CONTEXT_TOO_LONG' });
  });

  it('a 400 whose message alone says context length is ContextTooLongError too (configured window, prompt above it)', () => {
    const err = classifyHttpError(call, 400, { message: 'prompt is too long' }, headers());
    expect(err).toBeInstanceOf(ContextTooLongError);
    expect(err).toMatchObject({ contextWindow: 8192, promptTokens: 8193 });
  });

  it('Anthropic\'s 400 "prompt is too long: N tokens > M maximum" → ContextTooLongError with both numbers', () => {
    const err = classifyHttpError(
      call,
      400,
      { type: 'invalid_request_error', message: 'prompt is too long: 201234 tokens > 200000 maximum' },
      headers(),
    );
    expect(err).toBeInstanceOf(ContextTooLongError);
    expect(err).toMatchObject({ promptTokens: 201234, contextWindow: 200000 });
  });

  it('400 content policy → ModelRejectedError with the reason', () => {
    const err = classifyHttpError(
      call,
      400,
      { code: 'content_policy_violation', message: 'Your request was rejected by our safety system.' },
      headers(),
    );
    expect(err).toBeInstanceOf(ModelRejectedError);
    expect(err.message).toMatch(/content policy: Your request was rejected by our safety system/);
    expect(err).toMatchObject({ status: 400, retryable: false });
  });

  it('other 4xx → fatal ModelRejectedError with the status; 404 says to check baseUrl and model', () => {
    expect(classifyHttpError(call, 400, { message: 'bad temperature' }, headers())).toMatchObject({
      name: 'ModelRejectedError',
      status: 400,
      retryable: false,
    });
    expect(classifyHttpError(call, 422, undefined, headers())).toMatchObject({ status: 422, retryable: false });
    expect(classifyHttpError(call, 404, undefined, headers()).message).toMatch(/baseUrl and model/);
  });
});

describe('classifyErrorBody', () => {
  it('undefined for a body that names neither context length nor content policy', () => {
    expect(classifyErrorBody(call, { message: 'overloaded' })).toBeUndefined();
    expect(classifyErrorBody(call, undefined)).toBeUndefined();
  });
});

describe('parseRetryAfter', () => {
  const now = Date.parse('2026-12-01T00:00:00Z');
  it('reads seconds, an HTTP date and retry-after-ms (preferred)', () => {
    expect(parseRetryAfter(headers({ 'retry-after': '2' }), now)).toBe(2000);
    expect(parseRetryAfter(headers({ 'retry-after': '0.5' }), now)).toBe(500);
    expect(parseRetryAfter(headers({ 'retry-after': 'Tue, 01 Dec 2026 00:00:03 GMT' }), now)).toBe(3000);
    expect(parseRetryAfter(headers({ 'retry-after': 'Mon, 30 Nov 2026 00:00:00 GMT' }), now)).toBe(0);
    expect(parseRetryAfter(headers({ 'retry-after': '2', 'retry-after-ms': '1500' }), now)).toBe(1500);
    expect(parseRetryAfter(headers({ 'retry-after': 'soon' }), now)).toBeUndefined();
  });
});

describe('networkError', () => {
  it('is retryable, names the cause code and keeps the cause', () => {
    const cause = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), { code: 'ECONNREFUSED' });
    const err = networkError('gpt', Object.assign(new TypeError('fetch failed'), { cause }), 'connect');
    expect(err).toMatchObject({ retryable: true, code: 'WARREN_MODEL_UNAVAILABLE' });
    expect(err.message).toMatch(/connection failed \(ECONNREFUSED\): fetch failed/);
    expect(err.cause).toBeDefined();
  });
});

describe('errorBodyOf', () => {
  it("reads OpenAI's and Anthropic's error bodies, a string error and a bare message", () => {
    expect(errorBodyOf({ error: { message: 'm', type: 't', code: 42, param: 'p' } })).toEqual({
      message: 'm',
      type: 't',
      code: '42',
      param: 'p',
    });
    expect(errorBodyOf({ type: 'error', error: { type: 'overloaded_error', message: 'Overloaded' } })).toEqual({
      type: 'overloaded_error',
      message: 'Overloaded',
    });
    expect(errorBodyOf({ error: 'plain text' })).toEqual({ message: 'plain text' });
    expect(errorBodyOf({ message: 'bare' })).toEqual({ message: 'bare' });
    expect(errorBodyOf('x')).toBeUndefined();
  });
});
