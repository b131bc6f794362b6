import type { MemberTable } from './member-table';
import { rendezvousRanking } from './rendezvous';

/** A shard of an entity type. */
export interface ShardRef {
  type: string;
  shard: number;
}

/** What a node should do next about its shards. */
export interface RebalanceStep {
  /** Shards this node owns and does not consume yet. */
  acquire: ShardRef[];
  /** Shards this node consumes and no longer owns: drain, then let go. */
  release: ShardRef[];
}

/**
 * Decides which shards this node owns (rendezvous hashing over the live members hosting each type,
 * bounded: a node takes at most ⌈shards / nodes⌉ of a type, a shard whose first choice is full goes
 * to its next choice, so the split is even; deterministic, so every node with the same view agrees) and how to get there from what it
 * consumes now, at most `maxMovesPerStep` acquisitions and releases per step so that a node joining
 * or leaving moves shards a few at a time instead of stopping every session at once.
 */
export class ShardAllocator {
  constructor(
    private readonly self: string,
    private readonly shardCount: number,
    private readonly maxMovesPerStep: number,
  ) {}

  /** The shards of `types` this node owns in `table`'s view. */
  owned(types: readonly string[], table: MemberTable): ShardRef[] {
    const mine: ShardRef[] = [];
    for (const type of types) {
      const nodes = table.hosting(type);
      if (!nodes.includes(this.self)) nodes.push(this.self);
      const cap = Math.ceil(this.shardCount / nodes.length);
      const load = new Map<string, number>();
      for (let shard = 0; shard < this.shardCount; shard++) {
        const owner = rendezvousRanking(`${type}/${shard}`, nodes).find((n) => (load.get(n) ?? 0) < cap) as string;
        load.set(owner, (load.get(owner) ?? 0) + 1);
        if (owner === this.self) mine.push({ type, shard });
      }
    }
    return mine;
  }

  /** The next bounded step from `consuming` towards `owned`. */
  step(consuming: readonly ShardRef[], owned: readonly ShardRef[]): RebalanceStep {
    const key = (s: ShardRef) => `${s.type}/${s.shard}`;
    const have = new Set(consuming.map(key));
    const want = new Set(owned.map(key));
    return {
      acquire: owned.filter((s) => !have.has(key(s))).slice(0, this.maxMovesPerStep),
      release: consuming.filter((s) => !want.has(key(s))).slice(0, this.maxMovesPerStep),
    };
  }
}
