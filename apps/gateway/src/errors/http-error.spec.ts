import { BadRequestException, HttpException, PayloadTooLargeException } from '@nestjs/common';
import {
  ActorOverloadedError,
  BrokerUnavailableError,
  ConnectionLostError,
  ForbiddenError,
  fromWireError,
  InvalidMessageError,
  InvalidOptionsError,
  NotFoundError,
  PayloadTooLargeError,
  RateLimitedError,
  RemoteError,
  StoreUnavailableError,
  toWireError,
  UnauthorizedError,
  UnsupportedMediaTypeError,
  WarrenError,
} from '@warren/contracts';
import { isChatCompletionsPath, isGatewayPath, isOpenAiPath } from '../http/gateway-paths';
import { hasDeliberateBody, httpStatusOf, toHttpError } from './http-error';
import { invalidRequest, toFieldViolations } from './validation.pipe';

describe('toHttpError()', () => {
  it.each([
    [new InvalidMessageError('bad'), 400],
    [new InvalidOptionsError('cursor', 'is not a cursor'), 400],
    [new UnauthorizedError(), 401],
    [new ForbiddenError(), 403],
    [new NotFoundError('task', 't1'), 404],
    [new PayloadTooLargeError(102_400), 413],
    [new UnsupportedMediaTypeError('charset', 'latin1', 'UTF-8 only'), 415],
    [new RateLimitedError('limiter/dev', 1500), 429],
    [new BrokerUnavailableError('RabbitMQ is unreachable'), 503],
    [new ConnectionLostError(), 503],
    [new StoreUnavailableError('store down'), 503],
    [new ActorOverloadedError('session/dev~s1', 64), 503],
    [new WarrenError('something'), 500],
    [new RemoteError('TypeError', 'x', 'WARREN_HANDLER_FAILED', true), 500],
  ])('%s → %i with its own code and message', (err, status) => {
    const answer = toHttpError(err);
    expect(answer.status).toBe(status);
    expect(answer).toMatchObject({ code: err.code, message: err.message });
  });

  it('names the wrong fields of an InvalidMessageError, in the shape of its violations', () => {
    const err = new InvalidMessageError('text too long', [{ field: 'text', constraints: ['at most 10 characters'] }]);
    expect(toHttpError(err)).toEqual({
      status: 400,
      code: 'WARREN_INVALID_MESSAGE',
      message: 'text too long',
      fields: [{ field: 'text', constraints: ['at most 10 characters'] }],
      headers: {},
    });
    expect(toHttpError(new InvalidMessageError('no fields')).fields).toBeUndefined();
  });

  it('names the key of an InvalidOptionsError as the field', () => {
    expect(toHttpError(new InvalidOptionsError('cursor', 'is not a cursor returned by this listing')).fields).toEqual([
      { field: 'cursor', constraints: ['is not a cursor returned by this listing'] },
    ]);
  });

  it('answers 429 with Retry-After in whole seconds (rounded up), also for a limiter refusal from another node', () => {
    expect(toHttpError(new RateLimitedError('limiter/dev', 1500)).headers['retry-after']).toBe('2');
    expect(toHttpError(new RateLimitedError('limiter/dev', 0)).headers['retry-after']).toBe('1');
    const remote = fromWireError({ ...toWireError(new RateLimitedError('limiter/dev', 3000)), code: 'WARREN_RATE_LIMITED' });
    expect(toHttpError(remote).headers['retry-after']).toBe('3');
    const other = new RemoteError('X', 'limited', 'WARREN_RATE_LIMITED', true, { retryAfterMs: 4200 });
    expect(toHttpError(other).headers['retry-after']).toBe('5');
  });

  it('asks for Bearer credentials on 401 and to retry soon on 503', () => {
    expect(toHttpError(new UnauthorizedError()).headers['www-authenticate']).toBe('Bearer');
    expect(toHttpError(new BrokerUnavailableError('down')).headers['retry-after']).toBe('1');
  });

  it('keeps the status of a Nest HttpException and gives it a WARREN code', () => {
    expect(toHttpError(new BadRequestException('Unexpected token } in JSON'))).toMatchObject({
      code: 'WARREN_INVALID_MESSAGE',
      message: 'Unexpected token } in JSON',
    });
    expect(toHttpError(new PayloadTooLargeException())).toMatchObject({ status: 413, code: 'WARREN_PAYLOAD_TOO_LARGE' });
    expect(hasDeliberateBody(new PayloadTooLargeException())).toBe(false);
    expect(hasDeliberateBody(new HttpException({ status: 'not-ready', broker: 'down' }, 503))).toBe(true);
  });

  it('answers an exposed HTTP client error of Express or a parser (http-errors) with its 4xx, never 500', () => {
    const tooLarge = Object.assign(new Error('request entity too large'), { status: 413, expose: true, type: 'entity.too.large' });
    expect(toHttpError(tooLarge)).toMatchObject({ status: 413, code: 'WARREN_PAYLOAD_TOO_LARGE' });
    const charset = Object.assign(new Error('unsupported charset "LATIN1"'), { status: 415, expose: true });
    expect(toHttpError(charset)).toMatchObject({ status: 415, code: 'WARREN_UNSUPPORTED_MEDIA_TYPE' });
    const aborted = Object.assign(new Error('request aborted'), { status: 400, expose: true });
    expect(toHttpError(aborted)).toMatchObject({ status: 400, code: 'WARREN_INVALID_MESSAGE', message: 'request aborted' });
    // Not exposed, or not a client error: a bug, answered as one.
    expect(toHttpError(Object.assign(new Error('x'), { status: 400, expose: false })).status).toBe(500);
    expect(toHttpError(Object.assign(new Error('x'), { status: 502, expose: true })).status).toBe(500);
  });

  it('hides the message of an unexpected error behind WARREN_INTERNAL', () => {
    expect(toHttpError(new TypeError('cannot read x of undefined at /srv/app.js'))).toEqual({
      status: 500,
      code: 'WARREN_INTERNAL',
      message: 'internal error',
      headers: {},
    });
  });

  it('httpStatusOf() is 500 for codes it does not know', () => {
    expect(httpStatusOf('WARREN_SOMETHING_NEW')).toBe(500);
  });
});

