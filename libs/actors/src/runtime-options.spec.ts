import { InvalidOptionsError } from '@warren/contracts';
import { RUNTIME_DEFAULTS, type RuntimeOptions, resolveRuntimeOptions } from './runtime-options';

const rejection = (raw: unknown): InvalidOptionsError => {
  try {
    resolveRuntimeOptions(raw as Partial<RuntimeOptions>);
  } catch (error) {
    expect(error).toBeInstanceOf(InvalidOptionsError);
    return error as InvalidOptionsError;
  }
  throw new Error('expected resolveRuntimeOptions to throw');
};

describe('resolveRuntimeOptions()', () => {
  it('resolveRuntimeOptions() with nothing returns the documented defaults', () => {
    expect(resolveRuntimeOptions()).toEqual({
      askTimeoutMs: 10_000,
      drainTimeoutMs: 30_000,
      mailboxCapacity: 64,
      processedWindow: 256,
      passivateAfterMs: 300_000,
      maxActivations: 200_000,
      retry: { entityBackoffMs: [50, 250, 1000], workerTiersMs: [1000, 5000, 30000] },
      cluster: { heartbeatMs: 1000, failureTimeoutMs: 5000, joinWindowMs: 500, maxMovesPerStep: 8 },
    });
    expect(resolveRuntimeOptions({})).toEqual(RUNTIME_DEFAULTS);
  });

  it('resolveRuntimeOptions() validates the cluster options at start: a failure timeout under two heartbeats is refused', () => {
    expect(resolveRuntimeOptions({ cluster: { heartbeatMs: 200 } }).cluster).toEqual({
      heartbeatMs: 200,
      failureTimeoutMs: 5000,
      joinWindowMs: 500,
      maxMovesPerStep: 8,
    });
    expect(rejection({ cluster: { heartbeatMs: 1000, failureTimeoutMs: 1500 } }).message).toMatch(/cluster\.failureTimeoutMs.*twice/);
    expect(rejection({ cluster: { maxMovesPerStep: 0 } }).message).toMatch(/cluster\.maxMovesPerStep/);
    expect(rejection({ cluster: { heartbeat: 5 } }).message).toMatch(/cluster\.heartbeat/);
  });

  it('resolveRuntimeOptions() keeps given values and fills the rest, per retry list too', () => {
    const o = resolveRuntimeOptions({ askTimeoutMs: 5, mailboxCapacity: 2, retry: { entityBackoffMs: [1], workerTiersMs: [2, 3] } });
    expect(o.askTimeoutMs).toBe(5);
    expect(o.mailboxCapacity).toBe(2);
    expect(o.drainTimeoutMs).toBe(30_000);
    expect(o.retry).toEqual({ entityBackoffMs: [1], workerTiersMs: [2, 3] });
    const partial = resolveRuntimeOptions({ retry: { entityBackoffMs: [7] } as RuntimeOptions['retry'] });
    expect(partial.retry).toEqual({ entityBackoffMs: [7], workerTiersMs: [1000, 5000, 30000] });
  });

  it('resolveRuntimeOptions() keeps a deliberate 0 where 0 is allowed (drainTimeoutMs, retry delays, empty retry lists)', () => {
    const o = resolveRuntimeOptions({ drainTimeoutMs: 0, retry: { entityBackoffMs: [0], workerTiersMs: [] } });
    expect(o.drainTimeoutMs).toBe(0);
    expect(o.retry.entityBackoffMs).toEqual([0]);
    expect(o.retry.workerTiersMs).toEqual([]);
  });

  it('resolveRuntimeOptions() treats undefined as not given', () => {
    expect(resolveRuntimeOptions({ askTimeoutMs: undefined }).askTimeoutMs).toBe(10_000);
  });

  it('resolveRuntimeOptions() refuses an unknown key and names it', () => {
    const err = rejection({ askTimeout: 5 });
    expect(err.key).toBe('askTimeout');
    expect(err.code).toBe('WARREN_INVALID_OPTIONS');
    expect(err.message).toBe('askTimeout: is not a runtime option');
  });

  it.each([
    ['askTimeoutMs', 0],
    ['askTimeoutMs', 1.5],
    ['mailboxCapacity', 0],
    ['mailboxCapacity', -1],
    ['processedWindow', 0],
    ['passivateAfterMs', Number.NaN],
    ['maxActivations', 0],
    ['drainTimeoutMs', -1],
    ['drainTimeoutMs', 0.5],
  ])('resolveRuntimeOptions() refuses %s = %p and names the key', (key, value) => {
    const err = rejection({ [key]: value });
    expect(err.key).toBe(key);
    expect(err.message).toMatch(new RegExp(`^${key}: must be .*\\(got ${value}\\)$`));
  });

  it.each([
    ['retry.entityBackoffMs', { entityBackoffMs: [-1] }],
    ['retry.entityBackoffMs', { entityBackoffMs: [1.5] }],
    ['retry.workerTiersMs', { workerTiersMs: 'fast' }],
    ['retry.workerTiersMs', { workerTiersMs: [1000, '5000'] }],
  ])('resolveRuntimeOptions() refuses a bad %s and names the key path', (key, retry) => {
    expect(rejection({ retry }).key).toBe(key);
  });

  // Regression (runtime-options.ts, resolveRuntimeOptions): only top-level keys were checked, so a
  // typo inside `retry` (e.g. `entityBackofMs`) was silently ignored and the default used, although
  // the function's doc says it "rejects unknown keys".
  test('resolveRuntimeOptions() refuses an unknown key inside retry', () => {
    expect(rejection({ retry: { entityBackofMs: [1] } }).key).toBe('retry.entityBackofMs');
  });

  // Regression (runtime-options.ts, RUNTIME_DEFAULTS): Object.freeze is shallow and
  // resolveRuntimeOptions() used to return the default retry arrays by reference, so mutating a
  // resolved option changed the defaults of every later resolveRuntimeOptions() call in the process.
  test('resolveRuntimeOptions() does not share the default retry arrays with its result', () => {
    const list = resolveRuntimeOptions().retry.entityBackoffMs;
    let pushed = false;
    try {
      list.push(99);
      pushed = true;
    } catch {
      // a frozen list is fine too
    }
    try {
      expect(RUNTIME_DEFAULTS.retry.entityBackoffMs).toEqual([50, 250, 1000]);
      expect(resolveRuntimeOptions().retry.entityBackoffMs).toEqual([50, 250, 1000]);
    } finally {
      if (pushed) list.pop(); // leave the shared defaults as they were for the other tests
    }
  });
});
