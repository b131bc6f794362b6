import { randomUUID } from 'node:crypto';
import {
  type ActorAddress,
  type CloudEvent,
  createCloudEvent,
  fromWireError,
  type MessageClass,
  messageTypeOf,
  parseAddress,
  type ReplyBody,
  WARREN_HEADERS,
} from '@warren/contracts';
import { endSpan, injectTraceHeaders, otelContext, type Span, SpanKind, startSpan, type TraceContext } from '@warren/telemetry';
import type { ActorTransport, OutboundMessage, StreamPart } from '../ports/transport.port';

/** Per-send options. */
export interface SendOptions {
  /** Message id; derived from the handled message when sent from a handler. @default a random UUID */
  messageId?: string;
  /** Task the message belongs to (`x-warren-task-id`). @default the handled message's task */
  taskId?: string;
  /** Extra headers (`x-warren-replay-of` …). */
  headers?: Record<string, string | number>;
  /**
   * Entity handlers: send once this message's commit is durable (the outbox), not now. The
   * promise resolves at once; the runtime publishes after the save and before the ack, and again
   * after a crash until the broker confirmed it. Workers and stateless entities send at once.
   */
  afterCommit?: boolean;
}

/** Options of an ask. */
export interface AskCallOptions extends SendOptions {
  /** @default the system's askTimeoutMs (10 s) */
  timeoutMs?: number;
  signal?: AbortSignal;
}

/** Who is sending and in which trace: filled by a handler's context, or by a plain client. */
export interface SendOrigin {
  sender: string;
  source: string;
  trace?: TraceContext;
  taskId?: string;
}

/**
 * Builds CloudEvents envelopes and Warren headers and hands them to the transport.
 * Shared by handler contexts and `ActorRef`, so both put the same thing on the wire.
 */
export class MessageSender {
  constructor(
    private readonly transport: ActorTransport,
    private readonly defaultAskTimeoutMs: number,
  ) {}

  build(target: ActorAddress, message: object, origin: SendOrigin, options: SendOptions = {}): OutboundMessage {
    const type = messageTypeOf(message.constructor as MessageClass);
    const envelope: CloudEvent = createCloudEvent({
      id: options.messageId ?? randomUUID(),
      source: origin.source,
      type,
      subject: `${target.type}/${target.key}`,
      data: { ...message },
    });
    const headers: Record<string, string | number> = {
      [WARREN_HEADERS.SENDER]: origin.sender,
      [WARREN_HEADERS.TARGET]: `${target.type}/${target.key}`,
      ...options.headers,
    };
    const taskId = options.taskId ?? origin.taskId;
    if (taskId !== undefined) headers[WARREN_HEADERS.TASK_ID] = taskId;
    injectTraceHeaders(headers, origin.trace);
    return { envelope, headers };
  }

  async tell(address: string, message: object, origin: SendOrigin, options?: SendOptions): Promise<void> {
    const target = parseAddress(address);
    const { span, sent } = sendSpan('send', target, origin);
    try {
      await this.transport.tell(target, this.build(target, message, sent, options));
      endSpan(span);
    } catch (error) {
      endSpan(span, error);
      throw error;
    }
  }

  async ask<R>(address: string, message: object, origin: SendOrigin, options: AskCallOptions = {}): Promise<R> {
    const target = parseAddress(address);
    const { span, sent } = sendSpan('ask', target, origin);
    try {
      const body = await this.transport.ask(target, this.build(target, message, sent, options), {
        timeoutMs: options.timeoutMs ?? this.defaultAskTimeoutMs,
        signal: options.signal,
      });
      endSpan(span, body.ok ? undefined : body.error.message);
      return unwrapReply<R>(body);
    } catch (error) {
      endSpan(span, error);
      throw error;
    }
  }

  /** Yields each part; the generator's return value is the end marker's value (e.g. usage). */
  async *askStream<R, E = unknown>(
    address: string,
    message: object,
    origin: SendOrigin,
    options: AskCallOptions = {},
  ): AsyncGenerator<R, E | undefined> {
    const target = parseAddress(address);
    const { span, sent } = sendSpan('ask-stream', target, origin);
    let failure: unknown;
    try {
      const parts: AsyncIterable<StreamPart> = this.transport.askStream(target, this.build(target, message, sent, options), {
        idleTimeoutMs: options.timeoutMs ?? this.defaultAskTimeoutMs,
        signal: options.signal,
      });
      for await (const part of parts) {
        if (part.kind === 'chunk') yield part.value as R;
        else {
          if (!part.body.ok) failure = part.body.error.message;
          return unwrapReply<E>(part.body) ?? undefined;
        }
      }
      return undefined;
    } catch (error) {
      failure = error;
      throw error;
    } finally {
      endSpan(span, failure);
    }
  }
}

/**
 * The producer span of a message (`send session`, `ask model`, `ask-stream model`), a child of the
 * sender's trace (the handler's span, or the caller's active context): the message's `traceparent`
 * names it, so the consumer's span is its child. Ended when the broker confirmed (a tell) or the
 * answer came (an ask).
 */
export function sendSpan(verb: string, target: ActorAddress, origin: SendOrigin): { span: Span; sent: SendOrigin } {
  const { span, ctx } = startSpan(`${verb} ${target.type}`, origin.trace ?? otelContext.active(), SpanKind.PRODUCER, {
    'messaging.system': 'rabbitmq',
    'messaging.operation.type': 'send',
    'warren.target': `${target.type}/${target.key}`,
    ...(origin.taskId === undefined ? {} : { 'warren.task_id': origin.taskId }),
  });
  return { span, sent: { ...origin, trace: ctx } };
}

/** The value of an `ok` reply, or the remote error rebuilt as its typed class. */
export function unwrapReply<R>(body: ReplyBody): R {
  if (body.ok) return body.value as R;
  throw fromWireError(body.error);
}
