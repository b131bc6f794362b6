import type { Channel } from 'amqplib';
import { declareTopology, type TopologySpec, topologySize, workQueueArguments } from './topology';

type Call = { method: string; args: unknown[] };

/** A Channel stand-in that records what is declared (this tests the declarations, not RabbitMQ). */
function fakeChannel(): { ch: Channel; calls: Call[] } {
  const calls: Call[] = [];
  const record =
    (method: string) =>
    async (...args: unknown[]) => {
      calls.push({ method, args });
      return {};
    };
  const ch = {
    assertExchange: record('assertExchange'),
    assertQueue: record('assertQueue'),
    bindQueue: record('bindQueue'),
    bindExchange: record('bindExchange'),
  };
  return { ch: ch as unknown as Channel, calls };
}

const spec = (over: Partial<TopologySpec> = {}): TopologySpec => ({
  shardCount: 3,
  deliveryLimit: 7,
  entityTypes: ['session'],
  workerPools: [],
  retryTiersMs: [],
  ingress: false,
  ...over,
});

async function declared(over: Partial<TopologySpec> = {}) {
  const { ch, calls } = fakeChannel();
  await declareTopology(ch, spec(over));
  const of = (method: string) => calls.filter((c) => c.method === method).map((c) => c.args);
  return {
    calls,
    exchanges: new Map(of('assertExchange').map(([name, type, opts]) => [name as string, { type, opts }])),
    queues: new Map(
      of('assertQueue').map(([name, opts]) => [name as string, opts as { durable: boolean; arguments: Record<string, unknown> }]),
    ),
    queueBindings: of('bindQueue') as [string, string, string][],
    exchangeBindings: of('bindExchange') as [string, string, string][],
  };
}

describe('workQueueArguments()', () => {
  it('workQueueArguments() declares a quorum queue with a delivery limit that dead-letters to warren.dead at least once', () => {
    expect(workQueueArguments(20, false)).toEqual({
      'x-queue-type': 'quorum',
      'x-delivery-limit': 20,
      'x-dead-letter-exchange': '',
      'x-dead-letter-routing-key': 'warren.dead',
      'x-dead-letter-strategy': 'at-least-once',
      'x-overflow': 'reject-publish',
    });
  });

  it('workQueueArguments() sets single active consumer only when asked', () => {
    expect(workQueueArguments(5, true)['x-single-active-consumer']).toBe(true);
    expect('x-single-active-consumer' in workQueueArguments(5, false)).toBe(false);
    expect(workQueueArguments(5, true)['x-delivery-limit']).toBe(5);
  });
});

