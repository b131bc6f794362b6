import { createHash } from 'node:crypto';
import type { Channel, ChannelModel, ConsumeMessage } from 'amqplib';
import { DEAD_LETTER_QUEUE } from './names';
import { closeWithin } from './queue-consumer';

/** One message taken from `warren.dead`, as the broker delivered it. */
export interface DeadLetterMessage {
  /** The body, byte for byte (a CloudEvent, or whatever a producer sent). */
  body: Buffer;
  /** AMQP properties (headers are in `headers`). */
  properties: {
    messageId?: string;
    type?: string;
    contentType?: string;
    correlationId?: string;
    /** Seconds since the epoch, when set. */
    timestamp?: number;
    userId?: string;
  };
  /** Where the message was published to `warren.dead` from (for a broker dead letter: the queue's DLX). */
  fields: { exchange: string; routingKey: string; redelivered: boolean };
  /** AMQP headers as amqplib decodes them: tables and arrays kept (`x-warren-error`, `x-warren-attempts`, `x-death`). */
  headers: Record<string, unknown>;
}

/** Handles one dead letter; the message is acked only when the promise resolves. */
export type DeadLetterHandler = (message: DeadLetterMessage) => Promise<void>;

/** Options of `AmqpTransport#consumeDeadLetters`. */
export interface DeadLetterConsumerOptions {
  /** Unacked dead letters in flight at once. @default 100 */
  prefetch?: number;
  /** First delay before a message whose handler failed goes back to the queue. @default 500 */
  retryDelayMs?: number;
  /** Longest such delay (it doubles per failure of the same message). @default 30000 */
  maxRetryDelayMs?: number;
  /** Told about each handler failure (the message goes back to the queue after the delay). */
  onError?: (error: unknown, message: DeadLetterMessage) => void;
}

/** Options after defaults. */
type ResolvedOptions = Required<Omit<DeadLetterConsumerOptions, 'onError'>> & Pick<DeadLetterConsumerOptions, 'onError'>;

/** Failures remembered per message id (for the backoff) at most; the oldest are forgotten first. */
const FAILURES_KEPT = 10_000;

/**
 * Consumes `warren.dead` on its own channel with manual acks: each message goes to the handler,
 * and is acked only after the handler resolved. A failed handler leaves the message unacked
 * for a while (doubling per failure of the same message), then returns it to the queue (nack
 * with requeue), so a broken store never turns into a tight redelivery loop. Re-opened after
 * every reconnection; a delivery tag of a lost channel is never settled on a new one.
 */
export class DeadLetterConsumer {
  private channel: Channel | undefined;
  private closing = false;
  private readonly options: ResolvedOptions;
  private readonly failures = new Map<string, number>();
  private readonly timers = new Set<NodeJS.Timeout>();

  constructor(
    private readonly handler: DeadLetterHandler,
    options: DeadLetterConsumerOptions = {},
  ) {
    this.options = {
      prefetch: options.prefetch ?? 100,
      retryDelayMs: options.retryDelayMs ?? 500,
      maxRetryDelayMs: options.maxRetryDelayMs ?? 30_000,
      onError: options.onError,
    };
  }

  async open(model: ChannelModel): Promise<void> {
    if (this.closing) return;
    const ch = await model.createChannel();
    ch.on('error', () => undefined);
    ch.on('close', () => {
      if (this.channel === ch) this.channel = undefined;
    });
    await ch.prefetch(this.options.prefetch);
    this.channel = ch;
    await ch.consume(DEAD_LETTER_QUEUE, (msg) => msg && void this.receive(ch, msg), { noAck: false });
  }

  private async receive(ch: Channel, msg: ConsumeMessage): Promise<void> {
    const message = toDeadLetterMessage(msg);
    try {
      await this.handler(message);
    } catch (error) {
      this.options.onError?.(error, message);
      this.requeueLater(ch, msg);
      return;
    }
    if (this.failures.size > 0) this.failures.delete(failureKey(msg));
    if (this.channel === ch) ch.ack(msg);
  }

  private requeueLater(ch: Channel, msg: ConsumeMessage): void {
    const id = failureKey(msg);
    const failures = (this.failures.get(id) ?? 0) + 1;
    this.failures.delete(id);
    this.failures.set(id, failures);
    if (this.failures.size > FAILURES_KEPT) this.failures.delete(this.failures.keys().next().value as string);
    const delay = Math.min(this.options.maxRetryDelayMs, this.options.retryDelayMs * 2 ** (failures - 1));
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      if (this.channel === ch) ch.nack(msg, false, true);
    }, delay);
    this.timers.add(timer);
  }

  /** Closes the channel: unacked dead letters go back to the queue (another keeper takes them). */
  async close(): Promise<void> {
    this.closing = true;
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    const ch = this.channel;
    this.channel = undefined;
    await closeWithin(ch, 5_000);
  }
}

/** What the backoff of a failing dead letter is keyed by: its message id, or (without one) a digest of its body. */
function failureKey(msg: ConsumeMessage): string {
  const id: unknown = msg.properties.messageId;
  if (typeof id === 'string' && id.length > 0) return `id:${id}`;
  return `body:${createHash('sha256').update(msg.content).digest('hex')}`;
}

function toDeadLetterMessage(msg: ConsumeMessage): DeadLetterMessage {
  const p = msg.properties;
  const opt = <T>(v: T | undefined | null): T | undefined => (v === undefined || v === null ? undefined : v);
  return {
    body: msg.content,
    properties: {
      messageId: opt(p.messageId) !== undefined ? String(p.messageId) : undefined,
      type: opt(p.type),
      contentType: opt(p.contentType),
      correlationId: opt(p.correlationId) !== undefined ? String(p.correlationId) : undefined,
      timestamp: typeof p.timestamp === 'number' ? p.timestamp : undefined,
      userId: opt(p.userId),
    },
    fields: { exchange: msg.fields.exchange, routingKey: msg.fields.routingKey, redelivered: msg.fields.redelivered },
    headers: { ...(p.headers ?? {}) },
  };
}
