import { randomUUID } from 'node:crypto';
import type {
  AskOptions,
  AskStreamOptions,
  ControlCommand,
  HostedType,
  HostingCallbacks,
  HostingTransport,
  OutboundMessage,
  PublishOptions,
  ReplyAddress,
  RuntimeLogger,
  StreamPart,
} from '@warren/actors';
import {
  type ActorAddress,
  CLOUDEVENTS_CONTENT_TYPE,
  type CloudEvent,
  createCloudEvent,
  REPLY_TYPES,
  type ReplyBody,
  UnknownActorTypeError,
} from '@warren/contracts';
import type { ChannelModel, ConsumeMessage } from 'amqplib';
import type { AmqpTransportOptions } from './amqp-options';
import { AskClient } from './ask-client';
import { ConfirmPublisher } from './confirm-publisher';
import { ConnectionManager } from './connection-manager';
import { WARNINGS_TO_CONSOLE } from './console-logger';
import { ControlConsumer } from './control-consumer';
import { DeadLetterConsumer, type DeadLetterConsumerOptions, type DeadLetterHandler } from './dead-letter-consumer';
import { type EventListener, EventSubscriber } from './event-subscriber';
import { HostedQueues } from './hosted-queues';
import {
  actorExchange,
  EXCHANGES,
  ingressShardQueue,
  KNOWLEDGE_QUEUE,
  requestQueue,
  requestRoutingKey,
  shardQueue,
  workerQueue,
  workerRoutingKey,
} from './names';
import { QueueConsumer } from './queue-consumer';
import type { TopologySpec } from './topology';

/** What the transport needs to know about actor types it sends to but may not host. */
export interface ActorTypeTable {
  /** `session: 'entity'`, `model: 'worker'`, … */
  kinds: Record<string, 'entity' | 'worker'>;
  /** Worker pools to declare even when not hosted here (so tells to them are not lost). */
  workerPools?: { type: string; key: string }[];
  /** Declare the ingress exchanges and shards. */
  ingress?: boolean;
}

/** AMQP properties of a republished message (`AmqpTransport#republish`). */
export interface RepublishProperties {
  /** The new message id (a replay gets a fresh one; the broker return is matched on it). */
  messageId: string;
  type?: string;
  headers: Record<string, unknown>;
  /** Default `application/cloudevents+json`. */
  contentType?: string;
}

/**
 * The RabbitMQ implementation of the runtime's transport: tells are persistent and
 * confirmed; asks use direct reply-to; every consumer has its own channel; topology and
 * consumers come back after every reconnection. The topology of every known type is declared
 * before any consumer opens (`holdConsumers` / `startConsumers` when hosting several types).
 */
export class AmqpTransport implements HostingTransport {
  readonly nodeId: string;
  private readonly connection: ConnectionManager;
  private readonly publisher: ConfirmPublisher;
  private readonly asks: AskClient;
  private readonly controlConsumer: ControlConsumer;
  private readonly hosted: HostedQueues;
  private readonly deadLetterConsumers: DeadLetterConsumer[] = [];
  private readonly kinds = new Map<string, 'entity' | 'worker'>();
  private model: ChannelModel | undefined;

  constructor(
    private readonly options: AmqpTransportOptions,
    types: ActorTypeTable,
    private readonly log: RuntimeLogger = WARNINGS_TO_CONSOLE,
  ) {
    this.nodeId = options.nodeId;
    for (const [type, kind] of Object.entries(types.kinds)) this.kinds.set(type, kind);
    const topology: TopologySpec = {
      shardCount: options.shardCount,
      deliveryLimit: options.deliveryLimit,
      entityTypes: Object.entries(types.kinds)
        .filter(([, k]) => k === 'entity')
        .map(([t]) => t),
      workerPools: [...(types.workerPools ?? [])],
      requestPools: [...options.requestPools],
      retryTiersMs: options.workerRetryTiersMs,
      ingress: types.ingress ?? false,
    };
    this.connection = new ConnectionManager(
      {
        url: options.url,
        connectRetries: options.connectRetries,
        heartbeatSeconds: options.heartbeatSeconds,
        connectTimeoutMs: options.connectTimeoutMs,
        operationTimeoutMs: options.operationTimeoutMs,
        closeTimeoutMs: options.closeTimeoutMs,
        setupTimeoutMs: options.setupTimeoutMs,
        name: `warren ${options.nodeId}`,
      },
      log,
    );
    this.hosted = new HostedQueues(this.connection, topology);
    // Order matters: topology first, then the ask channel, then consumers.
    this.connection.onConnect(async (model) => {
      await this.hosted.declare(model);
      this.model = model;
    });
    this.publisher = new ConfirmPublisher(this.connection, options.publishTimeoutMs);
    this.asks = new AskClient(this.connection, options.publishTimeoutMs);
    this.controlConsumer = new ControlConsumer(this.connection, options.nodeId);
    this.connection.onConnect(async (model) => {
      if (!this.hosted.holding) await this.hosted.open(model);
      for (const c of this.deadLetterConsumers) await this.openDeadLetters(model, c);
    });
  }

