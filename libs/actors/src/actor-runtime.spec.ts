import { Message } from '@warren/contracts';
import type { ActorStateStore } from '@warren/store';
import { IsString } from 'class-validator';
import { ActorRuntime } from './actor-runtime';
import { Actor } from './decorators/actor.decorator';
import { Handle } from './decorators/handle.decorator';
import type { Delivery } from './ports/delivery.port';
import type { HostingCallbacks, HostingTransport } from './ports/transport.port';
import { resolveRuntimeOptions } from './runtime-options';

@Message('spec.work')
class Work {
  @IsString() id!: string;
}

/** Handlers that wait until the test releases them, recording what ran. */
const gates = new Map<string, () => void>();
const started: string[] = [];
function held(id: string): Promise<void> {
  started.push(id);
  return new Promise((resolve) => gates.set(id, resolve));
}

@Actor('front', { kind: 'worker' })
class Front {
  @Handle(Work)
  work(msg: Work): Promise<void> {
    return held(`front:${msg.id}`);
  }
}

@Actor('back', { kind: 'worker' })
class Back {
  @Handle(Work)
  work(msg: Work): Promise<void> {
    return held(`back:${msg.id}`);
  }
}

function fakeTransport() {
  const hosted = new Map<string, HostingCallbacks>();
  const closed: string[] = [];
  const replies: unknown[] = [];
  const transport: HostingTransport = {
    nodeId: 'spec',
    tell: async () => undefined,
    ask: async () => ({ ok: true, value: null }),
    askStream: () => (async function* () {})(),
    reply: async (_to, part) => {
      replies.push(part);
    },
    control: async () => undefined,
    publishEvent: async () => undefined,
    host: async (spec, callbacks) => {
      hosted.set(spec.type, callbacks);
    },
    onControl: () => undefined,
    closeConsumers: async () => {
      closed.push('consumers');
    },
    close: async () => undefined,
  };
  const deliver = (type: string, id: string, extra: object = {}) => {
    const d = {
      envelope: { specversion: '1.0', id, source: 'spec', type: 'spec.work', data: { id } },
      headers: {},
      key: 'default',
      redelivered: false,
      attempt: 1,
      queue: `q.${type}`,
      ack: () => undefined,
      deadLetter: async () => undefined,
      retryLater: async () => undefined,
      ...extra,
    } as unknown as Delivery;
    hosted.get(type)?.onDelivery(d);
  };
  return { transport, deliver, closed, replies };
}

const quiet = { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined };
const tick = () => new Promise((r) => setImmediate(r));

describe('ActorRuntime#stop()', () => {
  beforeEach(() => {
    gates.clear();
    started.length = 0;
  });

  it('drains in phases: the types that wait on others finish first while the types of later phases keep taking work', async () => {
    const { transport, deliver, closed } = fakeTransport();
    const runtime = new ActorRuntime(transport, {} as ActorStateStore, resolveRuntimeOptions({ drainTimeoutMs: 5000 }), quiet);
    await runtime.host(new Front(), { drainPhase: 0 });
    await runtime.host(new Back());
    deliver('front', 'f1');
    await tick();
    const stopping = runtime.stop();
    await tick();
    // Phase 0 is closed: a new front message is left for another node; back still takes work (f1 may be asking it).
    deliver('front', 'f2');
    deliver('back', 'b1');
    await tick();
    expect(started).toEqual(['front:f1', 'back:b1']);
    gates.get('front:f1')?.();
    await tick();
    await tick();
    // Phase 1 now: back takes nothing new, finishes b1.
    deliver('back', 'b2');
    await tick();
    expect(started).toEqual(['front:f1', 'back:b1']);
    expect(closed).toEqual([]);
    gates.get('back:b1')?.();
    await stopping;
    expect(closed).toEqual(['consumers']);
  });

  it('aborts the handlers still running at the drain limit (with or without a task id) and closes the consumers', async () => {
    const { transport, deliver, closed } = fakeTransport();
    const runtime = new ActorRuntime(transport, {} as ActorStateStore, resolveRuntimeOptions({ drainTimeoutMs: 50 }), quiet);
    const signals: AbortSignal[] = [];
    @Actor('stuck', { kind: 'worker' })
    class Stuck {
      @Handle(Work)
      work(_msg: Work, ctx: { signal: AbortSignal }): Promise<void> {
        signals.push(ctx.signal);
        return new Promise((resolve) => ctx.signal.addEventListener('abort', () => resolve()));
      }
    }
    await runtime.host(new Stuck());
    deliver('stuck', 's1');
    await tick();
    await runtime.stop();
    expect(signals[0]?.aborted).toBe(true);
    expect(signals[0]?.reason).toBe('shutdown');
    expect(closed).toEqual(['consumers']);
  });
});

describe('WorkerDispatcher', () => {
  it('answers a redelivered request of a request pool with a retryable error instead of running it twice', async () => {
    const { transport, deliver, replies } = fakeTransport();
    const runtime = new ActorRuntime(transport, {} as ActorStateStore, resolveRuntimeOptions(), quiet);
    await runtime.host(new Back());
    const replyTo = { replyTo: 'amq.rabbitmq.reply-to.x', correlationId: 'c1' };
    deliver('back', 'again', { request: true, redelivered: true, replyTo });
    await tick();
    await tick();
    expect(started).toEqual([]);
    expect(replies).toEqual([
      { kind: 'reply', body: { ok: false, error: expect.objectContaining({ code: 'WARREN_CONNECTION_LOST', retryable: true }) } },
    ]);
    // A first delivery runs.
    deliver('back', 'first', { request: true, redelivered: false, replyTo });
    await tick();
    expect(started).toEqual(['back:first']);
    gates.get('back:first')?.();
    await runtime.stop();
  });
});
