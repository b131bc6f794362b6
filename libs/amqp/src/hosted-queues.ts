import { UnknownActorTypeError } from '@warren/contracts';
import type { ChannelModel } from 'amqplib';
import type { ConnectionManager } from './connection-manager';
import type { QueueConsumer } from './queue-consumer';
import { declareTopology, type TopologySpec, topologySize } from './topology';

/** A queue consumer and the actor type it feeds. */
interface TypedConsumer {
  type: string;
  consumer: QueueConsumer;
}

/**
 * What this node declares and consumes: the topology of the types it knows and hosts, and their
 * queue consumers, opened type by type. Each declaration and each type's consumers is one logged
 * set-up phase with its limit. While held, nothing is opened (the types of an app are all declared
 * before the first of them consumes).
 * @internal (part of `AmqpTransport`)
 */
export class HostedQueues {
  private readonly consumers: TypedConsumer[] = [];
  private declared: { model: ChannelModel; done: Set<string> } | undefined;
  /** While true, `AmqpTransport#host()` only registers: nothing is declared or opened. */
  holding = false;
  /** The hosted type fed by the ingress shards (its shard queues are `warren.ingress.shard.<n>`). */
  ingressType: string | undefined;
  /** Consumers of coordinated entity shards (opened when the shard coordinator says), by `<type>/<shard>`. */
  private readonly shards = new Map<string, QueueConsumer>();

  constructor(
    private readonly connection: ConnectionManager,
    readonly topology: TopologySpec,
  ) {}

  /** Registers the consumers of one actor type (opened by `open`, now or on the next connection). */
  add(type: string, consumers: QueueConsumer[]): TypedConsumer[] {
    const added = consumers.map((consumer) => ({ type, consumer }));
    this.consumers.push(...added);
    return added;
  }

  /**
   * Declares the whole topology known so far on its own channel, skipping what was already declared
   * on this connection (a new connection declares everything again: the broker may have lost it).
   */
  declare(model: ChannelModel): Promise<void> {
    // One declaration at a time; `whenDeclared` waits for the latest.
    const next = this.latest.catch(() => undefined).then(() => this.declareNow(model));
    this.latest = next;
    return next;
  }

  /** Resolves once the declarations asked for so far are done (failed ones included). */
  async whenDeclared(): Promise<void> {
    let seen: Promise<void>;
    do {
      seen = this.latest;
      await seen.catch(() => undefined);
    } while (seen !== this.latest);
  }

  private latest: Promise<void> = Promise.resolve();

  private async declareNow(model: ChannelModel): Promise<void> {
    if (this.declared?.model !== model) this.declared = { model, done: new Set() };
    const done = this.declared.done;
    const size = topologySize(this.topology);
    await this.connection.phase(model, 'topology', { ...size, entityTypes: [...this.topology.entityTypes] }, async () => {
      const ch = await this.connection.op(model, model.createChannel(), 'channel.open (topology)');
      ch.on('error', () => undefined);
      await declareTopology(ch, this.topology, { bounded: (op, what) => this.connection.op(model, op, what), done });
      await this.connection.closeQuietly(ch, 'channel.close (topology)');
    });
  }

  /** Opens `consumers` (default: all) type by type, one channel at a time (gentle on the broker). */
  async open(model: ChannelModel, consumers: TypedConsumer[] = this.consumers): Promise<void> {
    const byType = new Map<string, QueueConsumer[]>();
    for (const { type, consumer } of consumers) byType.set(type, [...(byType.get(type) ?? []), consumer]);
    for (const [type, list] of byType)
      await this.connection.phase(model, `consumers of ${type}`, { queues: list.length }, async () => {
        for (const c of list) await c.open(model, this.connection);
      });
  }

  /** Registers the consumer of a coordinated shard. */
  coordinate(type: string, shard: number, consumer: QueueConsumer): void {
    this.shards.set(`${type}/${shard}`, consumer);
  }

  private shard(type: string, shard: number): QueueConsumer {
    const c = this.shards.get(`${type}/${shard}`);
    if (!c) throw new UnknownActorTypeError(`${type} (shard ${shard} is not a coordinated shard of this node)`);
    return c;
  }

  /**
   * Consumes a coordinated shard: now when connected (`live()`) and not holding, after the
   * declarations under way (its queue, and every queue its actors may send to, come first), and
   * again after every reconnection until `closeShard`.
   */
  async consumeShard(type: string, shard: number, live: () => ChannelModel | undefined): Promise<void> {
    const c = this.shard(type, shard);
    await this.whenDeclared();
    await c.want(this.holding ? undefined : live(), this.connection);
  }

  /** Closes a coordinated shard's consumer (unacked messages go back to the queue); not reopened. */
  async closeShard(type: string, shard: number): Promise<void> {
    await this.shard(type, shard).unwant(this.connection);
  }

  /** Closes every consumer channel, each within the close limit. */
  async closeAll(): Promise<void> {
    await Promise.all(this.consumers.map(({ consumer }) => consumer.close(this.connection)));
  }
}
