import { InvalidOptionsError, parseAddress } from '@warren/contracts';
import type { ActorStateStore } from '@warren/store';
import { type ActorDefinition, defineActor } from './actor-definition';
import { ActorRef } from './actor-ref';
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
  /** Consume the ingress shards instead of the type's own (the ingress router). */
  source?: 'ingress';
}

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
  private stopped = false;

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
    transport.onControl((command) => {
      if (command.kind === 'cancel') {
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
    const dispatcher = def.kind === 'entity' ? this.entities : this.workers;
    await this.transport.host(
      { type: def.type, kind: def.kind, keys: options.keys, prefetch: options.prefetch, source: options.source },
      {
        onDelivery: (delivery) => admit(def, delivery, (d) => dispatcher.dispatch(def, d), { transport: this.transport, log: this.log }),
        onQueueLost: (queue) => this.entities.onQueueLost(queue),
      },
    );
    return def;
  }

  /** A ref for sending to `address` from outside an actor; `sender` names the caller in `x-warren-sender`. */
  ref(address: string, sender = `external:${this.transport.nodeId}`): ActorRef {
    parseAddress(address);
    const origin: SendOrigin = { sender, source: `warren://node/${this.transport.nodeId}` };
    return new ActorRef(address, this.sender, origin);
  }

  /**
   * Graceful stop: take no new deliveries, let handlers in flight finish and ack (aborting
   * them after `drainTimeoutMs`), then close the consumer channels so the broker hands the
   * remaining messages and the shards to another node. A SAC consumer is never cancelled
   * while it holds unacked messages it is working on.
   */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    await Promise.all([this.entities.drain(this.options.drainTimeoutMs), this.workers.drain(this.options.drainTimeoutMs)]);
    await this.transport.closeConsumers();
    this.entities.close();
    this.log.info({ node: this.transport.nodeId }, 'actor runtime stopped');
  }
}
