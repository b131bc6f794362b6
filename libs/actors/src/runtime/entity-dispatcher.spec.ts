import { ConnectionLostError, Message, StateConflictError, StoreUnavailableError } from '@warren/contracts';
import type { ActorRecord, ActorSave, ActorStateStore } from '@warren/store';
import { IsInt } from 'class-validator';
import { defineActor } from '../actor-definition';
import { Actor } from '../decorators/actor.decorator';
import { Handle } from '../decorators/handle.decorator';
import type { Delivery, FailureReport } from '../ports/delivery.port';
import type { ActorTransport } from '../ports/transport.port';
import type { ActorContext } from './actor-context';
import { EntityDispatcher } from './entity-dispatcher';
import { MessageSender } from './message-sender';
import { TaskRegistry } from './task-registry';

@Message('spec.counter.add')
class Add {
  @IsInt() by!: number;
}

let handled = 0;
@Actor('spec-counter')
class SpecCounter {
  @Handle(Add)
  add(msg: Add, ctx: ActorContext<{ n: number }>): number {
    handled++;
    if (msg.by === 7) {
      // A message whose end is durable: its task and an event, in the one commit with the state.
      ctx.commitWith({ task: { create: { id: ctx.messageId, tenant: 't' }, update: { status: 'completed' } } });
      void ctx.emit('spec.c1.added', 'spec.added', { by: msg.by }, { afterCommit: true });
    }
    ctx.state = { n: (ctx.state?.n ?? 0) + msg.by };
    return ctx.state.n;
  }
}

/** An in-memory store whose loads fail `failLoads` times first; it records each save. */
class FlakyStore implements ActorStateStore {
  records = new Map<string, ActorRecord>();
  saves: ActorSave[] = [];
  constructor(public failLoads: number) {}
  async load<S>(address: string): Promise<ActorRecord<S>> {
    if (this.failLoads-- > 0) throw new StoreUnavailableError('store down (test)');
    const r = this.records.get(address);
    return (
      r
        ? { ...r, outbox: [...r.outbox] }
        : { address, state: undefined, version: 0, processed: [], steps: undefined, outbox: [], updatedAt: undefined }
    ) as ActorRecord<S>;
  }
  async save<S>(save: ActorSave<S>): Promise<number> {
    const current = this.records.get(save.address);
    if ((current?.version ?? 0) !== save.expectedVersion) throw new StateConflictError(save.address, save.expectedVersion);
    this.saves.push(save);
    const processed = [...(current?.processed ?? []), ...(save.processed ? [save.processed] : [])];
    this.records.set(save.address, {
      address: save.address,
      state: save.state,
      version: save.expectedVersion + 1,
      processed,
      steps: undefined,
      outbox: [...(current?.outbox ?? []), ...(save.outbox ?? [])],
      updatedAt: new Date(),
    });
    return save.expectedVersion + 1;
  }
  async markSent(address: string, ids: string[]): Promise<void> {
    const r = this.records.get(address);
    if (r) r.outbox = r.outbox.filter((e) => !ids.includes(e.id));
  }
  async hasProcessed(): Promise<boolean> {
    return false;
  }
  async delete(): Promise<void> {}
}

/** What the fake broker saw, in order; `failEvents` publishes fail first. */
const wire = { log: [] as string[], failEvents: 0 };

const transport: ActorTransport = {
  nodeId: 'spec',
  tell: async () => undefined,
  ask: async () => ({ ok: true, value: null }),
  askStream: () => (async function* () {})(),
  reply: async () => undefined,
  control: async () => undefined,
  publishEvent: async (routingKey, event) => {
    if (wire.failEvents-- > 0) throw new ConnectionLostError('broker gone (test)');
    wire.log.push(`event ${routingKey} ${event.id}`);
  },
};
const quiet = { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined };

function delivery(id: string, by: number) {
  const d = {
    acked: false,
    deadLettered: undefined as unknown,
    report: undefined as FailureReport | undefined,
    envelope: { specversion: '1.0' as const, id, source: 'spec', type: 'spec.counter.add', data: { by } },
    headers: {},
    key: 'c1',
    redelivered: false,
    attempt: 1,
    queue: 'warren.spec-counter.shard.0',
    ack() {
      d.acked = true;
      wire.log.push(`ack ${id}`);
    },
    async deadLetter(report: FailureReport) {
      d.report = report;
      d.deadLettered = report.error;
    },
    async retryLater() {},
  };
  return d;
}

function dispatcherWith(store: ActorStateStore): EntityDispatcher {
  return new EntityDispatcher(
    transport,
    new MessageSender(transport, 1000),
    store,
    new TaskRegistry(),
    {
      mailboxCapacity: 8,
      processedWindow: 16,
      passivateAfterMs: 60_000,
      maxActivations: 100,
      retry: { entityBackoffMs: [1, 1], workerTiersMs: [] },
    },
    quiet,
  );
}

const settled = (d: { acked: boolean; deadLettered: unknown }) =>
  new Promise<void>((resolve) => {
    const t = setInterval(() => {
      if (d.acked || d.deadLettered !== undefined) {
        clearInterval(t);
        resolve();
      }
    }, 1);
  });

