import * as contracts from '../index';
import {
  ActorOverloadedError,
  AskTimeoutError,
  CancelledError,
  fromWireError,
  InvalidMessageError,
  InvalidOptionsError,
  RemoteError,
  StateConflictError,
  toWireError,
  UnknownActorTypeError,
  UnknownMessageTypeError,
  WARREN_ERROR_CODES,
  WarrenApiError,
  WarrenError,
  WarrenRuntimeError,
  type WireError,
} from '../index';

type ErrorClass = new (...args: never[]) => WarrenError;

/** Plausible constructor arguments per exported error class; a new class must be added here. */
const ARGS: Record<string, unknown[]> = {
  WarrenError: ['something failed'],
  WarrenApiError: ['misuse'],
  WarrenRuntimeError: ['run-time failure'],
  RemoteError: ['TypeError', 'x is undefined', WARREN_ERROR_CODES.HANDLER_FAILED, true],
  InvalidOptionsError: ['amqp.shardCount', 'must not be less than 1'],
  InvalidAddressError: ['counter', 'expected "<type>/<key>"'],
  InvalidMessageError: ['Add is invalid', [{ field: 'by', constraints: ['must be an integer'] }]],
  UnknownActorTypeError: ['counter'],
  UnknownMessageTypeError: ['counter', 'demo.counter.sub'],
  AskTimeoutError: ['counter/c1', 'demo.counter.add', 250],
  ActorOverloadedError: ['counter/c1', 64],
  BrokerUnavailableError: ['no broker at amqp://localhost'],
  ConnectionLostError: [],
  ActivationLostError: ['session/t~s1'],
  PublishRejectedError: ['warren.actors.counter', 'c1'],
  NoRouteError: ['warren.workers', 'model.gpt'],
  StateConflictError: ['counter/c1', 3],
  StoreUnavailableError: ['store down'],
  EmbeddedStoreElsewhereError: ['/var/lib/warren', 'machine-a', 'machine-b'],
  DocumentTooLargeError: ['history', 20_000_000, 16_000_000],
  InvalidTransitionError: ['task', 'completed', 'running'],
  NotFoundError: ['task', 't1'],
  CancelledError: [],
  RateLimitedError: ['limiter/dev', 1500],
  BudgetExceededError: ['limiter/dev', 'daily', 1000, 990, '2026-12-02T00:00:00.000Z'],
  UnauthorizedError: [],
  ForbiddenError: [],
  PayloadTooLargeError: [102_400],
  UnsupportedMediaTypeError: ['content-encoding', 'gzip', 'send the body uncompressed'],
  ToolFailedError: ['calendar', 'the calendar is closed'],
  ToolArgumentsError: ['calendar', ['/date must be string']],
  ToolNotAllowedError: ['calendar', 'dev'],
};

const isErrorClass = (value: unknown): value is ErrorClass =>
  typeof value === 'function' && (value === WarrenError || value.prototype instanceof WarrenError);
const errorClasses: [string, ErrorClass][] = Object.entries(contracts as Record<string, unknown>).filter(
  (entry): entry is [string, ErrorClass] => isErrorClass(entry[1]),
);
const codes = new Set<string>(Object.values(WARREN_ERROR_CODES));
const construct = (name: string, cls: ErrorClass): WarrenError => new cls(...(ARGS[name] as never[]));
const overTheWire = (err: unknown): WireError => JSON.parse(JSON.stringify(toWireError(err))) as WireError;