describe('declareTopology()', () => {
  it('declareTopology() declares the shared exchanges and the quorum dead-letter queue', async () => {
    const t = await declared({ entityTypes: [] });
    expect(t.exchanges.get('warren.events')).toEqual({ type: 'topic', opts: { durable: true } });
    expect(t.exchanges.get('warren.workers')).toEqual({ type: 'direct', opts: { durable: true } });
    expect(t.exchanges.get('warren.control')).toEqual({ type: 'fanout', opts: { durable: true } });
    expect(t.queues.get('warren.dead')).toEqual({ durable: true, arguments: { 'x-queue-type': 'quorum' } });
  });

  it('declareTopology() declares a consistent-hash exchange per entity type with every shard bound with weight "1"', async () => {
    const t = await declared({ entityTypes: ['session', 'limiter'], shardCount: 3 });
    for (const type of ['session', 'limiter']) {
      expect(t.exchanges.get(`warren.actors.${type}`)).toEqual({ type: 'x-consistent-hash', opts: { durable: true } });
      for (let n = 0; n < 3; n++) {
        const q = `warren.${type}.shard.${n}`;
        expect(t.queues.get(q)).toEqual({ durable: true, arguments: workQueueArguments(7, true) });
        expect(t.queueBindings).toContainEqual([q, `warren.actors.${type}`, '1']);
      }
      expect(t.queues.has(`warren.${type}.shard.3`)).toBe(false);
    }
    const shardBindings = t.queueBindings.filter(([, exchange]) => exchange.startsWith('warren.actors.'));
    expect(shardBindings).toHaveLength(6);
    expect(shardBindings.every(([, , key]) => key === '1')).toBe(true);
  });

  it('declareTopology() declares each exchange before binding to it', async () => {
    const t = await declared({ workerPools: [{ type: 'model', key: 'gpt4o' }], retryTiersMs: [1000], ingress: true });
    const seen = new Set<string>();
    for (const { method, args } of t.calls) {
      if (method === 'assertExchange' || method === 'assertQueue') seen.add(args[0] as string);
      if (method === 'bindQueue' || method === 'bindExchange') {
        expect(seen.has(args[0] as string)).toBe(true);
        expect(seen.has(args[1] as string)).toBe(true);
      }
    }
  });

  it('declareTopology() declares a worker queue per pool bound on warren.workers with "<type>.<key>"', async () => {
    const t = await declared({
      entityTypes: [],
      workerPools: [
        { type: 'model', key: 'gpt4o' },
        { type: 'model', key: 'local' },
      ],
    });
    for (const key of ['gpt4o', 'local']) {
      expect(t.queues.get(`warren.worker.model.${key}`)).toEqual({ durable: true, arguments: workQueueArguments(7, false) });
      expect(t.queueBindings).toContainEqual([`warren.worker.model.${key}`, 'warren.workers', `model.${key}`]);
    }
    expect(t.queues.get('warren.worker.model.gpt4o')?.arguments['x-single-active-consumer']).toBeUndefined();
  });

  it('declareTopology() declares a request pool as a classic queue bound with "rpc.<type>.<key>", apart from any quorum pool', async () => {
    const t = await declared({
      entityTypes: [],
      requestPools: ['model'],
      workerPools: [
        { type: 'model', key: 'local' },
        { type: 'echo', key: 'a' },
      ],
    });
    expect(t.queues.get('warren.rpc.model.local')).toEqual({ durable: true, arguments: { 'x-queue-type': 'classic' } });
    expect(t.queueBindings).toContainEqual(['warren.rpc.model.local', 'warren.workers', 'rpc.model.local']);
    expect(t.queues.has('warren.worker.model.local')).toBe(false);
    expect(t.queues.get('warren.worker.echo.a')).toEqual({ durable: true, arguments: workQueueArguments(7, false) });
  });

  it('declareTopology() declares each retry tier as a fanout exchange and a TTL quorum queue that dead-letters to ""', async () => {
    const t = await declared({ entityTypes: [], retryTiersMs: [1000, 30000] });
    for (const delay of [1000, 30000]) {
      const name = `warren.retry.${delay}`;
      expect(t.exchanges.get(name)).toEqual({ type: 'fanout', opts: { durable: true } });
      const q = t.queues.get(name);
      expect(q?.durable).toBe(true);
      expect(q?.arguments).toMatchObject({
        'x-queue-type': 'quorum',
        'x-message-ttl': delay,
        'x-dead-letter-exchange': '',
        'x-dead-letter-strategy': 'at-least-once',
      });
      // No fixed dead-letter routing key: the expired message goes back with its own (the origin queue).
      expect(q?.arguments['x-dead-letter-routing-key']).toBeUndefined();
      expect(t.queueBindings).toContainEqual([name, name, '']);
    }
  });

  it('declareTopology() declares no ingress exchanges or shards unless asked', async () => {
    const t = await declared({ ingress: false });
    expect(t.exchanges.has('warren.ingress')).toBe(false);
    expect(t.exchanges.has('warren.ingress.hash')).toBe(false);
    expect([...t.queues.keys()].some((q) => q.startsWith('warren.ingress.'))).toBe(false);
    expect(t.exchangeBindings).toEqual([]);
  });

  it('declareTopology() with ingress declares warren.ingress → warren.ingress.hash and its SAC shards with weight "1"', async () => {
    const t = await declared({ entityTypes: [], ingress: true, shardCount: 2 });
    expect(t.exchanges.get('warren.ingress')).toEqual({ type: 'topic', opts: { durable: true } });
    expect(t.exchanges.get('warren.ingress.hash')).toEqual({ type: 'x-consistent-hash', opts: { durable: true } });
    expect(t.exchangeBindings).toEqual([['warren.ingress.hash', 'warren.ingress', 'session.*.*']]);
    for (const n of [0, 1]) {
      expect(t.queues.get(`warren.ingress.shard.${n}`)).toEqual({ durable: true, arguments: workQueueArguments(7, true) });
      expect(t.queueBindings).toContainEqual([`warren.ingress.shard.${n}`, 'warren.ingress.hash', '1']);
    }
    expect(t.queues.has('warren.ingress.shard.2')).toBe(false);
  });

  it('declareTopology() with knowledge declares the warren.knowledge topic exchange and its quorum queue bound to document.*', async () => {
    expect((await declared()).exchanges.has('warren.knowledge')).toBe(false);
    const t = await declared({ knowledge: true });
    expect(t.exchanges.get('warren.knowledge')).toEqual({ type: 'topic', opts: { durable: true } });
    expect(t.queues.get('warren.knowledge.ingest')).toEqual({ durable: true, arguments: workQueueArguments(7, false) });
    expect(t.queueBindings).toContainEqual(['warren.knowledge.ingest', 'warren.knowledge', 'document.*']);
    expect(topologySize(spec({ knowledge: true }))).toEqual({
      queues: topologySize(spec()).queues + 1,
      exchanges: topologySize(spec()).exchanges + 1,
    });
  });

  it('declareTopology() declares every queue durable', async () => {
    const t = await declared({ workerPools: [{ type: 'model', key: 'x' }], retryTiersMs: [5], ingress: true });
    for (const opts of t.queues.values()) expect(opts.durable).toBe(true);
  });

  it('declareTopology() waits for each declaration and rejects when the channel does', async () => {
    const { ch } = fakeChannel();
    (ch as unknown as { assertQueue: () => Promise<never> }).assertQueue = async () => {
      throw new Error('PRECONDITION_FAILED - inequivalent arg');
    };
    await expect(declareTopology(ch, spec())).rejects.toThrow(/PRECONDITION_FAILED/);
  });
});

