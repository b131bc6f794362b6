import type { ActorAddress, CloudEvent, ReplyBody } from '@warren/contracts';
import type { MemberAnnouncement } from '../cluster/member-table';
import type { Delivery } from './delivery.port';

/** A message on its way out: the CloudEvent plus the Warren headers to carry. */
export interface OutboundMessage {
  envelope: CloudEvent;
  headers: Record<string, string | number>;
}

/** Where a reply goes: the asker's reply-to and correlation id. Serialisable (kept in state by deferred replies). */
export interface ReplyAddress {
  replyTo: string;
  correlationId: string;
}

/** Options of one publish (tell or event). */
export interface PublishOptions {
  /**
   * Fail at once with `ConnectionLostError` when the broker connection is down, instead of
   * waiting for the next one. The runtime publishes an actor's outbox this way: a node whose
   * connection (and with it its shards) was lost must not publish for those actors on a new
   * connection, where the actors' new owner publishes their outbox.
   */
  immediate?: boolean;
  /** Not persistent (a preview such as a `delta` event: a broker restart may drop it, nothing records it). @default false */
  transient?: boolean;
}

/** Options of one ask. */
export interface AskOptions {
  timeoutMs: number;
  signal?: AbortSignal;
}

/** Options of one stream ask; the timeout applies to the wait for each part. */
export interface AskStreamOptions {
  idleTimeoutMs: number;
  signal?: AbortSignal;
}

/** The part of a stream reply a consumer sees: a value, or the end with an optional final value. */
export type StreamPart = { kind: 'chunk'; value: unknown } | { kind: 'end'; body: ReplyBody };

/** A command on the control plane (`warren.control`, fanout to every node). */
export type ControlCommand = CancelCommand | HealthAnnouncement | MemberCommand;

/** Abort the work of `taskId` wherever it runs. */
export interface CancelCommand {
  kind: 'cancel';
  taskId: string;
  reason?: string;
}

/** A runtime node's membership announcement (heartbeat, shards owned, leaving): see `ShardCoordinator`. */
export interface MemberCommand {
  kind: 'member';
  member: MemberAnnouncement;
}

/** One model endpoint's health as one node measures it (what `EndpointHealth#state` says, plain). */
export interface AnnouncedEndpointHealth {
  state: 'healthy' | 'cooldown';
  cooldownUntil?: number;
  ewmaLatencyMs: number;
  samples: number;
  outstanding: number;
  consecutiveFailures: number;
  /** Epoch ms of the node's last latency sample, when it has one. */
  lastSampleAt?: number;
}

/**
 * A node's view of model endpoint health, announced every few seconds to every node (advisory,
 * not durable): routing and `GET /v1/admin/endpoints` merge the fresh ones into the cluster's view.
 */
export interface HealthAnnouncement {
  kind: 'health';
  /** The announcing node's id. */
  node: string;
  /** Epoch ms when it was measured. */
  at: number;
  endpoints: Record<string, AnnouncedEndpointHealth>;
}

/**
 * What the actor runtime needs from a broker. Implemented by libs/amqp; the runtime never
 * sees amqplib. Every promise rejects with a typed Warren error.
 */
export interface ActorTransport {
  readonly nodeId: string;
  /** Persistent, publisher-confirmed; resolves when the broker has the message. */
  tell(target: ActorAddress, message: OutboundMessage, options?: PublishOptions): Promise<void>;
  /** One reply or a typed error (`AskTimeoutError`, the remote handler's error, …). */
  ask(target: ActorAddress, message: OutboundMessage, options: AskOptions): Promise<ReplyBody>;
  /** Parts of a streamed reply under one correlation id, ending with the end marker. */
  askStream(target: ActorAddress, message: OutboundMessage, options: AskStreamOptions): AsyncIterable<StreamPart>;
  /** Sends a reply (`ok`/`error`), a stream chunk or the end of a stream to an asker. */
  reply(to: ReplyAddress, part: { kind: 'reply'; body: ReplyBody } | StreamPart, headers?: Record<string, string | number>): Promise<void>;
  /** Publishes a command to every node. */
  control(command: ControlCommand): Promise<void>;
  /** Publishes a notification on the events exchange (`warren.events`), confirmed. */
  publishEvent(routingKey: string, event: CloudEvent, headers: Record<string, string | number>, options?: PublishOptions): Promise<void>;
}

/** An actor type this node hosts: entity shards, or worker pools (one queue per key). */
export interface HostedType {
  type: string;
  kind: 'entity' | 'worker';
  /** Worker pools to consume (`model/local` → key `local`). Entity types consume every shard. */
  keys?: string[];
  /** Overrides the transport's prefetch for this type. */
  prefetch?: number;
  /**
   * Entity types only: consume the ingress shards (`warren.ingress.shard.<n>`, raw producers'
   * `session.<sessionId>.<kind>` messages) instead of the type's own shards; the key is the session id.
   * Worker types only, `knowledge`: consume `warren.knowledge.ingest` (raw producers' document
   * changes published on the `warren.knowledge` exchange); the key is `ingest`.
   */
  source?: 'ingress' | 'knowledge';
  /**
   * Entity types only: the shards are consumed only when `consumeShard` says so (the shard
   * coordinator decides), not all at once.
   */
  coordinated?: boolean;
}

/** Callbacks a hosting transport calls. */
export interface HostingCallbacks {
  onDelivery(delivery: Delivery): void;
  /** The consumer of `queue` is gone; activations fed by it must go. */
  onQueueLost(queue: string): void;
}

/** A transport that also consumes: the runtime hosts actors through it. */
export interface HostingTransport extends ActorTransport {
  /** Declares the type's queues and starts consuming them (again after every reconnection). */
  host(spec: HostedType, callbacks: HostingCallbacks): Promise<void>;
  /** Receives control commands addressed to every node. */
  onControl(handler: (command: ControlCommand) => void): void;
  /** Shards per entity type; with the three methods below, the runtime coordinates shard ownership. */
  readonly shardCount?: number;
  /** Starts consuming shard `shard` of a coordinated entity type (and again after each reconnection). */
  consumeShard?(type: string, shard: number): Promise<void>;
  /** Closes the consumer of shard `shard` (unacked deliveries return to the queue); not reopened. */
  closeShard?(type: string, shard: number): Promise<void>;
  /** The queue name of shard `shard` of `type` (`Delivery.queue` of its deliveries). */
  shardQueueName?(type: string, shard: number): string;
  /** Closes every consumer channel: unacked, unstarted deliveries return to their queues. */
  closeConsumers(): Promise<void>;
  /** Closes everything. */
  close(): Promise<void>;
}
