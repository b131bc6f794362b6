import { ManualClock } from '@warren/actors';
import { InvalidOptionsError } from '@warren/contracts';
import { ModelRejectedError, ModelUnavailableError } from '../errors/model.errors';
import { EndpointHealth } from './endpoint-health';
import { resolveEndpointHealthOptions } from './endpoint-health-options';

const down = () => new ModelUnavailableError('a', 'HTTP 503');

describe('EndpointHealth', () => {
  let clock: ManualClock;
  let health: EndpointHealth;
  beforeEach(() => {
    clock = new ManualClock(1_000_000);
    health = new EndpointHealth({ failureThreshold: 3, cooldownMs: 30_000 }, clock);
  });

  function fail(name: string, error: unknown = down()): boolean {
    health.recordStart(name);
    return health.recordFailure(name, error);
  }

  it('an unknown endpoint is healthy with no measurements', () => {
    expect(health.state('x')).toEqual({ state: 'healthy', ewmaLatencyMs: 0, samples: 0, outstanding: 0, consecutiveFailures: 0 });
    expect(health.isAvailable('x')).toBe(true);
  });

  it('3 consecutive retryable failures → cooldown until now + cooldownMs → healthy again on its own', () => {
    fail('a');
    fail('a');
    expect(health.state('a')).toMatchObject({ state: 'healthy', consecutiveFailures: 2 });
    fail('a');
    expect(health.state('a')).toEqual(expect.objectContaining({ state: 'cooldown', cooldownUntil: 1_030_000, consecutiveFailures: 3 }));
    expect(health.isAvailable('a')).toBe(false);
    clock.advance(29_999);
    expect(health.state('a').state).toBe('cooldown');
    clock.advance(1);
    expect(health.state('a')).not.toHaveProperty('cooldownUntil');
    expect(health.state('a').state).toBe('healthy');
    expect(health.isAvailable('a')).toBe(true);
  });

  it('after a cooldown one more retryable failure sends it back at once; a success clears that', () => {
    for (let i = 0; i < 3; i++) fail('a');
    clock.advance(30_000);
    fail('a');
    expect(health.state('a')).toMatchObject({ state: 'cooldown', cooldownUntil: clock.now() + 30_000 });
    clock.advance(30_000);
    health.recordStart('a');
    health.recordSuccess('a', 10);
    fail('a');
    expect(health.state('a')).toMatchObject({ state: 'healthy', consecutiveFailures: 1 });
  });

  it('failures during the cooldown do not extend it', () => {
    for (let i = 0; i < 3; i++) fail('a');
    clock.advance(10_000);
    fail('a');
    expect(health.state('a').cooldownUntil).toBe(1_030_000);
  });

  it('a success resets the consecutive failures', () => {
    fail('a');
    fail('a');
    health.recordStart('a');
    health.recordSuccess('a', 5);
    fail('a');
    fail('a');
    expect(health.state('a')).toMatchObject({ state: 'healthy', consecutiveFailures: 2 });
  });

  it('fatal errors (400, auth, context too long) and errors without retryable do not count', () => {
    for (let i = 0; i < 5; i++) expect(fail('a', new ModelRejectedError('a', 'bad request', 400))).toBe(false);
    expect(fail('a', new Error('bug'))).toBe(false);
    expect(fail('a', { code: 'WARREN_MODEL_UNAVAILABLE', retryable: true })).toBe(true);
    expect(health.state('a')).toMatchObject({ state: 'healthy', consecutiveFailures: 1, outstanding: 0 });
  });

  it('counts outstanding calls; every end (success, failure, cancel) takes one off, never below 0', () => {
    health.recordStart('a');
    health.recordStart('a');
    health.recordStart('a');
    expect(health.state('a').outstanding).toBe(3);
    health.recordSuccess('a', 1);
    health.recordFailure('a', down());
    health.recordCancelled('a');
    health.recordCancelled('a');
    expect(health.state('a').outstanding).toBe(0);
  });

  it('latency is an EWMA (α 0.3) seeded by the first sample', () => {
    health.recordSuccess('a', 100);
    expect(health.state('a')).toMatchObject({ ewmaLatencyMs: 100, samples: 1 });
    health.recordSuccess('a', 200);
    expect(health.state('a').ewmaLatencyMs).toBeCloseTo(130);
    health.recordSuccess('a', Number.NaN);
    expect(health.state('a').samples).toBe(2);
  });

  it('snapshot() lists the given names and every endpoint seen, sorted', () => {
    fail('b');
    expect(Object.keys(health.snapshot(['c', 'a']))).toEqual(['a', 'b', 'c']);
  });
});

describe('resolveEndpointHealthOptions', () => {
  it('fills defaults', () => {
    expect(resolveEndpointHealthOptions()).toEqual({ failureThreshold: 3, cooldownMs: 30_000, ewmaAlpha: 0.3, latencyProbeMs: 15_000 });
  });

  it.each([
    [{ failureThreshold: 0 }, 'models.health.failureThreshold'],
    [{ cooldownMs: -1 }, 'models.health.cooldownMs'],
    [{ ewmaAlpha: 0 }, 'models.health.ewmaAlpha'],
    [{ nope: 1 }, 'models.health.nope'],
  ])('refuses %j naming %s', (raw, key) => {
    expect(() => resolveEndpointHealthOptions(raw as never)).toThrow(InvalidOptionsError);
    expect(() => resolveEndpointHealthOptions(raw as never)).toThrow(key);
  });
});