describe('Warren error classes', () => {
  it('every WarrenError subclass exported from @warren/contracts has plausible test arguments here', () => {
    expect(errorClasses.length).toBeGreaterThanOrEqual(20);
    expect(errorClasses.map(([name]) => name).sort()).toEqual(Object.keys(ARGS).sort());
  });

  it.each(errorClasses)('new %s(...) has a WARREN_* code from WARREN_ERROR_CODES, its class name and a message', (name, cls) => {
    const err = construct(name, cls);
    expect(err).toBeInstanceOf(Error);
    expect(err).toBeInstanceOf(WarrenError);
    expect(err).toBeInstanceOf(cls);
    expect(err.name).toBe(name);
    expect(err.code).toMatch(/^WARREN_/);
    expect(codes.has(err.code)).toBe(true);
    expect(typeof err.retryable).toBe('boolean');
    expect(err.message.length).toBeGreaterThan(0);
    expect(err.stack).toContain(name);
  });

  it.each(errorClasses.filter(([, cls]) => cls.prototype instanceof WarrenApiError))(
    '%s is a WarrenApiError and never retryable',
    (name, cls) => {
      const err = construct(name, cls);
      expect(err).toBeInstanceOf(WarrenApiError);
      expect(err).not.toBeInstanceOf(WarrenRuntimeError);
      expect(err.retryable).toBe(false);
    },
  );

  it('WarrenApiError / WarrenRuntimeError split: misuse is API, run-time failures are runtime', () => {
    const api = [
      'InvalidOptionsError',
      'InvalidAddressError',
      'InvalidMessageError',
      'UnknownActorTypeError',
      'UnknownMessageTypeError',
      'PayloadTooLargeError',
      'UnsupportedMediaTypeError',
    ];
    const runtime = [
      'AskTimeoutError',
      'ActorOverloadedError',
      'BrokerUnavailableError',
      'ConnectionLostError',
      'CancelledError',
      'RemoteError',
    ];
    for (const name of api)
      expect(construct(name, (contracts as unknown as Record<string, ErrorClass>)[name])).toBeInstanceOf(WarrenApiError);
    for (const name of runtime) {
      expect(construct(name, (contracts as unknown as Record<string, ErrorClass>)[name])).toBeInstanceOf(WarrenRuntimeError);
    }
    expect(new AskTimeoutError('a/b', 'x.y', 1)).not.toBeInstanceOf(WarrenApiError);
    expect(new InvalidMessageError('bad')).not.toBeInstanceOf(WarrenRuntimeError);
  });

  it('WarrenError keeps the cause and defaults to WARREN_INTERNAL, not retryable', () => {
    const cause = new Error('root');
    const err = new WarrenRuntimeError('wrapped', undefined, { cause, retryable: true });
    expect(err.cause).toBe(cause);
    expect(err.code).toBe('WARREN_INTERNAL');
    expect(err.retryable).toBe(true);
    expect(new WarrenError('x').retryable).toBe(false);
  });

  it('UnsupportedMediaTypeError names the header and its value, or says it is missing', () => {
    expect(new contracts.UnsupportedMediaTypeError('charset', 'latin1', 'UTF-8 only').message).toBe(
      'charset "latin1" is not supported: UTF-8 only',
    );
    expect(new contracts.UnsupportedMediaTypeError('content-type', '', 'send JSON').message).toBe(
      'a request body without a content-type is not read: send JSON',
    );
    expect(new contracts.PayloadTooLargeError(1024)).toMatchObject({ limitBytes: 1024, code: 'WARREN_PAYLOAD_TOO_LARGE' });
  });

  it('InvalidOptionsError names the key in its message and accepts WARREN_INVALID_CONFIG', () => {
    const err = new InvalidOptionsError('amqp.shardCount', 'must not be less than 1', WARREN_ERROR_CODES.INVALID_CONFIG);
    expect(err.message).toBe('amqp.shardCount: must not be less than 1');
    expect(err.key).toBe('amqp.shardCount');
    expect(err.code).toBe('WARREN_INVALID_CONFIG');
  });
});

