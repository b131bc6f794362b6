import { fromWireError, RemoteError, toWireError, WARREN_ERROR_CODES, WarrenError, WarrenRuntimeError } from '@warren/contracts';
import * as models from '../index';
import { ContextTooLongError, ModelEndpointError, ModelRejectedError, ModelUnavailableError } from '../index';

type ErrorClass = new (...args: never[]) => WarrenError;

/** Plausible constructor arguments per exported error class; a new class must be added here. */
const ARGS: Record<string, unknown[]> = {
  ModelUnavailableError: ['gpt4o', 'HTTP 503'],
  ModelRejectedError: ['gpt4o', 'content policy', 400],
  ContextTooLongError: ['local', 9000, 8192],
};

const exported = Object.entries(models as Record<string, unknown>).filter(
  (entry): entry is [string, ErrorClass] => typeof entry[1] === 'function' && entry[1].prototype instanceof WarrenError,
);
const concrete = exported.filter(([name]) => name !== 'ModelEndpointError');

describe('model endpoint errors', () => {
  it('every error class exported from @warren/models has test arguments here', () => {
    expect(concrete.map(([name]) => name).sort()).toEqual(Object.keys(ARGS).sort());
  });

  it.each(concrete)('new %s(...) is a ModelEndpointError and a WarrenRuntimeError with a model code and the endpoint', (name, cls) => {
    const err = new cls(...(ARGS[name] as never[]));
    expect(err).toBeInstanceOf(ModelEndpointError);
    expect(err).toBeInstanceOf(WarrenRuntimeError);
    expect(err.name).toBe(name);
    expect([WARREN_ERROR_CODES.MODEL_UNAVAILABLE, WARREN_ERROR_CODES.MODEL_REJECTED, WARREN_ERROR_CODES.CONTEXT_TOO_LONG]).toContain(
      err.code,
    );
    expect((err as ModelEndpointError).endpoint).toBe(ARGS[name]?.[0]);
    expect(err.message).toContain(String(ARGS[name]?.[0]));
  });

  it('codes are stable: WARREN_MODEL_UNAVAILABLE (retryable), WARREN_MODEL_REJECTED and WARREN_CONTEXT_TOO_LONG (fatal)', () => {
    expect(new ModelUnavailableError('a', 'down')).toMatchObject({ code: 'WARREN_MODEL_UNAVAILABLE', retryable: true });
    expect(new ModelUnavailableError('a', 'no such endpoint', { retryable: false }).retryable).toBe(false);
    expect(new ModelRejectedError('a', 'bad request', 400)).toMatchObject({ code: 'WARREN_MODEL_REJECTED', retryable: false, status: 400 });
    expect(new ContextTooLongError('a', 10, 5)).toMatchObject({
      code: 'WARREN_CONTEXT_TOO_LONG',
      retryable: false,
      promptTokens: 10,
      contextWindow: 5,
    });
  });

  it('ModelUnavailableError keeps its cause', () => {
    const cause = new Error('ECONNREFUSED');
    expect(new ModelUnavailableError('a', 'down', { cause }).cause).toBe(cause);
  });

  it('toWireError() carries the code, retryable and typed fields as details; fromWireError() keeps them', () => {
    const wire = JSON.parse(JSON.stringify(toWireError(new ContextTooLongError('local', 9000, 8192))));
    expect(wire).toMatchObject({
      code: 'WARREN_CONTEXT_TOO_LONG',
      name: 'ContextTooLongError',
      retryable: false,
      details: { endpoint: 'local', promptTokens: 9000, contextWindow: 8192 },
    });
    const back = fromWireError(wire);
    expect(back).toBeInstanceOf(RemoteError);
    expect(back).toMatchObject({ code: 'WARREN_CONTEXT_TOO_LONG', remoteName: 'ContextTooLongError', retryable: false });
  });
});
