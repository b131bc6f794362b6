import { WARREN_ERROR_CODES } from '@warren/contracts';
import { ContextTooLongError, ModelRejectedError, ModelUnavailableError } from '../errors/model.errors';
import { FallbackChain, fallsThrough } from './fallback-chain';

const remote = (code: string, retryable = false) => Object.assign(new Error(code), { code, retryable });

describe('FallbackChain', () => {
  it('goes down the chain on retryable errors and timeouts, then is exhausted', () => {
    const chain = new FallbackChain(['a', 'b', 'c']);
    chain.use('a');
    expect(chain.next('a', new ModelUnavailableError('a', 'down'))).toEqual({ endpoint: 'b', why: 'fallback' });
    expect(chain.next('b', remote(WARREN_ERROR_CODES.ASK_TIMEOUT))).toEqual({ endpoint: 'c', why: 'fallback' });
    expect(chain.next('c', remote('WARREN_MODEL_UNAVAILABLE', true))).toBeUndefined();
  });

  it('stops on a refusal: another endpoint would refuse it too', () => {
    expect(new FallbackChain(['a', 'b']).next('a', new ModelRejectedError('a', 'bad request', 400))).toBeUndefined();
    expect(new FallbackChain(['a', 'b']).next('a', remote(WARREN_ERROR_CODES.CANCELLED, true))).toBeUndefined();
  });

  it('on WARREN_CONTEXT_TOO_LONG goes to the smallest larger window, in the chain first', () => {
    const windows = { a: 4000, b: 2000, c: 32000, d: 16000, e: 128000 };
    const chain = new FallbackChain(['a', 'b', 'c'], windows);
    expect(chain.next('a', new ContextTooLongError('a', 5000, 4000))).toEqual({ endpoint: 'c', why: 'larger-context' });
    expect(chain.next('c', remote('WARREN_CONTEXT_TOO_LONG'))).toEqual({ endpoint: 'e', why: 'larger-context' });
    expect(chain.next('e', remote('WARREN_CONTEXT_TOO_LONG'))).toBeUndefined();
  });

  it('takes the failed window from the error when not configured', () => {
    const chain = new FallbackChain(['small', 'big'], { big: 10000 });
    expect(chain.next('small', new ContextTooLongError('small', 9000, 8192))).toEqual({ endpoint: 'big', why: 'larger-context' });
    expect(new FallbackChain(['small', 'tiny'], { tiny: 100 }).next('small', new ContextTooLongError('small', 9000, 8192))).toBeUndefined();
  });

  it('fallsThrough()', () => {
    expect(fallsThrough(remote(WARREN_ERROR_CODES.NO_ROUTE))).toBe(true);
    expect(fallsThrough(remote('WARREN_SOMETHING', true))).toBe(true);
    expect(fallsThrough(new Error('plain'))).toBe(false);
  });
});
