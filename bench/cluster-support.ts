/**
 * Runtime processes of one vhost for the cluster bench: a set of `runtime` apps on one shared
 * embedded store (same host), and a watcher of their membership announcements on `warren.control`
 * that says when the shards have settled on a given set of nodes.
 */

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import type { MemberAnnouncement } from '@warren/actors';
import { type ChannelModel, connect } from 'amqplib';
import { until } from './support';
import { WarrenSystem } from './system';

/** Runtime apps (`dist/apps/runtime`) sharing one data dir, by node id. */
export class RuntimeCluster {
  readonly nodes = new Map<string, WarrenSystem>();
  private readonly dataDir = mkdtempSync(join(process.env.WARREN_BENCH_DIR ?? tmpdir(), 'warren-cluster-bench-'));

  /** @param separateStores a data dir per runtime (a diagnostic only: sessions then lose state when their shard moves). */
  constructor(
    private readonly url: string,
    private readonly env: Record<string, string>,
    private readonly separateStores = false,
  ) {}

  /** Starts runtime `nodeId`; resolves when it listens (its metrics port). */
  async add(nodeId: string): Promise<WarrenSystem> {
    const node = await WarrenSystem.start(
      this.url,
      {
        ...this.env,
        WARREN__RUNTIME__NODE_ID: nodeId,
        WARREN__RUNTIME__METRICS_PORT: '0',
        ...(this.separateStores ? {} : { WARREN_DATA_DIR: this.dataDir }),
      },
      'runtime',
    );
    this.nodes.set(nodeId, node);
    return node;
  }

  get(nodeId: string): WarrenSystem {
    const node = this.nodes.get(nodeId);
    if (!node) throw new Error(`no runtime ${nodeId}`);
    return node;
  }

  get warnings(): number {
    return [...this.nodes.values()].reduce((n, s) => n + s.warnings, 0);
  }

  async stop(): Promise<void> {
    await Promise.all([...this.nodes.values()].map((n) => n.stop()));
    rmSync(this.dataDir, { recursive: true, force: true });
  }
}

/** The latest membership announcement of every runtime node, heard on `warren.control` like any node hears them. */
export class ControlWatcher {
  private readonly latest = new Map<string, MemberAnnouncement>();

  private constructor(private readonly connection: ChannelModel) {}

  static async open(url: string): Promise<ControlWatcher> {
    const connection = await connect(url);
    const watcher = new ControlWatcher(connection);
    const ch = await connection.createChannel();
    await ch.assertExchange('warren.control', 'fanout', { durable: true });
    const { queue } = await ch.assertQueue('', { exclusive: true, autoDelete: true });
    await ch.bindQueue(queue, 'warren.control', '');
    await ch.consume(
      queue,
      (m) => {
        if (!m) return;
        try {
          const c = JSON.parse(m.content.toString('utf8')) as { kind?: string; member?: MemberAnnouncement };
          if (c.kind === 'member' && c.member) watcher.latest.set(c.member.nodeId, c.member);
        } catch {
          // not a command
        }
      },
      { noAck: true },
    );
    return watcher;
  }

  /**
   * Whether every shard of every entity type the `nodes` host is consumed by exactly one of them,
   * each holding at most ⌈shards/nodes⌉ of each type (the bounded load: 16 over 3 may end 6/6/4),
   * none draining, none leaving.
   */
  settledOn(nodes: string[], shards: number): boolean {
    const seen = nodes.map((n) => this.latest.get(n));
    if (seen.some((a) => !a || a.leaving || Object.values(a.releasing ?? {}).some((l) => l.length > 0))) return false;
    const all = seen as MemberAnnouncement[];
    const types = new Set(all.flatMap((a) => a.types));
    const hi = Math.ceil(shards / nodes.length);
    for (const type of types) {
      const owners = new Array<number>(shards).fill(0);
      for (const a of all) {
        const mine = a.owned[type] ?? [];
        if (mine.length > hi) return false;
        for (const s of mine) owners[s]++;
      }
      if (owners.some((n) => n !== 1)) return false;
    }
    return types.size > 0;
  }

  /** Waits until the shards have settled on `nodes`; resolves with performance.now() at that moment. */
  async settled(nodes: string[], shards: number, timeoutMs = 60_000): Promise<number> {
    try {
      await until(() => this.settledOn(nodes, shards), `shards to settle on ${nodes.join(', ')}`, timeoutMs, 5);
    } catch (error) {
      throw new Error(`${(error as Error).message}; announced: ${this.describe()}`);
    }
    return performance.now();
  }

  /** Each node's latest announcement in short: shards consumed and draining per type, leaving. */
  describe(): string {
    return [...this.latest.values()]
      .map((a) => {
        const owned = Object.entries(a.owned).map(([t, l]) => `${t} ${l.length}`);
        const releasing = Object.entries(a.releasing ?? {}).map(([t, l]) => `${t} ${l.length}`);
        return `${a.nodeId}${a.leaving ? ' (leaving)' : ''}: ${owned.join(', ')}${releasing.length ? `; releasing ${releasing.join(', ')}` : ''}`;
      })
      .join(' | ');
  }

  async close(): Promise<void> {
    await this.connection.close().catch(() => undefined);
  }
}
