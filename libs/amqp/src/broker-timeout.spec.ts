import { BrokerUnavailableError } from '@warren/contracts';
import { BrokerTimeoutError, withTimeout } from './broker-timeout';

describe('withTimeout()', () => {
  it('withTimeout() resolves with the operation when it answers in time', async () => {
    await expect(withTimeout(Promise.resolve(42), 1000, 'queue.declare q')).resolves.toBe(42);
  });

  it('withTimeout() rejects with BrokerTimeoutError (code WARREN_BROKER_UNAVAILABLE) after timeoutMs and calls onTimeout first', async () => {
    const seen: string[] = [];
    const never = new Promise<never>(() => undefined);
    const error = await withTimeout(never, 20, 'basic.consume warren.session.shard.0', (e) => seen.push(e.operation)).catch((e) => e);
    expect(error).toBeInstanceOf(BrokerTimeoutError);
    expect(error).toBeInstanceOf(BrokerUnavailableError);
    expect(error).toMatchObject({
      code: 'WARREN_BROKER_UNAVAILABLE',
      retryable: true,
      operation: 'basic.consume warren.session.shard.0',
      timeoutMs: 20,
      message: 'RabbitMQ did not answer basic.consume warren.session.shard.0 within 20 ms',
    });
    expect(seen).toEqual(['basic.consume warren.session.shard.0']);
  });

  it('withTimeout() passes the operation error through and swallows a late one', async () => {
    await expect(withTimeout(Promise.reject(new Error('boom')), 1000, 'x')).rejects.toThrow('boom');
    let fail: (e: Error) => void = () => undefined;
    const late = new Promise<never>((_, reject) => (fail = reject));
    await expect(withTimeout(late, 10, 'x')).rejects.toBeInstanceOf(BrokerTimeoutError);
    fail(new Error('too late')); // must not surface as an unhandled rejection
  });
});
