/** What a runtime node announces about itself on the control exchange, every heartbeat. */
export interface MemberAnnouncement {
  nodeId: string;
  /** When the node started (epoch ms): a restarted node with the same id is a new incarnation. */
  startedAt: number;
  /** Entity types the node hosts (it may own their shards). */
  types: string[];
  /** Shards it consumes now, per entity type. */
  owned: Record<string, number[]>;
  /** Hand-offs in progress (shards it is draining), per entity type. */
  releasing?: Record<string, number[]>;
  /** Set by a node that is shutting down: the others stop counting on it at once. */
  leaving?: boolean;
  /** The node's failure-detector timeout (observers that have no configuration of their own use it). */
  failureTimeoutMs?: number;
  /** Hand-offs the node did since it started, and the latest ones with their durations. */
  handOffs?: { total: number; recent: { type: string; shard: number; ms: number; at: number }[] };
}

/** A live member as this node knows it. */
export interface Member extends MemberAnnouncement {
  /** When this node last heard from it (epoch ms, this node's clock). */
  lastSeen: number;
}

/**
 * The runtime nodes this node knows of, with a timeout failure detector: a member not heard from
 * for `failureTimeoutMs` is dead, and one that announced it is leaving is gone at once. Pure: the
 * caller feeds it announcements and the time.
 */
export class MemberTable {
  private readonly members = new Map<string, Member>();

  constructor(private readonly failureTimeoutMs: number) {}

  /** Records an announcement; returns true when the set of members or what they host changed. */
  observe(a: MemberAnnouncement, now: number): boolean {
    const known = this.members.get(a.nodeId);
    if (a.leaving) {
      if (!known) return false;
      this.members.delete(a.nodeId);
      return true;
    }
    // A late announcement of an older incarnation does not bring it back.
    if (known && a.startedAt < known.startedAt) return false;
    this.members.set(a.nodeId, { ...a, lastSeen: now });
    return !known || known.startedAt !== a.startedAt || known.types.join() !== a.types.join();
  }

  /** Drops members silent past the timeout; returns their ids. */
  expire(now: number): string[] {
    const dead: string[] = [];
    for (const [id, m] of this.members) {
      if (now - m.lastSeen > this.failureTimeoutMs) {
        this.members.delete(id);
        dead.push(id);
      }
    }
    return dead;
  }

  /** Live members hosting `type`, sorted by id. */
  hosting(type: string): string[] {
    return [...this.members.values()]
      .filter((m) => m.types.includes(type))
      .map((m) => m.nodeId)
      .sort();
  }

  /** Every live member, sorted by id. */
  all(): Member[] {
    return [...this.members.values()].sort((a, b) => (a.nodeId < b.nodeId ? -1 : a.nodeId > b.nodeId ? 1 : 0));
  }
}
