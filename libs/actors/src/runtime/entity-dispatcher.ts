import { ActorOverloadedError, parseAddress, WARREN_HEADERS } from '@warren/contracts';
import type { ActorStateStore } from '@warren/store';
import { endSpan, FAILPOINTS, failpoint, otelContext } from '@warren/telemetry';
import type { ActorDefinition, HandlerDefinition } from '../actor-definition';
import { messageFor } from '../message-validator';
import type { Delivery, FailedAttempt } from '../ports/delivery.port';
import type { ReminderRegistry } from '../ports/reminder-registry.port';
import type { ActorTransport } from '../ports/transport.port';
import type { Activation } from './activation';
import { ActivationCommits, type StepRecord } from './activation-commits';
import { ActivationTable } from './activation-table';
import { consumerSpan, handlerSpan, invokeHandler, type RuntimeLogger, refuse, refuseUnknownType, Sleeper } from './dispatch-support';
import { DrainGate } from './drain-gate';
import { type ContextHost, HandlerContext } from './handler-context';
import { sendReply } from './handler-result';
import type { MessageSender } from './message-sender';
import { decideRetry, type RetryPolicyOptions } from './retry-policy';
import type { TaskRegistry } from './task-registry';

/** Tuning of entity activations. Resolved by `resolveRuntimeOptions`. */
export interface EntityDispatcherOptions {
  mailboxCapacity: number;
  processedWindow: number;
  passivateAfterMs: number;
  maxActivations: number;
  retry: RetryPolicyOptions;
}

/**
 * Runs entity actors: one activation per address, its ordinary messages one at a time in
 * arrival order, interleaved handlers alongside. After each message ONE commit saves the state
 * with the processed id, what the handler staged (`ctx.commitWith`: its task, its history) and
 * its outbox (`afterCommit` sends); then the outbox is published, then the reply, then the ack.
 * Outbox entries are marked sent once confirmed; a new activation publishes what its record still
 * holds before it handles anything, so a crash between commit and confirm never loses a message
 * (it may repeat one, with the same id).
 */
export class EntityDispatcher implements ContextHost {
  private readonly activations: ActivationTable;
  private readonly definitions = new Map<string, ActorDefinition>();
  private readonly sleeper = new Sleeper();
  private readonly commits: ActivationCommits;
  /** Types that take deliveries and handlers in flight per type (drained in phases at shutdown). */
  readonly gate = new DrainGate();

  constructor(
    readonly transport: ActorTransport,
    readonly sender: MessageSender,
    private readonly store: ActorStateStore,
    private readonly tasks: TaskRegistry,
    private readonly options: EntityDispatcherOptions,
    private readonly log: RuntimeLogger,
    /** Where `ctx.remind` keeps reminders (none: the reminder methods reject). */
    readonly reminders?: ReminderRegistry,
  ) {
    this.activations = new ActivationTable(options);
    this.commits = new ActivationCommits(store, transport, log);
  }

  /** Activations live now (a gauge for metrics and the memory bench). */
  get activeCount(): number {
    return this.activations.size;
  }

  /** Messages waiting in mailboxes, summed. */
  get mailboxDepth(): number {
    return this.activations.mailboxDepth;
  }

  dispatch(def: ActorDefinition, delivery: Delivery): void {
    // Left unacked: requeued when the channel closes (shutdown, or the shard's hand-off).
    if (!this.gate.isOpen(def.type) || !this.gate.isQueueOpen(delivery.queue)) return;
    if (!this.definitions.has(def.type)) this.definitions.set(def.type, def);
    const address = `${def.type}/${delivery.key}`;
    const handler = def.handlers.get(delivery.envelope.type);
    if (!handler) {
      void refuseUnknownType(this.transport, def, delivery, this.log);
      return;
    }
    const act = this.activate(address, delivery, def.stateless);
    if (!act) return;
    if (handler.interleave) {
      void this.process(def, act, handler, delivery, true);
      return;
    }
    if (!act.mailbox.offer(delivery)) {
      const error = new ActorOverloadedError(address, act.mailbox.capacity);
      void refuse(this.transport, delivery, { error, target: address, handler: handler.name, attempt: delivery.attempt }, this.log);
      return;
    }
    this.pump(def, act);
  }

  private activate(address: string, delivery: Delivery, stateless: boolean): Activation | undefined {
    const existing = this.activations.touch(address);
    if (existing) return existing;
    try {
      parseAddress(address);
    } catch (error) {
      void refuse(this.transport, delivery, { error, target: address, attempt: delivery.attempt }, this.log);
      return undefined;
    }
    const act = this.activations.create(address, delivery.key, delivery.queue);
    act.stateless = stateless;
    this.reload(act);
    return act;
  }

  /** (Re)loads the activation's state; the next message awaits it (a failure is handled there, never unhandled). */
  private reload(act: Activation): void {
    if (act.stateless) {
      act.loaded = Promise.resolve();
      return;
    }
    act.loaded = this.load(act);
    act.loaded.catch(() => undefined);
  }