describe('validation errors', () => {
  it('become field violations with dotted paths for nested fields', () => {
    const violations = toFieldViolations([
      { property: 'text', constraints: { minLength: 'text must be longer than or equal to 1 characters' }, children: [] },
      { property: 'meta', children: [{ property: 'lang', constraints: { isString: 'lang must be a string' }, children: [] }] },
    ]);
    expect(violations).toEqual([
      { field: 'text', constraints: ['text must be longer than or equal to 1 characters'] },
      { field: 'meta.lang', constraints: ['lang must be a string'] },
    ]);
    const err = invalidRequest(violations);
    expect(err.code).toBe('WARREN_INVALID_MESSAGE');
    expect(err.message).toBe('text must be longer than or equal to 1 characters; lang must be a string');
    expect(toHttpError(err).status).toBe(400);
  });
});

describe('isGatewayPath()', () => {
  it.each([
    ['/v1/sessions/s1/messages', true],
    ['/v1', true],
    ['/v1?x=1', true],
    ['/V1/tasks/t1', true],
    ['/v10/x', false],
    ['/health', false],
    ['/docs-json', false],
    [undefined, false],
  ])('%p → %p', (url, expected) => {
    expect(isGatewayPath(url)).toBe(expected);
  });
});

describe('isChatCompletionsPath()', () => {
  it.each([
    ['/v1/chat/completions', true],
    ['/v1/chat/completions/', true],
    ['/V1/CHAT/completions?x=1', true],
    ['/v1/chat/completions/x', false],
    ['/v1/chat', false],
    [undefined, false],
  ])('%p → %p', (url, expected) => {
    expect(isChatCompletionsPath(url)).toBe(expected);
  });
});

describe('isOpenAiPath()', () => {
  it.each([
    ['/v1/chat/completions', true],
    ['/v1/models', true],
    ['/v1/models/local?x=1', true],
    ['/v1/embeddings', true],
    ['/v1/responses', true],
    ['/v1/sessions/s1/messages', false],
    ['/V1/Tasks/t1', false],
    ['/v1/users/u1/settings', false],
    ['/v1/admin/audit', false],
    ['/v1', false],
    ['/health', false],
    [undefined, false],
  ])('%p → %p', (url, expected) => {
    expect(isOpenAiPath(url)).toBe(expected);
  });
});
