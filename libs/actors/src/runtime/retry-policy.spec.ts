import {
  AskTimeoutError,
  CancelledError,
  InvalidMessageError,
  InvalidOptionsError,
  UnknownMessageTypeError,
  WarrenRuntimeError,
} from '@warren/contracts';
import { decideRetry, isRetryable, type RetryPolicyOptions } from './retry-policy';

const policy: RetryPolicyOptions = { entityBackoffMs: [50, 250, 1000], workerTiersMs: [1000, 5000, 30000] };

describe('isRetryable()', () => {
  it('isRetryable() is true for a plain Error and for a thrown non-Error', () => {
    expect(isRetryable(new Error('boom'))).toBe(true);
    expect(isRetryable('boom')).toBe(true);
    expect(isRetryable(undefined)).toBe(true);
  });

  it('isRetryable() is false for API errors (invalid message, unknown message type, bad options)', () => {
    expect(isRetryable(new InvalidMessageError('bad'))).toBe(false);
    expect(isRetryable(new UnknownMessageTypeError('counter', 'demo.x.y'))).toBe(false);
    expect(isRetryable(new InvalidOptionsError('k', 'bad'))).toBe(false);
  });

  it('isRetryable() follows the retryable flag of a WarrenRuntimeError', () => {
    expect(isRetryable(new WarrenRuntimeError('transient', 'WARREN_INTERNAL', { retryable: true }))).toBe(true);
    expect(isRetryable(new WarrenRuntimeError('permanent', 'WARREN_INTERNAL', { retryable: false }))).toBe(false);
    expect(isRetryable(new WarrenRuntimeError('default'))).toBe(false);
    expect(isRetryable(new AskTimeoutError('counter/c1', 'demo.counter.add', 10))).toBe(true);
    expect(isRetryable(new CancelledError())).toBe(false);
  });
});

describe('decideRetry()', () => {
  it('decideRetry() retries an entity in place with the backoff of each attempt, then dead-letters attempts-exhausted', () => {
    const err = new Error('boom');
    expect(decideRetry(policy, 'entity', 1, err)).toEqual({ action: 'retry-in-place', delayMs: 50 });
    expect(decideRetry(policy, 'entity', 2, err)).toEqual({ action: 'retry-in-place', delayMs: 250 });
    expect(decideRetry(policy, 'entity', 3, err)).toEqual({ action: 'retry-in-place', delayMs: 1000 });
    expect(decideRetry(policy, 'entity', 4, err)).toEqual({ action: 'dead-letter', reason: 'attempts-exhausted' });
    expect(decideRetry(policy, 'entity', 10, err)).toEqual({ action: 'dead-letter', reason: 'attempts-exhausted' });
  });

  it('decideRetry() sends a worker through its retry tiers, then dead-letters attempts-exhausted', () => {
    const err = new Error('boom');
    expect(decideRetry(policy, 'worker', 1, err)).toEqual({ action: 'retry-later', delayMs: 1000 });
    expect(decideRetry(policy, 'worker', 2, err)).toEqual({ action: 'retry-later', delayMs: 5000 });
    expect(decideRetry(policy, 'worker', 3, err)).toEqual({ action: 'retry-later', delayMs: 30000 });
    expect(decideRetry(policy, 'worker', 4, err)).toEqual({ action: 'dead-letter', reason: 'attempts-exhausted' });
  });

  it('decideRetry() keeps a 0 ms backoff as a retry, not as exhaustion', () => {
    expect(decideRetry({ entityBackoffMs: [0], workerTiersMs: [] }, 'entity', 1, new Error('x'))).toEqual({
      action: 'retry-in-place',
      delayMs: 0,
    });
  });

  it('decideRetry() dead-letters at once when there are no delays configured', () => {
    const none: RetryPolicyOptions = { entityBackoffMs: [], workerTiersMs: [] };
    expect(decideRetry(none, 'entity', 1, new Error('x'))).toEqual({ action: 'dead-letter', reason: 'attempts-exhausted' });
    expect(decideRetry(none, 'worker', 1, new Error('x'))).toEqual({ action: 'dead-letter', reason: 'attempts-exhausted' });
  });

  it.each([
    ['InvalidMessageError', new InvalidMessageError('bad', [{ field: 'by', constraints: ['must be an integer'] }])],
    ['UnknownMessageTypeError', new UnknownMessageTypeError('counter', 'demo.x.y')],
    ['WarrenRuntimeError with retryable false', new WarrenRuntimeError('permanent', 'WARREN_INTERNAL', { retryable: false })],
  ])('decideRetry() dead-letters a non-retryable %s as not-retryable on the first attempt', (_name, err) => {
    expect(decideRetry(policy, 'entity', 1, err)).toEqual({ action: 'dead-letter', reason: 'not-retryable' });
    expect(decideRetry(policy, 'worker', 1, err)).toEqual({ action: 'dead-letter', reason: 'not-retryable' });
  });

  it('decideRetry() retries a retryable WarrenRuntimeError like a plain Error', () => {
    const err = new AskTimeoutError('model/gpt', 'warren.model.complete', 100);
    expect(decideRetry(policy, 'worker', 1, err)).toEqual({ action: 'retry-later', delayMs: 1000 });
    expect(decideRetry(policy, 'entity', 2, err)).toEqual({ action: 'retry-in-place', delayMs: 250 });
  });
});
