import { hostname } from 'node:os';
import { InvalidOptionsError } from '@warren/contracts';
import { AMQP_DEFAULTS, type AmqpTransportOptions, maskUrl, resolveAmqpOptions } from './amqp-options';

const rejection = (raw: unknown): InvalidOptionsError => {
  try {
    resolveAmqpOptions(raw as Partial<AmqpTransportOptions>);
  } catch (error) {
    expect(error).toBeInstanceOf(InvalidOptionsError);
    return error as InvalidOptionsError;
  }
  throw new Error('expected resolveAmqpOptions to throw');
};

describe('resolveAmqpOptions()', () => {
  it('resolveAmqpOptions() with nothing returns the documented defaults and a <hostname>-<pid> node id', () => {
    expect(resolveAmqpOptions()).toEqual({
      url: 'amqp://localhost',
      nodeId: `${hostname()}-${process.pid}`,
      shardCount: 16,
      shardPrefetch: 256,
      workerPrefetch: 16,
      deliveryLimit: 20,
      workerRetryTiersMs: [1000, 5000, 30000],
      connectRetries: 3,
      heartbeatSeconds: 5,
      publishTimeoutMs: 10_000,
      connectTimeoutMs: 10_000,
      operationTimeoutMs: 30_000,
      closeTimeoutMs: 5_000,
      setupTimeoutMs: 60_000,
      requestPools: ['model', 'chat', 'embedding', 'tool'],
    });
  });

  it('resolveAmqpOptions() keeps given values, treats undefined as not given and keeps heartbeatSeconds 0', () => {
    const o = resolveAmqpOptions({
      url: 'amqps://u:p@broker:5671/prod',
      nodeId: 'node-1',
      shardCount: 4,
      heartbeatSeconds: 0,
      deliveryLimit: undefined,
    });
    expect(o).toMatchObject({
      url: 'amqps://u:p@broker:5671/prod',
      nodeId: 'node-1',
      shardCount: 4,
      heartbeatSeconds: 0,
      deliveryLimit: 20,
    });
  });

  it('resolveAmqpOptions() accepts an empty list of worker retry tiers', () => {
    expect(resolveAmqpOptions({ workerRetryTiersMs: [] }).workerRetryTiersMs).toEqual([]);
  });

  it('resolveAmqpOptions() refuses an unknown key and names it', () => {
    const err = rejection({ shards: 4 });
    expect(err.key).toBe('shards');
    expect(err.code).toBe('WARREN_INVALID_OPTIONS');
    expect(err.message).toBe('shards: is not an AMQP transport option');
  });

  it.each(['http://localhost', 'localhost:5672', '', 'amqp:/localhost'])('resolveAmqpOptions() refuses url %p', (url) => {
    expect(rejection({ url }).key).toBe('url');
  });

  it('resolveAmqpOptions() hides the password of a bad url in its error', () => {
    const err = rejection({ url: 'http://admin:s3cret@broker' });
    expect(err.message).not.toContain('s3cret');
    expect(err.message).toContain('http://admin:***@broker');
  });

  it.each(['', 'node 1', 'node/1', 'n'.repeat(101)])('resolveAmqpOptions() refuses nodeId %p', (nodeId) => {
    expect(rejection({ nodeId }).key).toBe('nodeId');
  });

  it.each([
    ['shardCount', 0],
    ['shardCount', 1025],
    ['shardCount', 2.5],
    ['shardCount', Number.NaN],
    ['shardPrefetch', 0],
    ['shardPrefetch', 65536],
    ['workerPrefetch', -1],
    ['deliveryLimit', 0],
    ['deliveryLimit', 1001],
    ['connectRetries', 0],
    ['publishTimeoutMs', 0],
  ])('resolveAmqpOptions() refuses %s = %p and names the key', (key, value) => {
    const err = rejection({ [key]: value });
    expect(err.key).toBe(key);
    expect(err.message).toMatch(new RegExp(`^${key}: must be an integer in 1\\.\\.\\d+ \\(got ${value}\\)$`));
  });

  it.each([
    ['shardCount', 1],
    ['shardCount', 1024],
    ['shardPrefetch', 65535],
    ['deliveryLimit', 1000],
  ])('resolveAmqpOptions() accepts the bound %s = %p', (key, value) => {
    expect(resolveAmqpOptions({ [key]: value })[key as keyof AmqpTransportOptions]).toBe(value);
  });

  it.each([-1, 1.5])('resolveAmqpOptions() refuses heartbeatSeconds %p', (heartbeatSeconds) => {
    expect(rejection({ heartbeatSeconds }).key).toBe('heartbeatSeconds');
  });

  it('resolveAmqpOptions() names the index of a bad worker retry tier', () => {
    expect(rejection({ workerRetryTiersMs: [1000, 0, 3000] }).key).toBe('workerRetryTiersMs[1]');
  });

  // Regression (amqp-options.ts, AMQP_DEFAULTS / resolveAmqpOptions): Object.freeze is shallow and
  // the spread used to copy the default workerRetryTiersMs array by reference, so mutating a
  // resolved option changed the defaults of every later resolveAmqpOptions() call.
  test('resolveAmqpOptions() does not share the default workerRetryTiersMs array with its result', () => {
    const list = resolveAmqpOptions().workerRetryTiersMs;
    let pushed = false;
    try {
      list.push(99);
      pushed = true;
    } catch {
      // a frozen list is fine too
    }
    try {
      expect(AMQP_DEFAULTS.workerRetryTiersMs).toEqual([1000, 5000, 30000]);
    } finally {
      if (pushed) list.pop(); // leave the shared defaults as they were for the other tests
    }
  });
});

describe('maskUrl()', () => {
  it('maskUrl() hides the password and keeps user, host, port and vhost', () => {
    expect(maskUrl('amqp://guest:guest@127.0.0.1:5672/warren')).toBe('amqp://guest:***@127.0.0.1:5672/warren');
    expect(maskUrl('amqps://svc:p%40ss%2Fw0rd@broker.example.com/prod')).toBe('amqps://svc:***@broker.example.com/prod');
  });

  it.each(['amqp://localhost', 'amqp://localhost:5672/vhost', 'amqp://user@localhost'])(
    'maskUrl(%p) leaves a url without password as it is',
    (url) => {
      expect(maskUrl(url)).toBe(url);
    },
  );

  // Regression (amqp-options.ts, maskUrl): the pattern `(\/\/[^:/@]+:)[^@]*@` stopped at the first
  // "@" and needed a non-empty user, but amqplib parses the URL with WHATWG `new URL()`, which takes
  // the last "@" and allows an empty user: the connect error printed by connection-manager.ts leaked
  // (part of) the password.
  test.each([
    ['amqp://u:p@ss@broker/v', 'ss'],
    ['amqp://:s3cret@broker/v', 's3cret'],
  ])('maskUrl(%p) hides every character of a password that amqplib would accept', (url, secret) => {
    expect(maskUrl(url)).not.toContain(secret);
  });
});
