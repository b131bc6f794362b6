import type { MemberAnnouncement } from './member-table';
import type { ShardRef } from './shard-allocator';
import { type ClusterOptions, ShardCoordinator } from './shard-coordinator';

const OPTIONS: ClusterOptions = { heartbeatMs: 50, failureTimeoutMs: 200, joinWindowMs: 60, maxMovesPerStep: 3 };
const SHARDS = 12;

/** Coordinators on an in-memory control exchange; holders records who consumes each shard. */
class Bus {
  readonly nodes = new Map<string, ShardCoordinator>();
  readonly holders = new Map<string, string>();
  readonly violations: string[] = [];
  readonly muted = new Set<string>();

  add(id: string, types = ['session', 'limiter']): ShardCoordinator {
    const k = (s: ShardRef) => `${s.type}/${s.shard}`;
    const c = new ShardCoordinator(id, SHARDS, OPTIONS, {
      announce: async (a: MemberAnnouncement) => {
        if (this.muted.has(id)) return;
        for (const n of this.nodes.values()) queueMicrotask(() => n.observe(a));
      },
      acquire: async (s) => {
        const holder = this.holders.get(k(s));
        if (holder && holder !== id && !this.muted.has(holder)) this.violations.push(`${id} acquired ${k(s)} held by ${holder}`);
        this.holders.set(k(s), id);
      },
      release: async (s) => {
        await new Promise((r) => setTimeout(r, 5)); // the drain
        if (this.holders.get(k(s)) === id) this.holders.delete(k(s));
      },
    });
    this.nodes.set(id, c);
    for (const t of types) c.addType(t);
    return c;
  }

  /** Shards per node, when every shard of both types is held and the split is even. */
  balanced(ids: string[]): boolean {
    if (this.holders.size !== 2 * SHARDS) return false;
    const counts = ids.map((id) => [...this.holders.values()].filter((h) => h === id).length);
    return counts.every((n) => n >= Math.floor((2 * SHARDS) / ids.length) - 5);
  }
}

async function until(check: () => boolean, what: string, ms = 5000): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe('ShardCoordinator', () => {
  let bus: Bus;
  beforeEach(() => (bus = new Bus()));
  afterEach(async () => {
    for (const c of bus.nodes.values()) await c.leave();
  });

  it('alone, takes every shard once its join window has passed', async () => {
    const a = bus.add('a');
    expect(bus.holders.size).toBe(0);
    await until(() => bus.holders.size === 2 * SHARDS, 'a to hold every shard');
    expect(a.owned().session).toHaveLength(SHARDS);
  });

  it('spreads the shards as nodes join, never acquiring a shard another node still holds', async () => {
    bus.add('a');
    await until(() => bus.holders.size === 2 * SHARDS, 'a to hold every shard');
    bus.add('b');
    bus.add('c');
    await until(() => bus.balanced(['a', 'b', 'c']), 'the shards to spread over a, b and c');
    expect(bus.violations).toEqual([]);
  });

  it('takes over the shards of a node that leaves at once, and of a silent node after the failure timeout', async () => {
    bus.add('a');
    const b = bus.add('b');
    bus.add('c');
    await until(() => bus.balanced(['a', 'b', 'c']), 'the shards to spread');
    // A leaving runtime drains and closes its consumers around its `leaving` announcement (the
    // broker's single active consumer covers the overlap); here it lets go first.
    for (const [k, h] of bus.holders) if (h === 'b') bus.holders.delete(k);
    await b.leave();
    bus.nodes.delete('b');
    await until(() => bus.balanced(['a', 'c']), 'a and c to take b’s shards');
    bus.muted.add('c'); // frozen: it neither announces nor releases
    const c = bus.nodes.get('c') as ShardCoordinator;
    await c.leave();
    bus.nodes.delete('c');
    await until(() => [...bus.holders.values()].every((h) => h === 'a'), 'a to take c’s shards after the timeout', 3000);
    expect(bus.violations).toEqual([]);
  });
});

describe('ShardCoordinator#settled (start-up)', () => {
  const quietHost = (acquire: (s: ShardRef) => Promise<void>) => ({
    announce: async () => undefined,
    acquire,
    release: async () => undefined,
  });

  it('resolves once a lone node consumes every shard it owns (after its join window, in bounded steps)', async () => {
    const taken: ShardRef[] = [];
    const c = new ShardCoordinator(
      'n1',
      SHARDS,
      OPTIONS,
      quietHost(async (s) => void taken.push(s)),
    );
    c.addType('session');
    await c.settled();
    expect(taken).toHaveLength(SHARDS);
    await c.leave();
  });

  it('rejects with the first shard it could not acquire: the start fails instead of running without it', async () => {
    const c = new ShardCoordinator(
      'n1',
      SHARDS,
      OPTIONS,
      quietHost(async (s) => {
        if (s.shard === 4) throw new Error('RabbitMQ did not answer basic.consume warren.session.shard.4');
      }),
    );
    c.addType('session');
    await expect(c.settled()).rejects.toThrow('warren.session.shard.4');
    await c.leave();
  });

  it('a node hosting no entity type is settled at once', async () => {
    await expect(
      new ShardCoordinator(
        'n1',
        SHARDS,
        OPTIONS,
        quietHost(async () => undefined),
      ).settled(),
    ).resolves.toBeUndefined();
  });
});

describe('ShardCoordinator of a node that hosts no entity type', () => {
  it('never announces itself, even when it hears a newcomer (it is no member, so nobody declares it dead)', async () => {
    const announced: MemberAnnouncement[] = [];
    const c = new ShardCoordinator('client', SHARDS, OPTIONS, {
      announce: async (a) => void announced.push(a),
      acquire: async () => undefined,
      release: async () => undefined,
    });
    c.observe({ nodeId: 'runtime-1', startedAt: Date.now(), types: ['session'], owned: { session: [0, 1] } });
    await new Promise((r) => setTimeout(r, OPTIONS.heartbeatMs * 3));
    expect(announced).toEqual([]);
    await c.leave();
    expect(announced).toEqual([]);
  });
});
