import type { RuntimeLogger } from '../runtime/dispatch-support';
import type { MemberAnnouncement } from './member-table';
import { MemberTable } from './member-table';
import { ShardAllocator, type ShardRef } from './shard-allocator';

/** Timing and bounds of shard ownership. Resolved by `resolveClusterOptions`. */
export interface ClusterOptions {
  /** How often a node announces itself on the control exchange. @default 1000 */
  heartbeatMs: number;
  /** A member silent this long is dead and its shards move. Must be ≥ 2 × heartbeatMs. @default 5000 */
  failureTimeoutMs: number;
  /** How long a starting node listens for the others before it takes shards. @default 500 */
  joinWindowMs: number;
  /** Shards acquired, and shards released, at most per rebalance step. @default 8 */
  maxMovesPerStep: number;
}

/** What the coordinator needs from the node: announcing, and taking or letting go of one shard. */
export interface ShardHost {
  /** Publishes an announcement to every node (the control exchange). May reject (broker away). */
  announce(a: MemberAnnouncement): Promise<void>;
  /** Starts consuming the shard (the broker's single active consumer still guards it). */
  acquire(shard: ShardRef): Promise<void>;
  /** Stops taking its deliveries, drains its activations, closes its consumer. */
  release(shard: ShardRef): Promise<void>;
}

/** A hand-off this node did: a shard it released, and how long the drain and close took. */
export interface HandOff {
  type: string;
  shard: number;
  startedAt: number;
  ms?: number;
}

/** What the coordinator reports (metrics, the admin view). */
export interface CoordinatorListener {
  handOffDone?(h: Required<HandOff>): void;
}

const key = (s: ShardRef) => `${s.type}/${s.shard}`;

/**
 * One node's part of shard ownership. It announces itself every heartbeat (and at once when
 * something changed), keeps the member table from everyone's announcements, computes the shards
 * it owns (rendezvous hashing over the live members hosting each type) and moves towards them in
 * bounded steps: a shard it no longer owns is released (drain, close, then announced); a shard it
 * owns is acquired only once no other live member claims it (owned or releasing), i.e. after the
 * previous owner announced the release, left, or was declared dead. Steps run one at a time.
 */
export class ShardCoordinator {
  readonly table: MemberTable;
  readonly startedAt = Date.now();
  private readonly allocator: ShardAllocator;
  private readonly types: string[] = [];
  private readonly consuming = new Map<string, ShardRef>();
  private readonly releasing = new Map<string, HandOff>();
  private timer: NodeJS.Timeout | undefined;
  private joinedAt: number | undefined;
  private stepping: Promise<void> | undefined;
  private again = false;
  private stopped = false;
  /** Start-up: settled once this node consumes every shard it owns that nobody else claims. */
  private readonly startup = settlement();
  handOffsTotal = 0;
  readonly recentHandOffs: Required<HandOff>[] = [];

  constructor(
    readonly nodeId: string,
    shardCount: number,
    private readonly options: ClusterOptions,
    private readonly host: ShardHost,
    private readonly listener: CoordinatorListener = {},
    private readonly log?: RuntimeLogger,
  ) {
    this.table = new MemberTable(options.failureTimeoutMs);
    this.allocator = new ShardAllocator(nodeId, shardCount, options.maxMovesPerStep);
  }

  /** Adds an entity type this node hosts; the first one starts the heartbeat and the join window. */
  addType(type: string): void {
    if (this.stopped || this.types.includes(type)) return;
    this.types.push(type);
    if (this.joinedAt === undefined) {
      this.joinedAt = Date.now();
      this.timer = setInterval(() => this.tick(), this.options.heartbeatMs);
      this.timer.unref();
      const join = setTimeout(() => this.rebalance(), this.options.joinWindowMs);
      join.unref();
    }
    void this.announce();
    this.rebalance();
  }

  /**
   * Resolves once this node consumes every shard it owns that no other member claims (right after
   * the join window when it is alone; a node joining a cluster owns nothing free at first), and
   * rejects with the first shard it could not acquire before that: a start-up that cannot open its
   * shards fails (exit 1, a supervisor restarts it) instead of running without them. Later
   * failures are logged and retried on the next step.
   */
  settled(): Promise<void> {
    if (this.joinedAt === undefined || this.stopped) return Promise.resolve();
    return this.startup.promise;
  }

  /** An announcement heard on the control exchange (this node's own included). */
  observe(a: MemberAnnouncement): void {
    if (a.nodeId === this.nodeId) return;
    const changed = this.table.observe(a, Date.now());
    // A newcomer learns of us at once (it is in its join window), and claims may have changed. A
    // node that hosts no entity type is no member: it never announces (else it would be heard once,
    // then declared dead, a false alarm in every runtime's log).
    if (changed && !a.leaving && this.joinedAt !== undefined) void this.announce();
    this.rebalance();
  }

  /** Shards consumed now, per type. */
  owned(): Record<string, number[]> {
    const out: Record<string, number[]> = {};
    for (const t of this.types) out[t] = [];
    for (const s of this.consuming.values()) out[s.type]?.push(s.shard);
    for (const list of Object.values(out)) list.sort((a, b) => a - b);
    return out;
  }

  /** Live members, this node included. */
  memberCount(): number {
    return this.table.all().filter((m) => m.nodeId !== this.nodeId).length + 1;
  }

  /** Shards consumed now, counted per type. */
  ownedCounts(): Record<string, number> {
    return Object.fromEntries(Object.entries(this.owned()).map(([t, list]) => [t, list.length]));
  }

