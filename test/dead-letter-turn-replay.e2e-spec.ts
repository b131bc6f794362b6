// A turn that failed (the model was down) is dead-lettered; after the fault is fixed (the same
// installation restarted without the failing model) an operator replays it through the admin API
// and its task completes exactly once, with one reply and one assistant turn in the history.
import type { WarrenStore } from '@warren/store';
import { AppProcess } from './support/app-process';
import { autoTeardown, eventually, useVhost } from './support/broker';
import type { EventTap } from './support/event-tap';
import { startSystem, type TestSystem } from './support/system';

jest.setTimeout(180_000);

const vhost = useVhost('dl-turn-replay');
let sys: TestSystem;
let store: WarrenStore;
let tap: EventTap;
let base: string;

beforeAll(async () => {
  sys = await startSystem('warren', vhost.url, {
    WARREN__MODELS__LOCAL__FAILURE_RATE: '1',
    WARREN__RUNTIME__ENTITY_BACKOFF_MS: '[20,20]',
  });
  ({ store, tap } = sys);
  base = sys.app.url;
});

/** An admin call to the app. */
async function call(method: string, path: string, body: unknown) {
  const res = await fetch(`${base}${path}`, {
    method,
    headers: { authorization: 'Bearer dev-admin-key', 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as { replayed: unknown[] } };
}

describe('a failed turn replayed after the fault is fixed', () => {
  it('completes its task exactly once', async () => {
    const taskId = await tap.say('fix1', 'hello');
    await tap.waitFor(taskId, 'failed');
    const dl = await eventually(
      async () => (await store.deadLetters.list({ address: 'session/dev~fix1' })).items[0],
      'the dead letter of the turn',
      20_000,
    );
    expect(dl).toMatchObject({ taskId: tap.task(taskId), errorCode: 'WARREN_MODEL_UNAVAILABLE' });
    expect((await store.tasks.get(tap.task(taskId)))?.status).toBe('failed');

    // The fault is fixed: the same installation again, without the failing model.
    await sys.app.stop();
    const fixed = autoTeardown(
      new AppProcess('warren', {
        AMQP_URL: vhost.url,
        WARREN_DATA_DIR: sys.dataDir,
        WARREN__AMQP__SHARD_COUNT: '4',
        WARREN__MODELS__LOCAL__LATENCY_MS: '2',
        WARREN__MODELS__LOCAL__PER_DELTA_MS: '1',
      }),
    );
    await fixed.whenReady();
    base = fixed.url;
    const r = await call('POST', '/v1/admin/dead-letters/replay', { ids: [dl.messageId] });
    expect(r.body.replayed).toHaveLength(1);
    const reply = await tap.waitFor(taskId, 'reply', 20_000);
    expect(reply.event.data).toMatchObject({ taskId });
    await eventually(async () => (await store.tasks.get(tap.task(taskId)))?.status === 'completed', 'task completed');
    // A later turn of the session (a positive marker): a second run of the replay would show before its reply.
    await tap.waitFor(await tap.say('fix1', 'hello'), 'reply', 20_000);
    expect(tap.events.filter((e) => e.kind === 'reply' && (e.event.data as { taskId?: string }).taskId === taskId)).toHaveLength(1);
    const parts = (await store.history.page({ tenant: 'dev', sessionId: 'fix1' })).items;
    expect(parts.filter((p) => p.role === 'assistant' && p.taskId === tap.task(taskId))).toHaveLength(1);
    expect((await store.deadLetters.get(dl.messageId))?.status).toBe('replayed');
  });
});
