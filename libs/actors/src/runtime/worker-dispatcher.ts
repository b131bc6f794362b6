import { ConnectionLostError, WARREN_HEADERS } from '@warren/contracts';
import { endSpan, otelContext } from '@warren/telemetry';
import type { ActorDefinition } from '../actor-definition';
import { messageFor } from '../message-validator';
import type { Delivery } from '../ports/delivery.port';
import type { ActorTransport } from '../ports/transport.port';
import type { Activation } from './activation';
import { consumerSpan, handlerSpan, invokeHandler, type RuntimeLogger, refuse, refuseUnknownType } from './dispatch-support';
import { DrainGate } from './drain-gate';
import { type ContextHost, HandlerContext } from './handler-context';
import { sendReply } from './handler-result';
import type { MessageSender } from './message-sender';
import { decideRetry, type RetryPolicyOptions } from './retry-policy';
import type { TaskRegistry } from './task-registry';

/**
 * Runs worker actors: stateless, any node takes the next message, the consumer's prefetch
 * is the concurrency. A failed tell goes through the retry tiers, then to `warren.dead`;
 * a failed ask answers with the error (the asker decides: fallback, retry, give up).
 */
export class WorkerDispatcher implements ContextHost {
  /** Types that take deliveries and handlers in flight per type (drained in phases at shutdown). */
  readonly gate = new DrainGate();

  constructor(
    readonly transport: ActorTransport,
    readonly sender: MessageSender,
    private readonly tasks: TaskRegistry,
    private readonly retry: RetryPolicyOptions,
    private readonly log: RuntimeLogger,
  ) {}

  get busy(): number {
    return this.gate.count();
  }

  dispatch(def: ActorDefinition, delivery: Delivery): void {
    if (!this.gate.isOpen(def.type)) return; // left unacked: requeued when the channel closes
    this.gate.enter(def.type);
    void this.process(def, delivery)
      .catch((err) => this.log.error({ err, messageId: delivery.envelope.id }, 'worker dispatch failed; the message stays unacked'))
      .finally(() => this.gate.leave(def.type));
  }

  private async process(def: ActorDefinition, delivery: Delivery): Promise<void> {
    const address = `${def.type}/${delivery.key}`;
    const handler = def.handlers.get(delivery.envelope.type);
    if (!handler) {
      await refuseUnknownType(this.transport, def, delivery, this.log);
      return;
    }
    let message: object;
    try {
      message = messageFor(handler, delivery.envelope.data);
    } catch (error) {
      await refuse(this.transport, delivery, { error, target: address, handler: handler.name, attempt: delivery.attempt }, this.log);
      return;
    }
    if (delivery.request && delivery.redelivered && delivery.replyTo) {
      // Its first run (on a worker that died) may have streamed part of an answer: never follow it
      // with a second one. The asker keeps the durable record and asks again.
      const error = new ConnectionLostError(`the worker running this ${delivery.envelope.type} request was lost; ask again`);
      await refuse(this.transport, delivery, { error, target: address, handler: handler.name, attempt: delivery.attempt }, this.log);
      return;
    }
    const controller = new AbortController();
    const unregister = this.tasks.register(delivery.headers[WARREN_HEADERS.TASK_ID], controller);
    const consumed = consumerSpan(def.type, delivery);
    const { span, trace } = handlerSpan(consumed.trace, handler);
    const ctx = new HandlerContext(this, address, delivery.key, delivery, undefined, controller, trace);
    try {
      const outcome = await otelContext.with(trace, () => invokeHandler(this.transport, handler, message, ctx, delivery, span));
      if (outcome.ok) {
        if (delivery.replyTo && !ctx.deferred) await sendReply(this.transport, delivery, outcome.body, outcome.streamed);
        delivery.ack();
        return;
      }
      if (!this.gate.isOpen(def.type)) return; // requeued on close; another node takes it
      const report = { error: outcome.error, target: address, handler: handler.name, attempt: delivery.attempt };
      if (delivery.replyTo) {
        await refuse(this.transport, delivery, report, this.log);
        return;
      }
      const decision = decideRetry(this.retry, 'worker', delivery.attempt, outcome.error);
      if (decision.action === 'dead-letter') {
        this.log.warn(
          { err: outcome.error, address, messageId: delivery.envelope.id, attempt: delivery.attempt, reason: decision.reason },
          'worker handler failed',
        );
        await delivery.deadLetter(report);
      } else await delivery.retryLater(report, decision.delayMs);
    } finally {
      unregister();
      endSpan(consumed.span);
    }
  }

  saveSteps(_act: Activation): Promise<void> {
    return Promise.resolve();
  }

  fireTimer(): void {}

  /** Stops `types` (every type when omitted) from taking messages. */
  closeTypes(types?: Iterable<string>): void {
    this.gate.close(types);
  }

  /** Stops taking messages and waits for the handlers in flight; aborts them after `timeoutMs`. */
  async drain(timeoutMs: number): Promise<void> {
    this.closeTypes();
    if (!(await this.gate.whenIdle(undefined, timeoutMs))) {
      this.tasks.cancelAll('shutdown');
      await this.gate.whenIdle(undefined, timeoutMs);
    }
  }
}
