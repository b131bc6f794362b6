import { InvalidOptionsError, parseAddress } from '@warren/contracts';
import type { ActorStateStore } from '@warren/store';
import { type ActorDefinition, defineActor } from './actor-definition';
import { ActorRef } from './actor-ref';
import type { ShardRef } from './cluster/shard-allocator';
import { type CoordinatorListener, ShardCoordinator } from './cluster/shard-coordinator';
import type { ReminderRegistry } from './ports/reminder-registry.port';
import type { HostingTransport } from './ports/transport.port';
import type { RuntimeLogger } from './runtime/dispatch-support';
import { EntityDispatcher } from './runtime/entity-dispatcher';
import { MessageSender, type SendOrigin } from './runtime/message-sender';
import { admit } from './runtime/refusals';
import { TaskRegistry } from './runtime/task-registry';
import { WorkerDispatcher } from './runtime/worker-dispatcher';
import type { RuntimeOptions } from './runtime-options';

/** Per-type hosting options. */
export interface HostOptions {
  /** Worker pools to consume (`model` → `['local']`). @default ['default'] */
  keys?: string[];
  /** Consumer prefetch for this type. */
  prefetch?: number;
  /** Consume the ingress shards (the ingress router) or the knowledge queue (a worker) instead of the type's own. */
  source?: 'ingress' | 'knowledge';
  /**
   * Shutdown order: types of phase 0 stop taking messages and finish first, while the types they
   * wait on (asks to model workers, the limiter) keep answering; then phase 1, and so on. Give a
   * type that asks other actors in its handlers (sessions, the ingress router) a lower phase than
   * the types it asks. @default 1
   */
  drainPhase?: number;
}

/** How long handlers get to unwind after the drain limit aborted their signals. */
const ABORT_GRACE_MS = 5_000;

/** How often shutdown logs its progress. */
const DRAIN_LOG_EVERY_MS = 1_000;

/** What the runtime may be given besides its transport and state store. */
export interface RuntimeServices {
  /** Durable reminders for `ctx.remind` (the store's `reminders`). Without it the reminder methods reject. */
  reminders?: ReminderRegistry;
}

/**
 * Hosts actors on a transport: discovers their handlers, consumes their queues and runs
 * their messages; gives refs to send to any actor; shuts down by draining.
 */
export class ActorRuntime {
  readonly sender: MessageSender;
  readonly tasks = new TaskRegistry();
  readonly entities: EntityDispatcher;
  readonly workers: WorkerDispatcher;
  private readonly definitions = new Map<string, ActorDefinition>();
  private readonly drainPhases = new Map<string, number>();
  private stopped = false;
  /** Shard ownership among the runtime nodes (when the transport can consume shard by shard). */
  readonly coordinator: ShardCoordinator | undefined;
  /** Told of each finished hand-off (metrics). */
  readonly clusterListeners: CoordinatorListener[] = [];

  constructor(
    readonly transport: HostingTransport,
    store: ActorStateStore,
    private readonly options: RuntimeOptions,
    private readonly log: RuntimeLogger,
    services: RuntimeServices = {},
  ) {
    this.sender = new MessageSender(transport, options.askTimeoutMs);
    this.entities = new EntityDispatcher(
      transport,
      this.sender,
      store,
      this.tasks,
      { ...options, retry: options.retry },
      log,
      services.reminders,
    );
    this.workers = new WorkerDispatcher(transport, this.sender, this.tasks, options.retry, log);
    if (transport.consumeShard && transport.closeShard && transport.shardQueueName && transport.shardCount)
      this.coordinator = new ShardCoordinator(
        transport.nodeId,
        transport.shardCount,
        options.cluster,
        {
          announce: (member) => transport.control({ kind: 'member', member }),
          acquire: (s) => transport.consumeShard!(s.type, s.shard),
          release: (s) => this.handOff(s),
        },
        {
          handOffDone: (h) => {
            for (const l of this.clusterListeners) l.handOffDone?.(h);
          },
        },
        log,
      );
    transport.onControl((command) => {
      if (command.kind === 'member') this.coordinator?.observe(command.member);
      else if (command.kind === 'cancel') {
        const n = this.tasks.cancel(command.taskId, command.reason ?? 'cancelled');
        if (n > 0) log.info({ taskId: command.taskId, aborted: n }, 'task cancelled by control message');
      }
    });
  }

  /** Entity activations live on this node (a gauge: `metrics.observeRuntime`). */
  get activeActors(): number {
    return this.entities.activeCount;
  }

  /** Messages waiting in this node's entity mailboxes, summed (a gauge: `metrics.observeRuntime`). */
  get mailboxDepth(): number {
    return this.entities.mailboxDepth;
  }