describe('declareTopology() with options', () => {
  it('declareTopology() skips what `done` holds and records what it declares, so a second call on one connection declares only the new type', async () => {
    const done = new Set<string>();
    const first = fakeChannel();
    await declareTopology(first.ch, spec(), { done });
    expect(done.has('queue.declare warren.session.shard.2')).toBe(true);
    const second = fakeChannel();
    await declareTopology(second.ch, spec({ entityTypes: ['session', 'limiter'] }), { done });
    expect(second.calls.map((c) => `${c.method} ${String(c.args[0])}`)).toEqual([
      'assertExchange warren.actors.limiter',
      'assertQueue warren.limiter.shard.0',
      'bindQueue warren.limiter.shard.0',
      'assertQueue warren.limiter.shard.1',
      'bindQueue warren.limiter.shard.1',
      'assertQueue warren.limiter.shard.2',
      'bindQueue warren.limiter.shard.2',
    ]);
  });

  it('declareTopology() waits for every answer through `bounded`, named after the operation', async () => {
    const waited: string[] = [];
    await declareTopology(fakeChannel().ch, spec({ shardCount: 1 }), {
      bounded: (op, what) => {
        waited.push(what);
        return op;
      },
    });
    expect(waited).toEqual([
      'exchange.declare warren.events',
      'exchange.declare warren.workers',
      'exchange.declare warren.control',
      'queue.declare warren.dead',
      'exchange.declare warren.actors.session',
      'queue.declare warren.session.shard.0',
      'queue.bind warren.session.shard.0',
    ]);
  });

  it('topologySize() counts the queues and exchanges declareTopology() declares', async () => {
    const s = spec({ workerPools: [{ type: 'model', key: 'x' }], retryTiersMs: [5, 10], ingress: true });
    const t = await declared({ workerPools: [{ type: 'model', key: 'x' }], retryTiersMs: [5, 10], ingress: true });
    expect(topologySize(s)).toEqual({ queues: t.queues.size, exchanges: t.exchanges.size });
  });
});

describe('declareTopology() without the consistent-hash plugin', () => {
  it('fails with a BrokerUnavailableError that says which plugin to enable', async () => {
    const { ch } = fakeChannel();
    (ch as unknown as Record<string, unknown>).assertExchange = async (_name: string, type: string) => {
      if (type === 'x-consistent-hash') throw new Error('Channel ended, no reply will be forthcoming');
      return {};
    };
    await expect(declareTopology(ch, spec())).rejects.toMatchObject({
      code: 'WARREN_BROKER_UNAVAILABLE',
      retryable: false,
      message: expect.stringContaining('rabbitmq-plugins enable rabbitmq_consistent_hash_exchange'),
    });
  });
});