  private async openDeadLetters(model: ChannelModel, consumer: DeadLetterConsumer): Promise<void> {
    await this.connection.op(model, consumer.open(model), 'opening the dead-letter consumer');
  }

  /**
   * Connects (failing over between the URL's nodes), declares the topology and starts the
   * consumers registered so far. Rejects with one clear `BrokerUnavailableError` when no node
   * answers the handshake in time, or when a set-up phase does not finish within its limit.
   */
  async start(): Promise<void> {
    await this.connection.start();
  }

  /** `host:port` of the broker node this process is connected to (undefined while disconnected). */
  get brokerNode(): string | undefined {
    return this.connection.currentNode;
  }

  get connected(): boolean {
    return this.connection.connected;
  }

  private route(target: ActorAddress): { exchange: string; routingKey: string; durable: boolean } {
    const kind = this.kinds.get(target.type);
    if (kind === 'entity') return { exchange: actorExchange(target.type), routingKey: target.key, durable: true };
    if (kind === 'worker') {
      if (this.options.requestPools.includes(target.type))
        return { exchange: EXCHANGES.WORKERS, routingKey: requestRoutingKey(target.type, target.key), durable: false };
      return { exchange: EXCHANGES.WORKERS, routingKey: workerRoutingKey(target.type, target.key), durable: true };
    }
    throw new UnknownActorTypeError(target.type);
  }

  async tell(target: ActorAddress, message: OutboundMessage, options: PublishOptions = {}): Promise<void> {
    const { exchange, routingKey } = this.route(target);
    await this.publisher.publish(
      exchange,
      routingKey,
      Buffer.from(JSON.stringify(message.envelope)),
      {
        persistent: true,
        mandatory: true,
        messageId: message.envelope.id,
        type: message.envelope.type,
        contentType: CLOUDEVENTS_CONTENT_TYPE,
        timestamp: Math.floor(Date.now() / 1000),
        headers: message.headers,
      },
      options.immediate,
    );
  }

  /**
   * Publishes a stored message again, byte for byte, to `exchange`/`routingKey` (an operator's
   * replay): persistent, mandatory and confirmed. Resolves when the broker has it; an unroutable
   * message rejects with `NoRouteError`, a nack with `PublishRejectedError`.
   */
  async republish(exchange: string, routingKey: string, body: Buffer, properties: RepublishProperties): Promise<void> {
    await this.publisher.publish(exchange, routingKey, body, {
      persistent: true,
      mandatory: true,
      messageId: properties.messageId,
      type: properties.type,
      contentType: properties.contentType ?? CLOUDEVENTS_CONTENT_TYPE,
      timestamp: Math.floor(Date.now() / 1000),
      headers: properties.headers,
    });
  }

  ask(target: ActorAddress, message: OutboundMessage, options: AskOptions) {
    const { exchange, routingKey, durable } = this.route(target);
    return this.asks.ask(
      exchange,
      routingKey,
      `${target.type}/${target.key}`,
      message.envelope,
      message.headers,
      options.timeoutMs,
      options.signal,
      durable,
    );
  }

  askStream(target: ActorAddress, message: OutboundMessage, options: AskStreamOptions): AsyncIterable<StreamPart> {
    const { exchange, routingKey, durable } = this.route(target);
    return this.asks.askStream(
      exchange,
      routingKey,
      `${target.type}/${target.key}`,
      message.envelope,
      message.headers,
      options.idleTimeoutMs,
      options.signal,
      durable,
    );
  }

