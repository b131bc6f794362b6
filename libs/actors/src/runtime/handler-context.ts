import {
  type CloudEvent,
  createCloudEvent,
  InvalidOptionsError,
  parseAddress,
  type ReminderSchedule,
  toWireError,
  WARREN_HEADERS,
} from '@warren/contracts';
import type { CommitWrites, OutboxEntry } from '@warren/store';
import { endSpan, injectTraceHeaders, SpanKind, startSpan, type TraceContext } from '@warren/telemetry';
import type { Delivery } from '../ports/delivery.port';
import type { PendingReminder, ReminderRegistry } from '../ports/reminder-registry.port';
import type { ActorTransport } from '../ports/transport.port';
import { reminderBaseTime } from '../reminders/reminder-base-time';
import { resolveReminderSchedule } from '../reminders/reminder-schedule';
import type { Activation } from './activation';
import type { ActorContext, DeferredReply } from './actor-context';
import { type AskCallOptions, type MessageSender, type SendOptions, type SendOrigin, sendSpan } from './message-sender';

/** What a context needs from the dispatcher that runs it. */
export interface ContextHost {
  readonly transport: ActorTransport;
  readonly sender: MessageSender;
  /** Saves the activation's state with the step results so far (entity actors). */
  saveSteps(activation: Activation): Promise<void>;
  /** Delivers a timer's message to the activation as if it had arrived. */
  fireTimer(activation: Activation, message: object): void;
  /** Where `ctx.remind` keeps reminders; absent when the runtime was given none. */
  readonly reminders?: ReminderRegistry;
  /** Commits what the context staged now (state, writes, outbox; no processed id) and publishes the outbox. */
  commitNow?(activation: Activation, ctx: HandlerContext): Promise<void>;
}

/** What a handler staged for its message's commit. */
export interface StagedCommit {
  writes: CommitWrites | undefined;
  outbox: OutboxEntry[];
}

/** The `ActorContext` of one handler invocation. */
export class HandlerContext<S = unknown> implements ActorContext<S> {
  readonly sender: string | undefined;
  readonly taskId: string | undefined;
  readonly replayOf: string | undefined;
  /** Set by `replyLater()`: the runtime then does not reply with the return value. */
  deferred = false;
  private sends = 0;
  private readonly origin: SendOrigin;
  private workerState: S | undefined;
  private staged: StagedCommit = { writes: undefined, outbox: [] };

  constructor(
    private readonly host: ContextHost,
    readonly self: string,
    readonly key: string,
    private readonly delivery: Delivery,
    private readonly activation: Activation | undefined,
    private readonly controller: AbortController,
    readonly trace: TraceContext,
    /** In-place attempt of an entity handler; the retry-tier attempt of a worker message. */
    readonly attempt: number = delivery.attempt,
  ) {
    this.sender = delivery.headers[WARREN_HEADERS.SENDER];
    this.taskId = delivery.headers[WARREN_HEADERS.TASK_ID];
    this.replayOf = delivery.headers[WARREN_HEADERS.REPLAY_OF] || undefined;
    this.origin = { sender: self, source: `warren://node/${host.transport.nodeId}`, trace, taskId: this.taskId };
  }

  get messageId(): string {
    return this.delivery.envelope.id;
  }
  header(name: string): string | undefined {
    return this.delivery.headers[name];
  }
  get userId(): string | undefined {
    return this.delivery.userId;
  }
  get routingKey(): string | undefined {
    return this.delivery.routingKey;
  }
  get envelope(): CloudEvent {
    return this.delivery.envelope;
  }
  get signal(): AbortSignal {
    return this.controller.signal;
  }
  get state(): S | undefined {
    return this.activation ? (this.activation.state as S | undefined) : this.workerState;
  }
  set state(value: S | undefined) {
    if (this.activation) this.activation.state = value;
    else this.workerState = value;
  }

  /** Ids of messages sent while handling M derive from M's id, so a re-run sends the same ids (deduped downstream). */
  private derive(options: SendOptions | undefined): SendOptions {
    this.sends++;
    return { ...options, messageId: options?.messageId ?? `${this.messageId}:${this.sends}` };
  }

  tell(address: string, message: object, options?: SendOptions): Promise<void> {
    if (options?.afterCommit && this.commits) {
      const target = parseAddress(address);
      // The producer span of an outbox entry ends as it is staged: the commit and publish follow the handler.
      const { span, sent } = sendSpan('send', target, this.origin);
      span.setAttribute('warren.outbox', 1);
      const out = this.host.sender.build(target, message, sent, this.derive(options));
      endSpan(span);
      this.staged.outbox.push({ id: out.envelope.id, kind: 'tell', to: address, envelope: out.envelope, headers: out.headers });
      return Promise.resolve();
    }
    return this.host.sender.tell(address, message, this.origin, this.derive(options));
  }

  /** Entity actors that keep state commit; workers and stateless entities send at once. */
  private get commits(): boolean {
    return this.activation !== undefined && !this.activation.stateless;
  }

  commitWith(writes: CommitWrites): void {
    if (!this.commits) throw new InvalidOptionsError('commitWith()', 'is for entity actors that keep state');
    const current = this.staged.writes ?? {};
    this.staged.writes = {
      ...((writes.task ?? current.task) ? { task: writes.task ?? current.task } : {}),
      ...(current.history || writes.history ? { history: [...(current.history ?? []), ...(writes.history ?? [])] } : {}),
    };
  }