  /** Hosts an `@Actor` instance: declares its queues and starts consuming them. */
  async host(instance: object, options: HostOptions = {}): Promise<ActorDefinition> {
    const def = defineActor(instance);
    if (this.definitions.has(def.type))
      throw new InvalidOptionsError(def.instance.constructor.name, `actor type "${def.type}" is already hosted`);
    this.definitions.set(def.type, def);
    this.drainPhases.set(def.type, options.drainPhase ?? 1);
    const dispatcher = def.kind === 'entity' ? this.entities : this.workers;
    const coordinated = def.kind === 'entity' && this.coordinator !== undefined;
    await this.transport.host(
      { type: def.type, kind: def.kind, keys: options.keys, prefetch: options.prefetch, source: options.source, coordinated },
      {
        onDelivery: (delivery) => admit(def, delivery, (d) => dispatcher.dispatch(def, d), { transport: this.transport, log: this.log }),
        onQueueLost: (queue) => this.entities.onQueueLost(queue),
      },
    );
    // The coordinator decides which of its shards this node consumes.
    if (coordinated) this.coordinator?.addType(def.type);
    return def;
  }

  /** Resolves once this node consumes the shards it owns that are free (see `ShardCoordinator#settled`); at once without shards. */
  settled(): Promise<void> {
    return this.coordinator?.settled() ?? Promise.resolve();
  }

  /** Lets one shard go: no new deliveries, handlers finish and ack, the consumer closes, activations passivate. */
  private async handOff(s: ShardRef): Promise<void> {
    const queue = this.transport.shardQueueName!(s.type, s.shard);
    const drained = await this.entities.handOff(queue, this.options.drainTimeoutMs, ABORT_GRACE_MS, () =>
      this.transport.closeShard!(s.type, s.shard),
    );
    if (!drained) this.log.warn({ queue, limitMs: this.options.drainTimeoutMs }, 'shard hand-off: handlers aborted at the drain limit');
  }

  /** A ref for sending to `address` from outside an actor; `sender` names the caller in `x-warren-sender`. */
  ref(address: string, sender = `external:${this.transport.nodeId}`): ActorRef {
    parseAddress(address);
    const origin: SendOrigin = { sender, source: `warren://node/${this.transport.nodeId}` };
    return new ActorRef(address, this.sender, origin);
  }

  /**
   * Graceful stop, in dependency order: the types of the lowest `drainPhase` take no new
   * deliveries and finish what they hold (saves, outbox, acks) while the types they wait on keep
   * answering; then the next phase. Past `drainTimeoutMs` in all, the handlers still running are
   * aborted (nothing of theirs is committed: their messages go back to the queues) and get
   * {@link ABORT_GRACE_MS} to unwind. Then the consumer channels close, so the broker hands the
   * remaining messages and the shards to another node. A SAC consumer is never cancelled while
   * it holds unacked messages it is working on. Progress is logged every second.
   */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    const started = Date.now();
    const deadline = started + this.options.drainTimeoutMs;
    const inFlight = () => ({ ...this.entities.gate.byType(), ...this.workers.gate.byType() });
    this.log.info({ node: this.transport.nodeId, inFlight: inFlight(), limitMs: this.options.drainTimeoutMs }, 'draining');
    const progress = setInterval(() => this.log.info({ inFlight: inFlight() }, 'draining: handlers in flight'), DRAIN_LOG_EVERY_MS);
    progress.unref();
    // No more rebalancing; the others learn at once that this node leaves, and consume its shards
    // (as single-active-consumer standbys) so the broker hands each over the moment it is closed.
    await this.coordinator?.leave();
    try {
      let drained = true;
      for (const phase of [...new Set(this.drainPhases.values())].sort((a, b) => a - b)) {
        const types = new Set([...this.drainPhases].filter(([, p]) => p === phase).map(([t]) => t));
        this.entities.closeTypes(types);
        this.workers.closeTypes(types);
        drained &&= await this.whenIdle(types, deadline - Date.now());
      }
      this.entities.closeTypes();
      this.workers.closeTypes();
      if (!drained || !(await this.whenIdle(undefined, deadline - Date.now()))) {
        this.log.warn(
          { inFlight: inFlight(), limitMs: this.options.drainTimeoutMs },
          'drain limit reached: aborting the handlers still running',
        );
        this.tasks.cancelAll('shutdown');
        if (!(await this.whenIdle(undefined, ABORT_GRACE_MS)))
          this.log.warn({ inFlight: inFlight() }, 'handlers did not unwind; closing anyway');
      }
    } finally {
      clearInterval(progress);
    }
    await this.transport.closeConsumers();
    this.entities.close();
    this.log.info({ node: this.transport.nodeId, ms: Date.now() - started }, 'actor runtime stopped');
  }

  private async whenIdle(types: ReadonlySet<string> | undefined, timeoutMs: number): Promise<boolean> {
    const [a, b] = await Promise.all([this.entities.gate.whenIdle(types, timeoutMs), this.workers.gate.whenIdle(types, timeoutMs)]);
    return a && b;
  }
}
