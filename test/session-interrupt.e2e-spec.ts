// Barge-in over the raw-AMQP contract: a voice server cuts the assistant off mid-stream.
import type { WarrenStore } from '@warren/store';
import { loadWireContract } from './support/asyncapi';
import { eventually, useVhost } from './support/broker';
import type { EventTap } from './support/event-tap';
import { startSystem } from './support/system';

const vhost = useVhost('interrupt');
let tap: EventTap;
let store: WarrenStore;
const LONG = 'Tell me a long story about dragons and knights please';

beforeAll(async () => {
  ({ tap, store } = await startSystem('runtime', vhost.url, {
    WARREN__MODELS__LOCAL__LATENCY_MS: '20',
    WARREN__MODELS__LOCAL__PER_DELTA_MS: '100',
  }));
});

describe('interrupting a turn (barge-in)', () => {
  it('stops the deltas within 250 ms, keeps the partial reply as interrupted, and the next turn runs', async () => {
    const taskId = await tap.say('s-int', LONG);
    await eventually(() => tap.ofTask(taskId).filter((e) => e.kind === 'delta').length >= 2, 'two deltas');
    const interruptedAt = Date.now();
    await tap.interrupt('s-int');
    const interrupted = await tap.waitFor(taskId, 'interrupted');
    expect(interrupted.at - interruptedAt).toBeLessThan(250);
    // The next turn of the session (a positive marker): a stream that went on would show before its reply.
    const next = await tap.say('s-int', 'hello');
    expect((await tap.waitFor(next, 'reply')).event.data.text).toBe('Hello! How can I help you today?');
    const deltas = tap.ofTask(taskId).filter((e) => e.kind === 'delta');
    expect(deltas.filter((e) => e.at > interruptedAt + 250)).toEqual([]);
    expect(tap.ofTask(taskId).some((e) => e.kind === 'reply')).toBe(false);
    const partial = deltas.map((d) => d.event.data.text).join('');
    expect(interrupted.event.data).toEqual({ taskId, partialText: partial });
    expect((await loadWireContract()).check('interrupted', interrupted.event, interrupted.headers)).toEqual([]);

    const parts = (await store.history.page({ tenant: 'dev', sessionId: 's-int' }, { order: 'asc' })).items;
    expect(parts.map((p) => [p.role, p.status])).toEqual([
      ['user', 'complete'],
      ['assistant', 'interrupted'],
      ['user', 'complete'],
      ['assistant', 'complete'],
    ]);
    expect(parts[1].content).toBe(partial);
    expect(await store.tasks.get(tap.task(taskId))).toMatchObject({ status: 'interrupted', error: { code: 'WARREN_CANCELLED' } });
  });

  it('cancels a named turn that still waits behind another one: it never runs', async () => {
    const first = await tap.say('s-queue', 'hello');
    const second = await tap.say('s-queue', LONG);
    await tap.interrupt('s-queue', second);
    await tap.waitFor(first, 'reply');
    const end = await tap.waitForEnd(second);
    expect(end.kind).toBe('interrupted');
    expect(tap.ofTask(second).filter((e) => e.kind === 'delta')).toEqual([]);
    expect(await store.tasks.get(tap.task(second))).toMatchObject({ status: 'interrupted' });
  });

  it('an interrupt with nothing in progress changes nothing', async () => {
    await tap.interrupt('s-idle');
    const taskId = await tap.say('s-idle', 'hello');
    expect((await tap.waitForEnd(taskId)).kind).toBe('reply');
  });
});