  async reply(
    to: ReplyAddress,
    part: { kind: 'reply'; body: ReplyBody } | StreamPart,
    headers?: Record<string, string | number>,
  ): Promise<void> {
    let event: CloudEvent;
    const source = `warren://node/${this.nodeId}`;
    if (part.kind === 'chunk') event = createCloudEvent({ id: randomUUID(), source, type: REPLY_TYPES.CHUNK, data: part.value });
    else if (part.kind === 'end') event = createCloudEvent({ id: randomUUID(), source, type: REPLY_TYPES.END, data: part.body });
    else event = createCloudEvent({ id: randomUUID(), source, type: part.body.ok ? REPLY_TYPES.OK : REPLY_TYPES.ERROR, data: part.body });
    await this.asks.reply(to.replyTo, to.correlationId, event, headers);
  }

  async control(command: ControlCommand): Promise<void> {
    await this.publisher.publish(EXCHANGES.CONTROL, '', Buffer.from(JSON.stringify(command)), {
      persistent: false,
      messageId: randomUUID(),
    });
  }

  onControl(handler: (command: ControlCommand) => void): void {
    this.controlConsumer.onCommand(handler);
  }

  /**
   * Declares the type's queues and consumes them (now if connected and not holding; again after
   * each reconnection). Between `holdConsumers()` and `startConsumers()` it only registers.
   */
  async host(spec: HostedType, callbacks: HostingCallbacks): Promise<void> {
    this.kinds.set(spec.type, spec.kind);
    const topology = this.hosted.topology;
    const consumers: QueueConsumer[] = [];
    const add = (queue: string, prefetch: number, keyOf: (m: ConsumeMessage) => string, requests = false) =>
      consumers.push(this.consumer(queue, prefetch, keyOf, callbacks, requests));
    const addShard = (n: number, keyOf: (m: ConsumeMessage) => string) => {
      const c = this.consumer(
        this.shardQueueName(spec.type, n),
        spec.prefetch ?? this.options.shardPrefetch,
        keyOf,
        callbacks,
        false,
        !spec.coordinated,
      );
      if (spec.coordinated) this.hosted.coordinate(spec.type, n, c);
      consumers.push(c);
    };
    if (spec.kind === 'entity' && spec.source === 'ingress') {
      topology.ingress = true;
      this.hosted.ingressType = spec.type;
      // Routing key `session.<sessionId>.<kind>`: the session id is the key (order per session).
      for (let n = 0; n < this.options.shardCount; n++) addShard(n, (m) => m.fields.routingKey.split('.')[1] ?? '');
    } else if (spec.kind === 'worker' && spec.source === 'knowledge') {
      topology.knowledge = true;
      add(KNOWLEDGE_QUEUE, spec.prefetch ?? this.options.workerPrefetch, () => 'ingest');
    } else if (spec.kind === 'entity') {
      if (!topology.entityTypes.includes(spec.type)) topology.entityTypes.push(spec.type);
      for (let n = 0; n < this.options.shardCount; n++) addShard(n, (m) => m.fields.routingKey);
    } else {
      for (const key of spec.keys ?? ['default']) {
        if (!topology.workerPools.some((p) => p.type === spec.type && p.key === key)) topology.workerPools.push({ type: spec.type, key });
        const requests = this.options.requestPools.includes(spec.type);
        add(
          requests ? requestQueue(spec.type, key) : workerQueue(spec.type, key),
          spec.prefetch ?? this.options.workerPrefetch,
          () => key,
          requests,
        );
      }
    }
    const added = this.hosted.add(spec.type, consumers);
    const model = this.model;
    if (this.hosted.holding || !model || !this.connection.connected) return;
    await this.hosted.declare(model);
    await this.hosted.open(model, added);
  }

  get shardCount(): number {
    return this.options.shardCount;
  }

  shardQueueName(type: string, shard: number): string {
    return type === this.hosted.ingressType ? ingressShardQueue(shard) : shardQueue(type, shard);
  }

  /** Consumes shard `shard` of a coordinated type, now and after every reconnection until `closeShard`. */
  consumeShard(type: string, shard: number): Promise<void> {
    return this.hosted.consumeShard(type, shard, () => (this.model && this.connection.connected ? this.model : undefined));
  }

  /** Closes the consumer of shard `shard` (unacked messages go back to the queue); it stays closed. */
  closeShard(type: string, shard: number): Promise<void> {
    return this.hosted.closeShard(type, shard);
  }

  /**
   * From now on `host()` registers without declaring or consuming, until `startConsumers()`.
   * An app hosting several types holds, hosts them all, then starts: every type's queues and
   * exchanges exist before the first consumer takes a message (a turn that arrives at once can
   * then reach the limiter, the model pool … instead of failing with `WARREN_NO_ROUTE`).
   */
  holdConsumers(): void {
    this.hosted.holding = true;
  }

