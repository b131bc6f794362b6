import { ClusterView } from './cluster-view';

const member = (nodeId: string, extra: object = {}) => ({
  nodeId,
  startedAt: 1_000,
  types: ['session'],
  owned: { session: nodeId === 'a' ? [0, 2] : [1] },
  failureTimeoutMs: 5000,
  ...extra,
});

describe('ClusterView', () => {
  it('lists the live nodes and their shards, and forgets a node silent past its own failure timeout or leaving', () => {
    const v = new ClusterView('gateway-1');
    v.observe(member('a'), 0);
    v.observe(member('b'), 0);
    let s = v.snapshot(1000);
    expect(s.observedBy).toBe('gateway-1');
    expect(s.nodes.map((n) => [n.node, n.shards])).toEqual([
      ['a', { session: 2 }],
      ['b', { session: 1 }],
    ]);
    expect(s.shards).toEqual([
      { type: 'session', node: 'a', count: 2, shards: '0,2' },
      { type: 'session', node: 'b', count: 1, shards: '1' },
    ]);
    v.observe(member('a'), 4000);
    s = v.snapshot(5500);
    expect(s.nodes.map((n) => n.node)).toEqual(['a']);
    v.observe(member('a', { leaving: true }), 5600);
    expect(v.snapshot(5700).nodes).toEqual([]);
  });

  it('shows a hand-off in progress while the node announces the shard as releasing, and the ones done with their durations', () => {
    const v = new ClusterView('g');
    v.observe(member('a', { releasing: { session: [2] } }), 100);
    expect(v.snapshot(400).handOffs.inProgress).toEqual([{ node: 'a', type: 'session', shard: 2, forMs: 300 }]);
    v.observe(
      member('a', { owned: { session: [0] }, handOffs: { total: 1, recent: [{ type: 'session', shard: 2, ms: 250, at: 100 }] } }),
      500,
    );
    const h = v.snapshot(600).handOffs;
    expect(h.inProgress).toEqual([]);
    expect(h.total).toBe(1);
    expect(h.recent).toEqual([{ node: 'a', type: 'session', shard: 2, ms: 250, at: new Date(100).toISOString() }]);
  });
});