  /** Hand-offs in progress (shards draining). */
  inProgress(): HandOff[] {
    return [...this.releasing.values()];
  }

  /** This node's announcement now. */
  announcement(leaving = false): MemberAnnouncement {
    const releasing: Record<string, number[]> = {};
    for (const h of this.releasing.values()) releasing[h.type] = [...(releasing[h.type] ?? []), h.shard];
    return {
      nodeId: this.nodeId,
      startedAt: this.startedAt,
      types: [...this.types],
      owned: this.owned(),
      ...(this.releasing.size > 0 ? { releasing } : {}),
      ...(leaving ? { leaving: true } : {}),
      failureTimeoutMs: this.options.failureTimeoutMs,
      handOffs: {
        total: this.handOffsTotal,
        recent: this.recentHandOffs.slice(-10).map((h) => ({ type: h.type, shard: h.shard, ms: h.ms, at: h.startedAt })),
      },
    };
  }

  /**
   * Stops rebalancing (waits for a step in progress) and announces that this node is leaving, so
   * the others take its shards as soon as it closes them instead of after the failure timeout.
   */
  async leave(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    this.startup.resolve();
    clearInterval(this.timer);
    await this.stepping;
    // Best effort, bounded: a broker that stopped answering must not hold the shutdown (the others
    // then see this node silent and declare it dead after the failure timeout).
    if (this.joinedAt !== undefined) await withinMs(this.announce(true), this.options.heartbeatMs);
  }

  private tick(): void {
    if (this.stopped) return;
    const dead = this.table.expire(Date.now());
    void this.announce();
    if (dead.length > 0)
      this.log?.warn({ dead, failureTimeoutMs: this.options.failureTimeoutMs }, 'members declared dead (silent past the failure timeout)');
    this.rebalance();
  }

  private onError(err: unknown, what: string): void {
    this.log?.warn({ err, node: this.nodeId }, `shard ownership: ${what} failed`);
  }

  private async announce(leaving = false): Promise<void> {
    try {
      await this.host.announce(this.announcement(leaving));
    } catch (err) {
      this.onError(err, 'announcing this node');
    }
  }

  /** Runs a step now, or right after the one in progress. */
  rebalance(): void {
    if (this.stopped || this.joinedAt === undefined || Date.now() - this.joinedAt < this.options.joinWindowMs) return;
    if (this.stepping) {
      this.again = true;
      return;
    }
    this.stepping = this.step().finally(() => {
      this.stepping = undefined;
      if (this.again) {
        this.again = false;
        this.rebalance();
      }
    });
  }

  /** The shards of each type no other live member claims (owned or releasing). */
  private claimedByOthers(): Set<string> {
    const claimed = new Set<string>();
    for (const m of this.table.all()) {
      if (m.nodeId === this.nodeId) continue;
      for (const map of [m.owned, m.releasing ?? {}])
        for (const [type, shards] of Object.entries(map)) for (const s of shards) claimed.add(`${type}/${s}`);
    }
    return claimed;
  }

  private async step(): Promise<void> {
    const owned = this.allocator.owned(this.types, this.table);
    const consuming = [...this.consuming.values()];
    const claimed = this.claimedByOthers();
    const free = owned.filter((s) => !claimed.has(key(s)));
    const { release } = this.allocator.step(consuming, owned);
    const { acquire } = this.allocator.step(consuming, free);
    if (acquire.length === 0) this.startup.resolve();
    if (release.length === 0 && acquire.length === 0) return;
    await Promise.all([...release.map((s) => this.releaseOne(s)), ...acquire.map((s) => this.acquireOne(s))]);
    await this.announce();
    // More to do (bounded steps): go on right after this one.
    if (release.length + acquire.length > 0) this.again = true;
  }

  private async acquireOne(s: ShardRef): Promise<void> {
    try {
      await this.host.acquire(s);
      this.consuming.set(key(s), s);
    } catch (err) {
      this.onError(err, `acquiring ${key(s)}`);
      this.startup.reject(err);
    }
  }

  private async releaseOne(s: ShardRef): Promise<void> {
    const h: HandOff = { type: s.type, shard: s.shard, startedAt: Date.now() };
    this.releasing.set(key(s), h);
    this.consuming.delete(key(s));
    void this.announce(); // the others see it draining (still claimed: they wait)
    try {
      await this.host.release(s);
    } catch (err) {
      this.onError(err, `releasing ${key(s)}`);
    } finally {
      this.releasing.delete(key(s));
      const done = { ...h, ms: Date.now() - h.startedAt };
      this.handOffsTotal++;
      this.recentHandOffs.push(done);
      if (this.recentHandOffs.length > 50) this.recentHandOffs.shift();
      this.listener.handOffDone?.(done);
    }
  }
}

/** Waits for `work` at most `ms` (never rejects: `announce` logs its own failures). */
async function withinMs(work: Promise<void>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([work, new Promise<void>((resolve) => (timer = setTimeout(resolve, ms)))]);
  clearTimeout(timer);
}

/** A promise settled once, by whichever of resolve or reject comes first. */
function settlement(): { promise: Promise<void>; resolve(): void; reject(err: unknown): void } {
  let resolve!: () => void;
  let reject!: (err: unknown) => void;
  const promise = new Promise<void>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  // Nobody may be waiting (a runtime that never asks): a rejection is not unhandled.
  promise.catch(() => undefined);
  return { promise, resolve, reject };
}
