import type { EventListener, EventSubscriber } from '@warren/amqp';
import type { CloudEvent } from '@warren/contracts';
import { type EventSource, SessionEventHub, type SessionWatcher } from './session-event-hub';

/** Plays the transport: records bindings, lets the test publish. */
function fakeSource() {
  const bound: string[] = [];
  let listener: EventListener = () => undefined;
  const subscriber = {
    bind: async (p: string) => void bound.push(p),
    unbind: async (p: string) => void bound.splice(bound.indexOf(p), 1),
    close: jest.fn(async () => undefined),
  };
  const source: EventSource = {
    subscribeEvents: (l: EventListener) => {
      listener = l;
      return subscriber as unknown as EventSubscriber;
    },
  };
  const publish = (key: string, sender: string, data: Record<string, unknown> = {}, taskHeader?: string) =>
    listener(key, { specversion: '1.0', id: `e-${key}-${sender}`, source: 's', type: 't', data } as CloudEvent, {
      'x-warren-sender': sender,
      ...(taskHeader ? { 'x-warren-task-id': taskHeader } : {}),
    });
  return { source, bound, publish, subscriber };
}

function watcher(tenant: string, sessionId: string, taskId?: string) {
  const seen: string[] = [];
  const w: SessionWatcher = { tenant, sessionId, taskId, send: (kind, ev) => seen.push(`${kind} ${ev.id}`), close: jest.fn() };
  return { w, seen };
}

describe('SessionEventHub', () => {
  it("delivers a session's events only to watchers of the tenant whose session actor sent them", async () => {
    const { source, publish } = fakeSource();
    const hub = new SessionEventHub(source);
    const dev = watcher('dev', 's1');
    const other = watcher('other', 's1');
    await hub.watch(dev.w);
    await hub.watch(other.w);
    publish('session.s1.delta', 'session/dev~s1');
    publish('session.s1.reply', 'session/other~s1');
    publish('session.s1.reply', 'ingress/s1');
    publish('session.s1.reply', 'session/dev~s10');
    expect(dev.seen).toEqual(['delta e-session.s1.delta-session/dev~s1']);
    expect(other.seen).toEqual(['reply e-session.s1.reply-session/other~s1']);
  });

  it('ignores routing keys that are not session events', async () => {
    const { source, publish } = fakeSource();
    const hub = new SessionEventHub(source);
    const dev = watcher('dev', 's1');
    await hub.watch(dev.w);
    publish('session.s1.announced', 'session/dev~s1');
    publish('session.s1.delta.x', 'session/dev~s1');
    publish('test.s1.delta', 'session/dev~s1');
    expect(dev.seen).toEqual([]);
  });

  it('filters by task id (header or data.taskId) when asked', async () => {
    const { source, publish } = fakeSource();
    const hub = new SessionEventHub(source);
    const one = watcher('dev', 's1', 't1');
    await hub.watch(one.w);
    publish('session.s1.delta', 'session/dev~s1', { taskId: 't2' }, 't2');
    publish('session.s1.delta', 'session/dev~s1', { taskId: 't1' });
    publish('session.s1.reply', 'session/dev~s1', {}, 't1');
    expect(one.seen).toHaveLength(2);
  });

  it('binds session.<id>.* per watcher and unbinds when each leaves (the subscriber counts references)', async () => {
    const { source, bound } = fakeSource();
    const hub = new SessionEventHub(source);
    const removeA = await hub.watch(watcher('dev', 's1').w);
    const removeB = await hub.watch(watcher('acme', 's1').w);
    expect(bound).toEqual(['session.s1.*', 'session.s1.*']);
    removeA();
    removeA();
    await Promise.resolve();
    expect(bound).toEqual(['session.s1.*']);
    removeB();
    await Promise.resolve();
    expect(bound).toEqual([]);
    expect(hub.size).toBe(0);
  });

  it('ends every stream and the subscription when the module is destroyed', async () => {
    const { source, subscriber } = fakeSource();
    const hub = new SessionEventHub(source);
    const a = watcher('dev', 's1');
    const b = watcher('dev', 's2');
    await hub.watch(a.w);
    await hub.watch(b.w);
    await hub.onModuleDestroy();
    expect(a.w.close).toHaveBeenCalled();
    expect(b.w.close).toHaveBeenCalled();
    expect(subscriber.close).toHaveBeenCalled();
  });
});