  /** Loads the record, then publishes the outbox a previous owner committed and did not see confirmed. */
  private async load(act: Activation): Promise<void> {
    const record = await this.store.load(act.address);
    act.state = record.state;
    act.version = record.version;
    act.steps = record.steps;
    act.unsent = record.outbox.filter((e) => !act.confirmed.has(e.id));
    for (const p of [...record.processed].sort((a, b) => a.at - b.at)) act.remember(p.id);
    if (act.unsent.length > 0) {
      this.log.info({ address: act.address, entries: act.unsent.length }, 'publishing the outbox left by an earlier activation');
      await this.commits.flush(act);
    }
  }

  private pump(def: ActorDefinition, act: Activation): void {
    if (act.busy || !this.open(def, act) || act.evicted) return;
    const next = act.mailbox.take();
    if (!next) return;
    const handler = def.handlers.get(next.envelope.type) as HandlerDefinition;
    act.busy = true;
    void this.process(def, act, handler, next, false).finally(() => {
      act.busy = false;
      act.lastActive = Date.now();
      this.pump(def, act);
    });
  }

  private async process(
    def: ActorDefinition,
    act: Activation,
    handler: HandlerDefinition,
    delivery: Delivery,
    interleaved: boolean,
  ): Promise<void> {
    act.inFlight++;
    this.gate.enter(def.type, act.queue);
    try {
      await this.processOnce(def, act, handler, delivery, interleaved);
    } catch (err) {
      this.log.error({ err, address: act.address, messageId: delivery.envelope.id }, 'entity dispatch failed; the message stays unacked');
    } finally {
      act.inFlight--;
      this.gate.leave(def.type, act.queue);
    }
  }

  private async processOnce(
    def: ActorDefinition,
    act: Activation,
    handler: HandlerDefinition,
    delivery: Delivery,
    interleaved: boolean,
  ): Promise<void> {
    const target = act.address;
    let message: object;
    try {
      message = messageFor(handler, delivery.envelope.data);
    } catch (error) {
      await refuse(this.transport, delivery, { error, target, handler: handler.name, attempt: delivery.attempt }, this.log);
      return;
    }
    // Every failed attempt so far, so the dead letter shows each one's error (not only the last).
    const previous: FailedAttempt[] = [];
    const failed = (error: unknown, attempt: number) => previous.push({ error, attempt, handler: handler.name, at: new Date() });
    for (let attempt = 1; ; attempt++) {
      try {
        await act.loaded;
      } catch (error) {
        // The store is down or refused: retry like a failed handler (the mailbox waits), then dead-letter.
        if (!this.open(def, act) || act.evicted) return;
        const decision = decideRetry(this.options.retry, 'entity', attempt, error);
        if (decision.action === 'dead-letter') {
          this.evict(act, 'state could not be loaded');
          await refuse(this.transport, delivery, { error, target, handler: handler.name, attempt, previous }, this.log);
          return;
        }
        failed(error, attempt);
        await this.sleeper.sleep(decision.delayMs);
        this.reload(act);
        continue;
      }
      if (act.evicted || !this.open(def, act)) return;
      if (act.processed.has(delivery.envelope.id)) {
        await this.replyDuplicate(act, delivery);
        return;
      }
      const error = await this.runOnce(def, act, handler, delivery, message, interleaved, attempt);
      if (error === undefined || act.evicted || !this.open(def, act)) return;
      const decision = decideRetry(this.options.retry, 'entity', attempt, error);
      if (decision.action === 'dead-letter') {
        this.log.warn({ err: error, address: target, messageId: delivery.envelope.id, attempt, reason: decision.reason }, 'handler failed');
        this.reload(act); // forget the failed handler's changes to the state
        await refuse(this.transport, delivery, { error, target, handler: handler.name, attempt, previous }, this.log);
        return;
      }
      failed(error, attempt);
      await this.sleeper.sleep(decision.delayMs);
      this.reload(act);
    }
  }

  /** One attempt: handler, save, reply, ack. Returns the error when the attempt failed. */
  private async runOnce(
    def: ActorDefinition,
    act: Activation,
    handler: HandlerDefinition,
    delivery: Delivery,
    message: object,
    interleaved: boolean,
    attempt: number,
  ): Promise<unknown> {
    const controller = new AbortController();
    const taskId = delivery.headers[WARREN_HEADERS.TASK_ID];
    const unregister = this.tasks.register(taskId, controller);
    if (!interleaved) {
      act.running = { controller, taskId };
      const steps = act.steps as StepRecord | undefined;
      act.steps = steps?.messageId === delivery.envelope.id ? steps.results : undefined;
      act.stepsFor = delivery.envelope.id;
    }
    const consumed = consumerSpan(def.type, delivery);
    const { span, trace } = handlerSpan(consumed.trace, handler);
    const ctx = new HandlerContext(this, act.address, act.key, delivery, act, controller, trace, attempt);
    try {
      const outcome = await otelContext.with(trace, () => invokeHandler(this.transport, handler, message, ctx, delivery, span));
      if (!outcome.ok) return outcome.error;
      if (act.evicted) return undefined; // this node lost the actor: leave the message to the new owner
      const answer = delivery.replyTo && !ctx.deferred;
      if (!act.stateless) await this.commits.afterHandler(act, delivery, answer ? outcome.body : undefined, interleaved, ctx.takeStaged());
      if (!interleaved) act.steps = undefined;
      await failpoint(FAILPOINTS.ENTITY_AFTER_COMMIT, delivery.envelope.id);
      // Committed: the outbox goes out before the ack. If it cannot, the message stays unacked
      // and its next delivery (a duplicate now) publishes it again first.
      await this.commits.flush(act);
      if (answer) await sendReply(this.transport, delivery, outcome.body, outcome.streamed);
      delivery.ack();
      return undefined;
    } catch (error) {
      return error;
    } finally {
      unregister();
      if (act.running?.controller === controller) act.running = undefined;
      endSpan(consumed.span);
    }
  }

