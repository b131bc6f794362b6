import { InvalidOptionsError } from '@warren/contracts';
import { resolveWarrenConfig } from './resolve-config';

const reject = (raw: unknown): string => {
  try {
    resolveWarrenConfig(raw, { file: 'test.yaml' });
  } catch (error) {
    expect(error).toBeInstanceOf(InvalidOptionsError);
    return (error as Error).message;
  }
  throw new Error('expected resolveWarrenConfig to throw');
};

describe('resolveWarrenConfig()', () => {
  it('resolveWarrenConfig() fills defaults per key, keeping the keys given', () => {
    const config = resolveWarrenConfig({ runtime: { askTimeoutMs: 1 }, amqp: null, log: { level: null } });
    expect(config.runtime.askTimeoutMs).toBe(1);
    expect(config.runtime.mailboxCapacity).toBe(64);
    expect(config.amqp.shardCount).toBe(16);
    expect(config.log.level).toBe('info');
  });

  it('resolveWarrenConfig() keeps a deliberate 0 where 0 is allowed', () => {
    const config = resolveWarrenConfig({ amqp: { heartbeatSeconds: 0 }, gateway: { port: 0 }, runtime: { drainTimeoutMs: 0 } });
    expect([config.amqp.heartbeatSeconds, config.gateway.port, config.runtime.drainTimeoutMs]).toEqual([0, 0, 0]);
  });

  it('resolveWarrenConfig() returns a deeply frozen plain object', () => {
    const config = resolveWarrenConfig({});
    expect(Object.isFrozen(config.runtime.workerRetryTiersMs)).toBe(true);
    expect(() => {
      (config.gateway as { port: number }).port = 1;
    }).toThrow(TypeError);
    expect(Object.getPrototypeOf(config.amqp)).toBe(Object.prototype);
  });

  it('resolveWarrenConfig() is idempotent on its own output', () => {
    const config = resolveWarrenConfig({ runtime: { nodeId: 'n1' } });
    expect(resolveWarrenConfig(config)).toEqual(config);
  });

  it('resolveWarrenConfig() reports the type, not the ranges, of a wrong-typed value', () => {
    expect(reject({ amqp: { shardCount: '16' } })).toBe('amqp.shardCount: must be an integer number (got "16") in test.yaml');
    expect(reject({ amqp: { shardCount: 2000 } })).toBe('amqp.shardCount: must not be greater than 1024 (got 2000) in test.yaml');
  });

  it('resolveWarrenConfig() refuses a section that is not a mapping', () => {
    expect(reject({ amqp: 'amqp://x' })).toBe('amqp: must be an object (got "amqp://x") in test.yaml');
    expect(reject([1])).toMatch(/^config: must be a mapping of sections/);
  });

  it('resolveWarrenConfig() checks each element of the retry arrays', () => {
    expect(reject({ runtime: { workerRetryTiersMs: [1000, -1] } })).toBe(
      'runtime.workerRetryTiersMs: each value must not be less than 1 (got [1000,-1]) in test.yaml',
    );
    expect(reject({ runtime: { workerRetryTiersMs: [1000, 1000] } })).toMatch(
      /^runtime\.workerRetryTiersMs: All workerRetryTiersMs's elements must be unique/,
    );
  });

  it('resolveWarrenConfig() refuses log levels pino does not have', () => {
    expect(reject({ log: { level: 'verbose' } })).toBe(
      'log.level: must be one of trace, debug, info, warn, error, fatal, silent (got "verbose") in test.yaml',
    );
  });

  it('resolveWarrenConfig() lists every violation, the first one as the key', () => {
    let error: InvalidOptionsError | undefined;
    try {
      resolveWarrenConfig({ amqp: { shardCount: 0 }, gateway: { port: -1 } }, { file: 'test.yaml' });
    } catch (e) {
      error = e as InvalidOptionsError;
    }
    expect(error?.key).toBe('amqp.shardCount');
    expect(error?.message).toBe(
      'amqp.shardCount: must not be less than 1 (got 0) in test.yaml; gateway.port: must not be less than 0 (got -1) in test.yaml',
    );
  });

  it('resolveWarrenConfig() validates runtime.nodeId and computes it when unset', () => {
    expect(reject({ runtime: { nodeId: 'a b' } })).toMatch(/^runtime\.nodeId: must be 1 to 128 letters/);
    expect(resolveWarrenConfig({}).runtime.nodeId).toMatch(/-\d+$/);
  });

  it('resolveWarrenConfig() validates the store URL', () => {
    expect(reject({ store: { mongoUrl: 'localhost:27017' } })).toMatch(/^store\.mongoUrl: must be a mongodb:\/\/ or mongodb\+srv:\/\/ URL/);
  });
});
