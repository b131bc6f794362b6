import type { MemberAnnouncement } from './member-table';

/** One live runtime node as an observer sees it. */
export interface ClusterNodeView {
  node: string;
  startedAt: string;
  lastSeen: string;
  types: string[];
  /** Shards consumed now, counted per entity type. */
  shards: Record<string, number>;
  /** Shards it handed off since it started. */
  handOffs: number;
}

/** The shards one node owns of one entity type. */
export interface ShardOwnershipView {
  type: string;
  node: string;
  count: number;
  /** Shard numbers, e.g. `0,3,7`. */
  shards: string;
}

/** A hand-off in progress (the releasing node is draining the shard). */
export interface HandOffInProgressView {
  node: string;
  type: string;
  shard: number;
  /** Since the observer first saw it draining. */
  forMs: number;
}

/** A finished hand-off, as the releasing node measured it. */
export interface HandOffDoneView {
  node: string;
  type: string;
  shard: number;
  ms: number;
  at: string;
}

/** `GET /v1/admin/cluster`. */
export interface ClusterSnapshot {
  /** The process whose view this is (it hears every node's announcements on `warren.control`). */
  observedBy: string;
  nodes: ClusterNodeView[];
  shards: ShardOwnershipView[];
  handOffs: { inProgress: HandOffInProgressView[]; recent: HandOffDoneView[]; total: number };
}

interface Seen {
  a: MemberAnnouncement;
  lastSeen: number;
}

/**
 * The cluster as any process on the vhost can see it from the runtime nodes' announcements: live
 * nodes (each expires after its own announced failure timeout), who owns which shards, hand-offs
 * in progress and recent ones with their durations. A standalone gateway builds the admin view
 * from it without asking any runtime.
 */
export class ClusterView {
  private readonly members = new Map<string, Seen>();
  private readonly draining = new Map<string, number>();

  constructor(readonly observedBy: string) {}

  observe(a: MemberAnnouncement, now = Date.now()): void {
    const known = this.members.get(a.nodeId);
    if (known && a.startedAt < known.a.startedAt) return;
    if (a.leaving) this.members.delete(a.nodeId);
    else this.members.set(a.nodeId, { a, lastSeen: now });
    const releasing = new Set<string>();
    for (const [type, list] of Object.entries(a.leaving ? {} : (a.releasing ?? {})))
      for (const s of list) releasing.add(`${a.nodeId} ${type} ${s}`);
    for (const k of releasing) if (!this.draining.has(k)) this.draining.set(k, now);
    for (const k of [...this.draining.keys()]) if (k.startsWith(`${a.nodeId} `) && !releasing.has(k)) this.draining.delete(k);
  }

  snapshot(now = Date.now()): ClusterSnapshot {
    for (const [id, m] of this.members) {
      if (now - m.lastSeen > (m.a.failureTimeoutMs ?? 5000)) {
        this.members.delete(id);
        for (const k of [...this.draining.keys()]) if (k.startsWith(`${id} `)) this.draining.delete(k);
      }
    }
    const live = [...this.members.values()].sort((x, y) => (x.a.nodeId < y.a.nodeId ? -1 : 1));
    const nodes = live.map(({ a, lastSeen }) => ({
      node: a.nodeId,
      startedAt: new Date(a.startedAt).toISOString(),
      lastSeen: new Date(lastSeen).toISOString(),
      types: [...a.types],
      shards: Object.fromEntries(Object.entries(a.owned).map(([t, list]) => [t, list.length])),
      handOffs: a.handOffs?.total ?? 0,
    }));
    const shards = live.flatMap(({ a }) =>
      Object.entries(a.owned).map(([type, list]) => ({ type, node: a.nodeId, count: list.length, shards: list.join(',') })),
    );
    shards.sort((x, y) => (x.type === y.type ? (x.node < y.node ? -1 : 1) : x.type < y.type ? -1 : 1));
    const inProgress = [...this.draining].map(([k, since]) => {
      const [node, type, shard] = k.split(' ');
      return { node, type, shard: Number(shard), forMs: now - since };
    });
    const recent = live
      .flatMap(({ a }) => (a.handOffs?.recent ?? []).map((h) => ({ node: a.nodeId, ...h, at: new Date(h.at).toISOString() })))
      .sort((x, y) => (x.at < y.at ? 1 : -1))
      .slice(0, 50);
    const total = live.reduce((n, { a }) => n + (a.handOffs?.total ?? 0), 0);
    return { observedBy: this.observedBy, nodes, shards, handOffs: { inProgress, recent, total } };
  }
}