describe('toWireError() / fromWireError()', () => {
  it('fromWireError(toWireError()) rebuilds AskTimeoutError with its address, message type and timeoutMs', () => {
    const original = new AskTimeoutError('counter/c1', 'demo.counter.add', 250);
    const wire = overTheWire(original);
    expect(wire).toMatchObject({
      code: 'WARREN_ASK_TIMEOUT',
      name: 'AskTimeoutError',
      retryable: true,
      details: { address: 'counter/c1', messageType: 'demo.counter.add', timeoutMs: 250 },
    });
    const back = fromWireError(wire);
    expect(back).toBeInstanceOf(AskTimeoutError);
    expect(back).toMatchObject({ address: 'counter/c1', messageType: 'demo.counter.add', timeoutMs: 250, message: original.message });
    expect(back.retryable).toBe(true);
  });

  it('fromWireError(toWireError()) rebuilds ActorOverloadedError with address and mailbox size', () => {
    const back = fromWireError(overTheWire(new ActorOverloadedError('session/acme~s1', 64)));
    expect(back).toBeInstanceOf(ActorOverloadedError);
    expect(back).toMatchObject({ code: 'WARREN_ACTOR_OVERLOADED', address: 'session/acme~s1', mailboxSize: 64, retryable: true });
    expect(back.message).toBe('actor session/acme~s1 is overloaded (mailbox of 64 is full)');
  });

  it('fromWireError(toWireError()) rebuilds InvalidMessageError with its violations', () => {
    const violations = [{ field: 'caller.id', constraints: ['must be a string', 'must not be empty'] }];
    const back = fromWireError(overTheWire(new InvalidMessageError('Call is invalid', violations)));
    expect(back).toBeInstanceOf(InvalidMessageError);
    expect((back as InvalidMessageError).violations).toEqual(violations);
    expect(back.message).toBe('Call is invalid');
    expect(back.retryable).toBe(false);
  });

  it('fromWireError(toWireError()) rebuilds CancelledError with its message', () => {
    const back = fromWireError(overTheWire(new CancelledError('interrupted by the user')));
    expect(back).toBeInstanceOf(CancelledError);
    expect(back.code).toBe('WARREN_CANCELLED');
    expect(back.message).toBe('interrupted by the user');
  });

  it('fromWireError(toWireError()) rebuilds RateLimitedError with its scope and retryAfterMs', () => {
    const back = fromWireError(overTheWire(new contracts.RateLimitedError('limiter/dev', 1500)));
    expect(back).toBeInstanceOf(contracts.RateLimitedError);
    expect(back).toMatchObject({ code: 'WARREN_RATE_LIMITED', scope: 'limiter/dev', retryAfterMs: 1500, retryable: true });
  });

  it('fromWireError(toWireError()) rebuilds BudgetExceededError with its period, limit, usage and reset time', () => {
    const back = fromWireError(
      overTheWire(new contracts.BudgetExceededError('limiter/dev', 'monthly', 1000, 990, '2027-01-01T00:00:00.000Z')),
    );
    expect(back).toBeInstanceOf(contracts.BudgetExceededError);
    expect(back).toMatchObject({
      code: 'WARREN_BUDGET_EXCEEDED',
      scope: 'limiter/dev',
      period: 'monthly',
      limit: 1000,
      used: 990,
      resetsAt: '2027-01-01T00:00:00.000Z',
      retryable: false,
    });
  });

  it('fromWireError(toWireError()) rebuilds UnknownActorTypeError and UnknownMessageTypeError', () => {
    expect(fromWireError(overTheWire(new UnknownActorTypeError('counter')))).toMatchObject({ actorType: 'counter' });
    expect(fromWireError(overTheWire(new UnknownActorTypeError('counter')))).toBeInstanceOf(UnknownActorTypeError);
    const back = fromWireError(overTheWire(new UnknownMessageTypeError('counter', 'demo.counter.sub')));
    expect(back).toBeInstanceOf(UnknownMessageTypeError);
    expect(back).toMatchObject({ actorType: 'counter', messageType: 'demo.counter.sub' });
  });

  it('fromWireError() tolerates a well-known code without details', () => {
    const back = fromWireError({ code: 'WARREN_ASK_TIMEOUT', name: 'AskTimeoutError', message: 'late', retryable: true });
    expect(back).toBeInstanceOf(AskTimeoutError);
    expect(back.message).toBe('late');
    expect((back as AskTimeoutError).timeoutMs).toBe(0);
  });

  it('fromWireError() gives a RemoteError with the same code, name, retryable and details for other codes', () => {
    const back = fromWireError(overTheWire(new StateConflictError('counter/c1', 3)));
    expect(back).toBeInstanceOf(RemoteError);
    expect(back).toBeInstanceOf(WarrenRuntimeError);
    expect(back).toMatchObject({
      code: 'WARREN_STATE_CONFLICT',
      remoteName: 'StateConflictError',
      retryable: true,
      message: 'state of counter/c1 is no longer at version 3',
      details: { address: 'counter/c1', expectedVersion: 3 },
    });
  });

  it('fromWireError() keeps an application code it does not know', () => {
    const back = fromWireError({ code: 'ACME_QUOTA', name: 'QuotaError', message: 'over quota', retryable: false });
    expect(back).toBeInstanceOf(RemoteError);
    expect(back).toMatchObject({ code: 'ACME_QUOTA', remoteName: 'QuotaError', retryable: false });
  });

  it('toWireError() turns a plain Error into WARREN_HANDLER_FAILED, retryable, keeping its name and message', () => {
    const wire = toWireError(new TypeError('x is undefined'));
    expect(wire).toMatchObject({ code: 'WARREN_HANDLER_FAILED', name: 'TypeError', message: 'x is undefined', retryable: true });
    expect(wire.details).toBeUndefined();
    const back = fromWireError(wire);
    expect(back).toBeInstanceOf(RemoteError);
    expect(back).toMatchObject({ code: 'WARREN_HANDLER_FAILED', remoteName: 'TypeError', retryable: true });
  });

  it('toWireError() turns a thrown non-Error into WARREN_HANDLER_FAILED with its string form', () => {
    expect(toWireError('boom')).toEqual({ code: 'WARREN_HANDLER_FAILED', name: 'Error', message: 'boom', retryable: true });
    expect(toWireError(undefined).message).toBe('undefined');
  });

  it('toWireError() leaves out details when an error has no context fields', () => {
    expect('details' in toWireError(new CancelledError())).toBe(false);
    expect('details' in toWireError(new WarrenError('x'))).toBe(false);
  });

  it('toWireError() keeps the stack head to a few lines starting with the error line', () => {
    const deep = (n: number): Error => (n === 0 ? new Error('deep') : deep(n - 1));
    for (const err of [deep(20), new AskTimeoutError('a/b', 'x.y', 1)]) {
      const head = toWireError(err).stackHead as string;
      expect(head.split('\n').length).toBeLessThanOrEqual(6);
      expect(head.split('\n').length).toBeGreaterThan(1);
      expect(head.startsWith(`${err.name}: ${err.message}`)).toBe(true);
      expect((err.stack as string).startsWith(head)).toBe(true);
    }
  });

  it('toWireError() gives no stack head for an error without a stack', () => {
    const err = new Error('no stack');
    err.stack = undefined;
    expect(toWireError(err).stackHead).toBeUndefined();
  });

  // Regression (error-wire.ts, toWireError): a RemoteError that is passed on (a handler awaits an ask
  // and rethrows its failure) was serialised with name 'RemoteError' instead of its remoteName, and
  // with details { remoteName, details: {...} } instead of the remote details, so after two hops the
  // asker (and x-warren-error `class`) no longer saw the original class or its context fields.
  test('toWireError() of a RemoteError keeps the remote name and details over a second hop', () => {
    const first = overTheWire(new StateConflictError('counter/c1', 3));
    const second = overTheWire(fromWireError(first));
    expect(second.name).toBe('StateConflictError');
    expect(second.details).toEqual({ address: 'counter/c1', expectedVersion: 3 });
  });
});
