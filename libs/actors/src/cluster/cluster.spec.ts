import { MemberTable } from './member-table';
import { rendezvousOwner } from './rendezvous';
import { ShardAllocator } from './shard-allocator';

const announce = (nodeId: string, startedAt = 1, extra: object = {}) => ({
  nodeId,
  startedAt,
  types: ['session', 'limiter'],
  owned: {},
  ...extra,
});

describe('rendezvousOwner()', () => {
  const keys = Array.from({ length: 256 }, (_, i) => `session/${i}`);

  it('gives every node about its share of the keys', () => {
    const nodes = ['a', 'b', 'c'];
    const counts = new Map<string, number>();
    for (const k of keys) {
      const owner = rendezvousOwner(k, nodes) as string;
      counts.set(owner, (counts.get(owner) ?? 0) + 1);
    }
    for (const n of nodes) expect(counts.get(n)).toBeGreaterThan(256 / 3 - 30);
  });

  it('moves only the keys the new node wins when a node joins, and only the leaver’s keys when it leaves', () => {
    const before = new Map(keys.map((k) => [k, rendezvousOwner(k, ['a', 'b', 'c'])]));
    const joined = new Map(keys.map((k) => [k, rendezvousOwner(k, ['a', 'b', 'c', 'd'])]));
    for (const k of keys) if (joined.get(k) !== before.get(k)) expect(joined.get(k)).toBe('d');
    const left = new Map(keys.map((k) => [k, rendezvousOwner(k, ['a', 'c'])]));
    for (const k of keys) if (left.get(k) !== before.get(k)) expect(before.get(k)).toBe('b');
  });

  it('does not depend on the order the nodes are listed in', () => {
    for (const k of keys.slice(0, 20)) expect(rendezvousOwner(k, ['c', 'a', 'b'])).toBe(rendezvousOwner(k, ['a', 'b', 'c']));
    expect(rendezvousOwner('x', [])).toBeUndefined();
  });
});

describe('MemberTable', () => {
  it('knows a member until it is silent past the failure timeout, and forgets a leaving one at once', () => {
    const t = new MemberTable(5000);
    expect(t.observe(announce('a'), 0)).toBe(true);
    expect(t.observe(announce('b'), 0)).toBe(true);
    expect(t.observe(announce('a'), 1000)).toBe(false);
    expect(t.expire(5500)).toEqual(['b']);
    expect(t.hosting('session')).toEqual(['a']);
    expect(t.observe(announce('a', 1, { leaving: true }), 5600)).toBe(true);
    expect(t.all()).toEqual([]);
  });

  it('treats a restarted node (a later startedAt) as changed and ignores a late message of its old incarnation', () => {
    const t = new MemberTable(5000);
    t.observe(announce('a', 1), 0);
    expect(t.observe(announce('a', 2), 10)).toBe(true);
    expect(t.observe(announce('a', 1), 20)).toBe(false);
    expect(t.all()[0].startedAt).toBe(2);
  });
});

describe('ShardAllocator', () => {
  it('splits the shards of each type among the members hosting it, and every node agrees', () => {
    const t = new MemberTable(5000);
    for (const n of ['a', 'b', 'c']) t.observe(announce(n), 0);
    const owned = ['a', 'b', 'c'].map((n) => new ShardAllocator(n, 64, 8).owned(['session'], t));
    expect(owned.reduce((sum, o) => sum + o.length, 0)).toBe(64);
    const all = owned
      .flat()
      .map((s) => s.shard)
      .sort((x, y) => x - y);
    expect(all).toEqual(Array.from({ length: 64 }, (_, i) => i));
    // Bounded loads: at most ⌈64 / 3⌉ = 22 each (so at least 64 - 2 × 22 = 20): even, not just about even.
    for (const o of owned) expect(o.length).toBeGreaterThanOrEqual(20);
    for (const o of owned) expect(o.length).toBeLessThanOrEqual(22);
  });

  it('keeps most shards where they were when a node joins (rendezvous order with bounded loads)', () => {
    const before = new MemberTable(5000);
    for (const n of ['a', 'b', 'c']) before.observe(announce(n), 0);
    const after = new MemberTable(5000);
    for (const n of ['a', 'b', 'c', 'd']) after.observe(announce(n), 0);
    const own = (t: MemberTable, n: string) => new Set(new ShardAllocator(n, 64, 8).owned(['session'], t).map((s) => s.shard));
    let kept = 0;
    for (const n of ['a', 'b', 'c']) {
      const was = own(before, n);
      for (const s of own(after, n)) if (was.has(s)) kept++;
    }
    expect(own(after, 'd').size).toBe(16);
    // About 48 of 64 could stay; the bounded loads move a few more than the minimum.
    expect(kept).toBeGreaterThanOrEqual(40);
  });

  it('counts itself as a member before it has heard its own announcement', () => {
    expect(new ShardAllocator('solo', 4, 8).owned(['session'], new MemberTable(5000))).toHaveLength(4);
  });

  it('moves at most maxMovesPerStep shards per step, acquiring what it owns and releasing what it no longer does', () => {
    const alloc = new ShardAllocator('a', 16, 3);
    const owned = [0, 1, 2, 3, 4].map((shard) => ({ type: 'session', shard }));
    const consuming = [4, 5, 6, 7, 8].map((shard) => ({ type: 'session', shard }));
    const step = alloc.step(consuming, owned);
    expect(step.acquire.map((s) => s.shard)).toEqual([0, 1, 2]);
    expect(step.release.map((s) => s.shard)).toEqual([5, 6, 7]);
    expect(alloc.step(owned, owned)).toEqual({ acquire: [], release: [] });
  });
});