describe('EntityDispatcher', () => {
  beforeEach(() => {
    handled = 0;
    wire.log = [];
    wire.failEvents = 0;
  });

  test('#dispatch() commits the staged task and outbox with the state in one save, then publishes the outbox, then acks', async () => {
    const store = new FlakyStore(0);
    const d = dispatcherWith(store);
    const msg = delivery('m7', 7);
    d.dispatch(defineActor(new SpecCounter()), msg as unknown as Delivery);
    await settled(msg);
    expect(store.saves).toHaveLength(1);
    expect(store.saves[0]).toMatchObject({
      processed: { id: 'm7' },
      writes: { task: { create: { id: 'm7' }, update: { status: 'completed' } } },
      outbox: [{ kind: 'event', to: 'spec.c1.added', id: 'm7:1' }],
    });
    expect(wire.log).toEqual(['event spec.c1.added m7:1', 'ack m7']);
    expect(store.records.get('spec-counter/c1')?.outbox).toEqual([]);
    d.close();
  });

  test('#dispatch() leaves a committed message unacked when its outbox cannot go out; its redelivery publishes it and acks without running again', async () => {
    const store = new FlakyStore(0);
    wire.failEvents = 1;
    const def = defineActor(new SpecCounter());
    const first = dispatcherWith(store);
    const msg = delivery('m8', 7);
    first.dispatch(def, msg as unknown as Delivery);
    // The in-place retry finds the message applied, publishes the outbox and acks.
    await settled(msg);
    expect(handled).toBe(1);
    expect(wire.log).toEqual(['event spec.c1.added m8:1', 'ack m8']);
    first.close();
  });

  test('#dispatch() publishes the outbox an earlier owner committed and never saw confirmed before it handles anything', async () => {
    const store = new FlakyStore(0);
    const def = defineActor(new SpecCounter());
    // The earlier owner committed m9 and died before the broker confirmed its event.
    await store.save({
      address: 'spec-counter/c1',
      expectedVersion: 0,
      state: { n: 7 },
      processed: { id: 'm9', at: 1 },
      outbox: [
        {
          id: 'm9:1',
          kind: 'event',
          to: 'spec.c1.added',
          envelope: { specversion: '1.0', id: 'm9:1', source: 's', type: 't' },
          headers: {},
        },
      ],
    });
    const d = dispatcherWith(store);
    const redelivered = delivery('m9', 7);
    const next = delivery('m10', 1);
    d.dispatch(def, redelivered as unknown as Delivery);
    d.dispatch(def, next as unknown as Delivery);
    await settled(redelivered);
    await settled(next);
    expect(handled).toBe(1);
    expect(wire.log).toEqual(['event spec.c1.added m9:1', 'ack m9', 'ack m10']);
    expect(store.records.get('spec-counter/c1')).toMatchObject({ state: { n: 8 }, outbox: [] });
    d.close();
  });

  test('#dispatch() retries a state load that fails (store down) and applies the message once the store is back', async () => {
    const d = dispatcherWith(new FlakyStore(2));
    const msg = delivery('m1', 2);
    d.dispatch(defineActor(new SpecCounter()), msg as unknown as Delivery);
    await settled(msg);
    expect(msg.acked).toBe(true);
    expect(msg.deadLettered).toBeUndefined();
    expect(handled).toBe(1);
    d.close();
  });

  test('#dispatch() dead-letters with the store error when the store stays down past the retries', async () => {
    const d = dispatcherWith(new FlakyStore(100));
    const msg = delivery('m2', 2);
    d.dispatch(defineActor(new SpecCounter()), msg as unknown as Delivery);
    await settled(msg);
    expect(msg.acked).toBe(false);
    expect(msg.deadLettered).toBeInstanceOf(StoreUnavailableError);
    expect(handled).toBe(0);
    d.close();
  });

  test('#dispatch() reports every earlier in-place attempt with its error, handler and time when it dead-letters', async () => {
    const d = dispatcherWith(new FlakyStore(100));
    const msg = delivery('m3', 2);
    d.dispatch(defineActor(new SpecCounter()), msg as unknown as Delivery);
    await settled(msg);
    expect(msg.report?.attempt).toBe(3);
    expect(msg.report?.previous?.map((p) => p.attempt)).toEqual([1, 2]);
    for (const p of msg.report?.previous ?? []) {
      expect(p.error).toBeInstanceOf(StoreUnavailableError);
      expect(p.handler).toBe('SpecCounter.add');
      expect(p.at).toBeInstanceOf(Date);
    }
    d.close();
  });

  test('#dispatch() acks a message id it already applied without running the handler again', async () => {
    const store = new FlakyStore(0);
    const d = dispatcherWith(store);
    const def = defineActor(new SpecCounter());
    const first = delivery('same-id', 5);
    d.dispatch(def, first as unknown as Delivery);
    await settled(first);
    const again = delivery('same-id', 5);
    d.dispatch(def, again as unknown as Delivery);
    await settled(again);
    expect(again.acked).toBe(true);
    expect(handled).toBe(1);
    expect(store.records.get('spec-counter/c1')?.state).toEqual({ n: 5 });
    d.close();
  });
});