  /** A message already applied (redelivered or sent again): its outbox out, ack, and an ask answered with the stored reply. */
  private async replyDuplicate(act: Activation, delivery: Delivery): Promise<void> {
    await this.commits.flush(act);
    if (delivery.replyTo) {
      const record = await this.store.load(act.address);
      const stored = record.processed.find((p) => p.id === delivery.envelope.id)?.reply;
      await sendReply(this.transport, delivery, (stored as never) ?? { ok: true, value: null }, false);
    }
    this.log.debug({ address: act.address, messageId: delivery.envelope.id }, 'duplicate message acked without applying it again');
    delivery.ack();
  }

  saveSteps(act: Activation): Promise<void> {
    return act.stateless ? Promise.resolve() : this.commits.steps(act);
  }

  /** `ctx.commit()`: what is staged now, without the processed id, then the outbox published. */
  commitNow(act: Activation, ctx: HandlerContext): Promise<void> {
    return this.commits.now(act, ctx.takeStaged());
  }

  /** A timer's message enters the activation's mailbox like any other (but is never acked to a broker). */
  fireTimer(act: Activation, message: object): void {
    const def = this.definitions.get(act.address.slice(0, act.address.indexOf('/')));
    if (!def || act.evicted || !this.open(def, act)) return;
    const out = this.sender.build(parseAddress(act.address), message, {
      sender: act.address,
      source: `warren://node/${this.transport.nodeId}`,
    });
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(out.headers)) headers[k] = String(v);
    const log = this.log;
    const delivery: Delivery = {
      envelope: out.envelope,
      headers,
      key: act.key,
      redelivered: false,
      attempt: 1,
      queue: act.queue,
      ack: () => undefined,
      deadLetter: async (report) => log.error({ err: report.error, address: act.address, type: out.envelope.type }, 'timer message failed'),
      retryLater: async () => undefined,
    };
    this.dispatch(def, delivery);
  }

  /** True while the activation's type and shard take messages (not shutting down, not handed off). */
  private open(def: ActorDefinition, act: Activation): boolean {
    return this.gate.isOpen(def.type) && this.gate.isQueueOpen(act.queue);
  }

  /**
   * Hands off one shard queue: no new deliveries of it are taken, the handlers in flight finish
   * (commit, outbox, ack) within `timeoutMs` (then their signals abort and they get `graceMs`),
   * then `close` closes the consumer (its unacked, unstarted messages go back to the queue in
   * order) and the shard's activations are passivated. Afterwards the queue may be consumed again.
   */
  async handOff(queue: string, timeoutMs: number, graceMs: number, close: () => Promise<void>): Promise<boolean> {
    this.gate.closeQueue(queue);
    try {
      let drained = await this.gate.whenQueueIdle(queue, timeoutMs);
      if (!drained) {
        this.activations.abortQueue(queue, 'shard hand-off');
        drained = await this.gate.whenQueueIdle(queue, graceMs);
      }
      await close();
      this.activations.evictQueue(queue);
      return drained;
    } finally {
      this.gate.openQueue(queue);
    }
  }

  private evict(act: Activation, reason: string): void {
    this.activations.evict(act, reason);
  }

  /** The consumer of `queue` is gone (channel lost, hand-over): its activations may now live elsewhere. */
  onQueueLost(queue: string): void {
    this.activations.evictQueue(queue);
  }

  /** Stops `types` (every type when omitted) from taking messages; handlers waiting to retry give up (their messages are requeued). */
  closeTypes(types?: Iterable<string>): void {
    this.gate.close(types);
    this.sleeper.wakeAll();
  }

  /** Stops taking messages and waits for the handlers in flight (their acks included); aborts them after `timeoutMs`. */
  async drain(timeoutMs: number): Promise<void> {
    this.closeTypes();
    if (!(await this.gate.whenIdle(undefined, timeoutMs))) {
      this.tasks.cancelAll('shutdown');
      await this.gate.whenIdle(undefined, timeoutMs);
    }
  }

  /** Drops every activation (after `drain`, before closing). */
  close(): void {
    this.activations.close();
  }
}