  /**
   * Declares the topology of every registered type, then opens their consumers type by type
   * (each a logged set-up phase with its limit). When disconnected, the next connection's set-up
   * does the same.
   */
  async startConsumers(): Promise<void> {
    this.hosted.holding = false;
    const model = this.model;
    if (!model || !this.connection.connected) return;
    await this.hosted.declare(model);
    await this.hosted.open(model);
  }

  private consumer(
    queue: string,
    prefetch: number,
    keyOf: (m: ConsumeMessage) => string,
    callbacks: HostingCallbacks,
    requests = false,
    wanted = true,
  ): QueueConsumer {
    return new QueueConsumer(
      { queue, prefetch, keyOf, requests, onDelivery: (d) => callbacks.onDelivery(d), onLost: (q) => callbacks.onQueueLost(q) },
      this.publisher,
      this.nodeId,
      wanted,
    );
  }

  /**
   * Consumes `warren.dead` (competing with the other nodes' keepers): each message goes to
   * `handler` and is acked only after it resolved; a rejection returns the message to the queue
   * after a backoff. Opened now if connected, and again after every reconnection; closed by
   * `close()` (unacked messages go back to the queue).
   */
  async consumeDeadLetters(handler: DeadLetterHandler, options: DeadLetterConsumerOptions = {}): Promise<DeadLetterConsumer> {
    const consumer = new DeadLetterConsumer(handler, options);
    // Its own close waits up to 5 s for the broker: held to this transport's close limit instead
    // (the keeper closes it first thing at shutdown).
    const close = consumer.close.bind(consumer);
    consumer.close = () => this.connection.closeQuietly({ close }, 'closing the dead-letter consumer');
    this.deadLetterConsumers.push(consumer);
    if (this.model && this.connection.connected) await this.openDeadLetters(this.model, consumer);
    return consumer;
  }

  /**
   * Makes `type` routable before it is hosted. An app about to host several types registers
   * them all first, so the first type's consumers (which may find messages left from before a
   * restart) can already send to the others instead of refusing them as unknown.
   */
  knowActorType(type: string, kind: 'entity' | 'worker'): void {
    if (!this.kinds.has(type)) this.kinds.set(type, kind);
  }

  /** True when `type` is an actor type this transport can route to (hosted here or declared in its type table). */
  knowsActorType(type: string): boolean {
    return this.kinds.has(type);
  }

  /** Publishes a notification (CloudEvent) on `warren.events`; confirmed. */
  async publishEvent(
    routingKey: string,
    event: CloudEvent,
    headers: Record<string, string | number> = {},
    options: PublishOptions = {},
  ): Promise<void> {
    await this.publisher.publish(
      EXCHANGES.EVENTS,
      routingKey,
      Buffer.from(JSON.stringify(event)),
      {
        persistent: !options.transient,
        messageId: event.id,
        type: event.type,
        contentType: CLOUDEVENTS_CONTENT_TYPE,
        timestamp: Math.floor(Date.now() / 1000),
        headers,
      },
      options.immediate,
    );
  }

  /**
   * Subscribes this process to `warren.events` (an exclusive queue on this transport's connection,
   * bindings reference-counted); the queue, bindings and consumer come back after each reconnection.
   */
  subscribeEvents(listener: EventListener): EventSubscriber {
    return new EventSubscriber(this.connection, listener);
  }

  /**
   * Closes every consumer channel (without cancelling: the broker requeues what was not acked and
   * hands single-active-consumer queues to the standby in one step), each within the close limit.
   */
  async closeConsumers(): Promise<void> {
    await this.hosted.closeAll();
  }

  /**
   * Closes the consumers, the dead-letter consumers, the ask, publish and control channels and
   * the connection, each wait limited by `closeTimeoutMs`. When the broker has stopped answering
   * (a close ran out of time) the rest is not closed politely: the socket is dropped.
   */
  async close(): Promise<void> {
    const started = Date.now();
    await this.closeConsumers();
    await Promise.all(this.deadLetterConsumers.map((c) => this.connection.closeQuietly(c, 'closing the dead-letter consumer')));
    if (this.connection.connected && !this.connection.unresponsive)
      await Promise.all([this.asks.close(), this.publisher.close(), this.controlConsumer.close()]);
    const unresponsive = this.connection.unresponsive;
    await this.connection.close();
    this.log.info({ ms: Date.now() - started, ...(unresponsive ? { unresponsive } : {}) }, 'broker connection closed');
  }
}
