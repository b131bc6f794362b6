import { type ReplyBody, toWireError, UnknownMessageTypeError, WARREN_HEADERS } from '@warren/contracts';
import { endSpan, extractTraceContext, type Span, SpanKind, startSpan, type TraceContext, withTaskId } from '@warren/telemetry';
import type { ActorDefinition, HandlerDefinition } from '../actor-definition';
import type { Delivery, FailureReport } from '../ports/delivery.port';
import type { ActorTransport } from '../ports/transport.port';
import type { HandlerContext } from './handler-context';
import { isAsyncIterable, pumpStream } from './handler-result';

/** Minimal logger the runtime writes to (pino and Nest's Logger both fit). */
export interface RuntimeLogger {
  debug(obj: object, msg?: string): void;
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

/**
 * The consumer span of a delivery (`process <type> <message type>`), a child of the producer's span
 * named by the message's `traceparent`; its context also carries the task id (`x-warren-task-id`),
 * which log lines written while handling it show. The dispatcher ends it once the message is acked.
 */
export function consumerSpan(actorType: string, delivery: Delivery): { span: Span; trace: TraceContext } {
  const parent = extractTraceContext(delivery.headers);
  const taskId = delivery.headers[WARREN_HEADERS.TASK_ID];
  const { span, ctx } = startSpan(`${actorType} ${delivery.envelope.type}`, parent, SpanKind.CONSUMER, {
    'messaging.system': 'rabbitmq',
    'messaging.operation.type': 'process',
    'messaging.message.id': delivery.envelope.id,
    'messaging.destination.name': delivery.queue,
    'warren.actor': `${actorType}/${delivery.key}`,
    ...(taskId ? { 'warren.task_id': taskId } : {}),
  });
  return { span, trace: withTaskId(ctx, typeof taskId === 'string' ? taskId : undefined) };
}

/**
 * The span of one run of a handler (`handle <class>.<method>`), a child of the consumer span:
 * everything the handler sends is its child. `invokeHandler` ends it.
 */
export function handlerSpan(consumer: TraceContext, handler: HandlerDefinition): { span: Span; trace: TraceContext } {
  const { span, ctx } = startSpan(`handle ${handler.name}`, consumer, SpanKind.INTERNAL, { 'warren.handler': handler.name });
  return { span, trace: ctx };
}

/** The outcome of running a handler once: the body to reply with, or the error it threw. */
export type InvokeOutcome = { ok: true; body: ReplyBody; streamed: boolean } | { ok: false; error: unknown };

/** Runs a handler; a streamed result is pumped to the asker as it comes. */
export async function invokeHandler(
  transport: ActorTransport,
  handler: HandlerDefinition,
  message: object,
  ctx: HandlerContext,
  delivery: Delivery,
  span: Span,
): Promise<InvokeOutcome> {
  try {
    const result = await handler.invoke(message, ctx);
    if (isAsyncIterable(result)) {
      const body = await pumpStream(transport, delivery, result);
      endSpan(span, body.ok ? undefined : body.error.message);
      return { ok: true, body, streamed: true };
    }
    endSpan(span);
    return { ok: true, body: { ok: true, value: result ?? null }, streamed: false };
  } catch (error) {
    endSpan(span, error);
    return { ok: false, error };
  }
}

/**
 * A message that will not be handled. An ask gets the error as its reply (the asker owns
 * the failure); a tell goes to `warren.dead` with the error headers. Never a silent drop:
 * an ask whose reply cannot be sent is dead-lettered instead, and the transport's dead letter
 * falls back to a safe form, then hands the message back to the broker (see `Delivery#deadLetter`),
 * so what is left here is a lost channel, whose messages the broker redelivers.
 */
export async function refuse(transport: ActorTransport, delivery: Delivery, report: FailureReport, log: RuntimeLogger): Promise<void> {
  if (delivery.replyTo) {
    try {
      await transport.reply(delivery.replyTo, { kind: 'reply', body: { ok: false, error: toWireError(report.error) } });
      delivery.ack();
      return;
    } catch (err) {
      log.warn({ err, messageId: delivery.envelope.id, target: report.target }, 'could not answer a refused ask; dead-lettering it');
    }
  }
  try {
    await delivery.deadLetter(report);
  } catch (err) {
    log.error(
      { err, messageId: delivery.envelope.id, target: report.target },
      'could not dead-letter a refused message; it stays unacked until its channel closes and the broker redelivers it',
    );
  }
}

/** A message of a type the actor has no handler for: refused like any other unhandleable message. */
export function refuseUnknownType(transport: ActorTransport, def: ActorDefinition, delivery: Delivery, log: RuntimeLogger): Promise<void> {
  const error = new UnknownMessageTypeError(def.type, delivery.envelope.type);
  return refuse(transport, delivery, { error, target: `${def.type}/${delivery.key}`, attempt: delivery.attempt }, log);
}

/** A sleep that ends early when `wake` is called (shutdown). */
export class Sleeper {
  private readonly wakers = new Set<() => void>();

  sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(t);
        this.wakers.delete(done);
        resolve();
      };
      const t = setTimeout(done, ms);
      this.wakers.add(done);
    });
  }

  wakeAll(): void {
    for (const w of [...this.wakers]) w();
  }
}
