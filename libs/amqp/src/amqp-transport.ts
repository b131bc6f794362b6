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
import { ControlConsumer } from './control-consumer';
import { DeadLetterConsumer, type DeadLetterConsumerOptions, type DeadLetterHandler } from './dead-letter-consumer';
import { type EventListener, EventSubscriber } from './event-subscriber';
import { actorExchange, EXCHANGES, ingressShardQueue, shardQueue, workerQueue, workerRoutingKey } from './names';
import { QueueConsumer } from './queue-consumer';
import { declareTopology, type TopologySpec } from './topology';

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
 * consumers come back after every reconnection.
 */
export class AmqpTransport implements HostingTransport {
  readonly nodeId: string;
  private readonly connection: ConnectionManager;
  private readonly publisher: ConfirmPublisher;
  private readonly asks: AskClient;
  private readonly controlConsumer: ControlConsumer;
  private readonly consumers: QueueConsumer[] = [];
  private readonly deadLetterConsumers: DeadLetterConsumer[] = [];
  private readonly kinds = new Map<string, 'entity' | 'worker'>();
  private readonly topology: TopologySpec;
  private model: ChannelModel | undefined;

  constructor(
    private readonly options: AmqpTransportOptions,
    types: ActorTypeTable,
  ) {
    this.nodeId = options.nodeId;
    for (const [type, kind] of Object.entries(types.kinds)) this.kinds.set(type, kind);
    this.topology = {
      shardCount: options.shardCount,
      deliveryLimit: options.deliveryLimit,
      entityTypes: Object.entries(types.kinds)
        .filter(([, k]) => k === 'entity')
        .map(([t]) => t),
      workerPools: [...(types.workerPools ?? [])],
      retryTiersMs: options.workerRetryTiersMs,
      ingress: types.ingress ?? false,
    };
    this.connection = new ConnectionManager({
      url: options.url,
      connectRetries: options.connectRetries,
      heartbeatSeconds: options.heartbeatSeconds,
      name: `warren ${options.nodeId}`,
    });
    // Order matters: topology first, then the ask channel, then consumers.
    this.connection.onConnect(async (model) => {
      const ch = await model.createChannel();
      await declareTopology(ch, this.topology);
      await ch.close();
      this.model = model;
    });
    this.publisher = new ConfirmPublisher(this.connection, options.publishTimeoutMs);
    this.asks = new AskClient(this.connection, options.publishTimeoutMs);
    this.controlConsumer = new ControlConsumer(this.connection, options.nodeId);
    this.connection.onConnect(async (model) => {
      for (const c of this.consumers) await c.open(model);
      for (const c of this.deadLetterConsumers) await c.open(model);
    });
  }

  /** Connects, declares the topology and starts the consumers registered so far. */
  async start(): Promise<void> {
    await this.connection.start();
  }

  get connected(): boolean {
    return this.connection.connected;
  }

  private route(target: ActorAddress): { exchange: string; routingKey: string } {
    const kind = this.kinds.get(target.type);
    if (kind === 'entity') return { exchange: actorExchange(target.type), routingKey: target.key };
    if (kind === 'worker') return { exchange: EXCHANGES.WORKERS, routingKey: workerRoutingKey(target.type, target.key) };
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
    const { exchange, routingKey } = this.route(target);
    return this.asks.ask(
      exchange,
      routingKey,
      `${target.type}/${target.key}`,
      message.envelope,
      message.headers,
      options.timeoutMs,
      options.signal,
    );
  }

  askStream(target: ActorAddress, message: OutboundMessage, options: AskStreamOptions): AsyncIterable<StreamPart> {
    const { exchange, routingKey } = this.route(target);
    return this.asks.askStream(
      exchange,
      routingKey,
      `${target.type}/${target.key}`,
      message.envelope,
      message.headers,
      options.idleTimeoutMs,
      options.signal,
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

  /** Declares the type's queues (now if connected) and consumes them; again after each reconnection. */
  async host(spec: HostedType, callbacks: HostingCallbacks): Promise<void> {
    this.kinds.set(spec.type, spec.kind);
    const added: QueueConsumer[] = [];
    if (spec.kind === 'entity' && spec.source === 'ingress') {
      this.topology.ingress = true;
      for (let n = 0; n < this.options.shardCount; n++) {
        // Routing key `session.<sessionId>.<kind>`: the session id is the key (order per session).
        added.push(
          this.consumer(
            ingressShardQueue(n),
            spec.prefetch ?? this.options.shardPrefetch,
            (m) => m.fields.routingKey.split('.')[1] ?? '',
            callbacks,
          ),
        );
      }
    } else if (spec.kind === 'entity') {
      if (!this.topology.entityTypes.includes(spec.type)) this.topology.entityTypes.push(spec.type);
      for (let n = 0; n < this.options.shardCount; n++) {
        added.push(
          this.consumer(shardQueue(spec.type, n), spec.prefetch ?? this.options.shardPrefetch, (m) => m.fields.routingKey, callbacks),
        );
      }
    } else {
      for (const key of spec.keys ?? ['default']) {
        if (!this.topology.workerPools.some((p) => p.type === spec.type && p.key === key))
          this.topology.workerPools.push({ type: spec.type, key });
        added.push(this.consumer(workerQueue(spec.type, key), spec.prefetch ?? this.options.workerPrefetch, () => key, callbacks));
      }
    }
    this.consumers.push(...added);
    if (this.model && this.connection.connected) {
      const ch = await this.model.createChannel();
      await declareTopology(ch, this.topology);
      await ch.close();
      for (const c of added) await c.open(this.model);
    }
  }

  private consumer(queue: string, prefetch: number, keyOf: (m: ConsumeMessage) => string, callbacks: HostingCallbacks): QueueConsumer {
    return new QueueConsumer(
      { queue, prefetch, keyOf, onDelivery: (d) => callbacks.onDelivery(d), onLost: (q) => callbacks.onQueueLost(q) },
      this.publisher,
      this.nodeId,
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
    this.deadLetterConsumers.push(consumer);
    if (this.model && this.connection.connected) await consumer.open(this.model);
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
        persistent: true,
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

  async closeConsumers(): Promise<void> {
    await Promise.all(this.consumers.map((c) => c.close()));
  }

  async close(): Promise<void> {
    await this.closeConsumers();
    await Promise.all(this.deadLetterConsumers.map((c) => c.close()));
    await this.asks.close();
    await this.publisher.close();
    await this.controlConsumer.close();
    await this.connection.close();
  }
}
