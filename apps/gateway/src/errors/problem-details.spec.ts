import { NotFoundException } from '@nestjs/common';
import { InvalidMessageError, RateLimitedError, WARREN_ERROR_CODES } from '@warren/contracts';
import { toHttpError } from './http-error';
import { PROBLEM_CODES, problemTypeOf, toProblemDetails } from './problem-details';

describe('toProblemDetails()', () => {
  it('is an RFC 9457 body: type per code, title, status, detail, instance, with code and fields as extensions', () => {
    const err = new InvalidMessageError('text too long', [{ field: 'text', constraints: ['at most 10 characters'] }]);
    expect(toProblemDetails(toHttpError(err), '/v1/sessions/s1/messages')).toEqual({
      type: 'urn:warren:problem:invalid-message',
      title: 'Invalid request',
      status: 400,
      detail: 'text too long',
      instance: '/v1/sessions/s1/messages',
      code: 'WARREN_INVALID_MESSAGE',
      fields: [{ field: 'text', constraints: ['at most 10 characters'] }],
    });
  });

  it('gives every problem of one code the same type and title, whatever its detail', () => {
    const a = toProblemDetails(toHttpError(new RateLimitedError('limiter/dev', 1000)));
    const b = toProblemDetails(toHttpError(new RateLimitedError('limiter/acme', 9000)));
    expect([a.type, a.title]).toEqual([b.type, b.title]);
    expect(a).toMatchObject({ type: 'urn:warren:problem:rate-limited', title: 'Rate limited', status: 429 });
  });

  it("answers Nest's own exceptions (an unknown path) with the status phrase as title", () => {
    expect(toProblemDetails(toHttpError(new NotFoundException('Cannot GET /nope')), '/nope')).toEqual({
      type: 'urn:warren:problem:not-found',
      title: 'Not found',
      status: 404,
      detail: 'Cannot GET /nope',
      instance: '/nope',
      code: 'WARREN_NOT_FOUND',
    });
  });

  it('lists every code of the wire contract and of the model endpoints, once', () => {
    expect(PROBLEM_CODES).toEqual(Object.values(WARREN_ERROR_CODES));
    expect(new Set(PROBLEM_CODES).size).toBe(PROBLEM_CODES.length);
    expect(problemTypeOf('WARREN_MODEL_UNAVAILABLE')).toBe('urn:warren:problem:model-unavailable');
  });
});