  async commit(): Promise<void> {
    const act = this.activation;
    if (!act || !this.commits || !this.host.commitNow) throw new InvalidOptionsError('commit()', 'is for entity actors that keep state');
    await this.host.commitNow(act, this);
  }

  /** What was staged since the last call (the runtime commits it with the state). @internal */
  takeStaged(): StagedCommit {
    const staged = this.staged;
    this.staged = { writes: undefined, outbox: [] };
    return staged;
  }

  ask<R = unknown>(address: string, message: object, options?: AskCallOptions): Promise<R> {
    return this.host.sender.ask<R>(address, message, this.origin, { signal: this.signal, ...this.derive(options) });
  }

  askStream<R = unknown, E = unknown>(address: string, message: object, options?: AskCallOptions): AsyncGenerator<R, E | undefined> {
    return this.host.sender.askStream<R, E>(address, message, this.origin, { signal: this.signal, ...this.derive(options) });
  }

  replyLater(): DeferredReply {
    const to = this.delivery.replyTo;
    if (!to) throw new InvalidOptionsError('replyLater()', 'the message being handled is not an ask');
    this.deferred = true;
    return { ...to, messageId: this.messageId };
  }

  async reply(handle: DeferredReply, value: unknown): Promise<void> {
    await this.host.transport.reply(handle, { kind: 'reply', body: { ok: true, value } });
  }

  async replyError(handle: DeferredReply, error: unknown): Promise<void> {
    await this.host.transport.reply(handle, { kind: 'reply', body: { ok: false, error: toWireError(error) } });
  }

  async step<T>(name: string, run: () => Promise<T>): Promise<T> {
    const act = this.activation;
    if (!act) throw new InvalidOptionsError('step()', 'is for entity actors (workers keep no state)');
    if (act.steps && name in act.steps) return act.steps[name] as T;
    const result = await run();
    act.steps = { ...act.steps, [name]: result };
    await this.host.saveSteps(act);
    return result;
  }

  setTimer(name: string, delayMs: number, message: object): void {
    const act = this.activation;
    if (!act) throw new InvalidOptionsError('setTimer()', 'is for entity actors');
    this.clearTimer(name);
    const timer = setTimeout(() => {
      act.timers.delete(name);
      this.host.fireTimer(act, message);
    }, delayMs);
    timer.unref();
    act.timers.set(name, timer);
  }

  clearTimer(name: string): void {
    const timer = this.activation?.timers.get(name);
    if (timer) clearTimeout(timer);
    this.activation?.timers.delete(name);
  }

  async remind(name: string, schedule: ReminderSchedule): Promise<void> {
    const registry = this.reminderRegistry('remind()');
    const registration = resolveReminderSchedule(this.self, name, schedule, reminderBaseTime(this.envelope.time));
    await registry.upsert(registration);
  }

  cancelReminder(name: string): Promise<boolean> {
    return this.reminderRegistry('cancelReminder()').delete(this.self, name);
  }

  async listReminders(): Promise<PendingReminder[]> {
    const list = await this.reminderRegistry('listReminders()').listByActor(this.self);
    return list.map((r) =>
      r.payload === undefined ? { name: r.name, dueAt: r.dueAt } : { name: r.name, dueAt: r.dueAt, payload: r.payload },
    );
  }

  private reminderRegistry(method: string): ReminderRegistry {
    if (!this.activation) throw new InvalidOptionsError(method, 'is for entity actors (a reminder is delivered to one address)');
    const registry = this.host.reminders;
    if (!registry)
      throw new InvalidOptionsError(
        'reminders',
        `${method} needs a reminder registry (ActorRuntime services { reminders }, WarrenModule.forRoot({ reminders }))`,
      );
    return registry;
  }

  abortRunning(reason = 'aborted', taskId?: string): boolean {
    const running = this.activation?.running;
    if (!running || running.controller === this.controller) return false;
    if (taskId !== undefined && running.taskId !== taskId) return false;
    running.controller.abort(reason);
    return true;
  }

  async emit(
    routingKey: string,
    type: string,
    data: unknown,
    options: { subject?: string; id?: string; afterCommit?: boolean; transient?: boolean } = {},
  ): Promise<void> {
    const id = this.derive({ messageId: options.id }).messageId as string;
    const event = createCloudEvent({ id, source: this.origin.source, type, data, subject: options.subject });
    const headers: Record<string, string | number> = { [WARREN_HEADERS.SENDER]: this.self };
    if (this.taskId !== undefined) headers[WARREN_HEADERS.TASK_ID] = this.taskId;
    const { span, ctx } = startSpan(`publish ${routingKey.slice(routingKey.lastIndexOf('.') + 1)}`, this.trace, SpanKind.PRODUCER, {
      'messaging.system': 'rabbitmq',
      'messaging.operation.type': 'send',
      'messaging.destination.name': 'warren.events',
      'messaging.rabbitmq.destination.routing_key': routingKey,
      'messaging.message.id': id,
    });
    injectTraceHeaders(headers, ctx);
    if (options.afterCommit && this.commits) {
      // Staged in the outbox: published after the commit, with this span's traceparent.
      span.setAttribute('warren.outbox', 1);
      endSpan(span);
      this.staged.outbox.push({ id, kind: 'event', to: routingKey, envelope: event, headers });
      return;
    }
    try {
      await this.host.transport.publishEvent(routingKey, event, headers, options.transient ? { transient: true } : undefined);
      endSpan(span);
    } catch (error) {
      endSpan(span, error);
      throw error;
    }
  }

  cancelTask(taskId: string, reason?: string): Promise<void> {
    return this.host.transport.control({ kind: 'cancel', taskId, reason });
  }
}
