// A turn that cannot be answered ends with a `failed` event: a model that keeps failing is
// retried in place, then given up (task failed, dead letter for operators); a tenant over its
// rate limit is told so at once (no dead letter: it is not a fault).
import type { WarrenStore } from '@warren/store';
import { eventually, useVhost } from './support/broker';
import type { EventTap } from './support/event-tap';
import { startSystem } from './support/system';

const vhost = useVhost('turn-failures');
let tap: EventTap;
let store: WarrenStore;

beforeAll(async () => {
  ({ tap, store } = await startSystem('runtime', vhost.url, {
    WARREN__MODELS__LOCAL__FAILURE_RATE: '1',
    WARREN__RUNTIME__ENTITY_BACKOFF_MS: '[20,20]',
    WARREN__LIMITER__TENANTS: '{"dev":{"requestsPerMinute":2}}',
  }));
});

describe('failed turns', () => {
  it('a model that keeps failing: retried in place, then a failed event, a failed task and a dead letter', async () => {
    const taskId = await tap.say('f1', 'hello');
    const failed = await tap.waitFor(taskId, 'failed');
    expect(failed.event.data).toEqual({ taskId, code: 'WARREN_MODEL_UNAVAILABLE', message: expect.stringContaining('try again') });
    const task = await store.tasks.get(tap.task(taskId));
    expect(task).toMatchObject({ status: 'failed', error: { code: 'WARREN_MODEL_UNAVAILABLE' } });
    // The runtime's dead-letter keeper takes warren.dead: the dead letter is in the store.
    const letter = await eventually(() => store.deadLetters.get(taskId), 'dead letter');
    expect(letter).toMatchObject({ errorCode: 'WARREN_MODEL_UNAVAILABLE', taskId: tap.task(taskId) });
    expect((await store.history.page({ tenant: 'dev', sessionId: 'f1' })).items.map((p) => p.role)).toEqual(['user']);
  });

  it('over the tenant’s rate limit: a failed event with WARREN_RATE_LIMITED and no dead letter', async () => {
    const second = await tap.say('f2', 'hello');
    await tap.waitFor(second, 'failed');
    const third = await tap.say('f3', 'hello');
    const failed = await tap.waitFor(third, 'failed');
    expect(failed.event.data).toMatchObject({ taskId: third, code: 'WARREN_RATE_LIMITED', retryAfterMs: expect.any(Number) });
    expect((failed.event.data as { retryAfterMs: number }).retryAfterMs).toBeGreaterThan(0);
    expect(await store.tasks.get(tap.task(third))).toMatchObject({ status: 'failed', error: { code: 'WARREN_RATE_LIMITED' } });
    await new Promise((r) => setTimeout(r, 200));
    expect(await store.deadLetters.get(third)).toBeUndefined();
  });
});
