import { InvalidOptionsError } from '@warren/contracts';
import { resolveSchedulerOptions, SCHEDULER_DEFAULTS } from './scheduler.options';

describe('resolveSchedulerOptions()', () => {
  it('fills the defaults', () => {
    expect(resolveSchedulerOptions({ instanceId: 'host-1' })).toEqual({ ...SCHEDULER_DEFAULTS, instanceId: 'host-1' });
  });

  it.each([
    [{ batchSize: 0 }, 'scheduler.batchSize'],
    [{ batchSize: 1001 }, 'scheduler.batchSize'],
    [{ pollIntervalMs: 1.5 }, 'scheduler.pollIntervalMs'],
    [{ leaseMs: 10 }, 'scheduler.leaseMs'],
    [{ maxFiresPerClaim: 0 }, 'scheduler.maxFiresPerClaim'],
    [{ instanceId: 'has space' }, 'scheduler.instanceId'],
    [{ nope: 1 }, 'scheduler.nope'],
  ])('rejects %j naming %s', (raw, key) => {
    let error: unknown;
    try {
      resolveSchedulerOptions({ instanceId: 'x', ...raw } as never);
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(InvalidOptionsError);
    expect((error as InvalidOptionsError).key).toBe(key);
  });
});
