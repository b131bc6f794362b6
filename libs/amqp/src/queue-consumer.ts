import type { Delivery, FailureReport, ReplyAddress } from '@warren/actors';
import { type CloudEvent, parseCloudEvent, WARREN_HEADERS } from '@warren/contracts';
import type { Channel, ChannelModel, ConsumeMessage } from 'amqplib';
import type { ConfirmPublisher } from './confirm-publisher';
import type { BrokerOps } from './connection-manager';
import { ATTEMPTS_HEADER, attemptsHeader, failureHeader, ORIGIN_HEADERS } from './failure-headers';
import { DEAD_LETTER_QUEUE, retryTier } from './names';
import { stringHeaders } from './string-headers';

/** How one queue is consumed and what its deliveries mean. */
export interface QueueConsumerSpec {
  queue: string;
  prefetch: number;
  /** The actor key of a delivery: the routing key for shards, the pool key for workers. */
  keyOf: (msg: ConsumeMessage) => string;
  onDelivery: (delivery: Delivery) => void;
  /** The consumer's channel is gone; unacked deliveries go back to the queue. */
  onLost: (queue: string) => void;
}

/**
 * One consumer on its own channel, so a shard can be handed over by closing just that
 * channel. Acks are one by one, only for deliveries of the live channel: a delivery tag
 * of a lost channel is never acked on a new one.
 */
export class QueueConsumer {
  private channel: Channel | undefined;
  /** The connection `channel` belongs to. */
  private openedOn: ChannelModel | undefined;
  private closing = false;

  constructor(
    private readonly spec: QueueConsumerSpec,
    private readonly publisher: ConfirmPublisher,
    private readonly nodeId: string,
  ) {}

  /**
   * Opens the channel, sets the prefetch and consumes, each within the operation limit of `ops`.
   * A second call on the same connection does nothing (set-up after a reconnection and a late
   * `startConsumers` may both ask).
   */
  async open(model: ChannelModel, ops: BrokerOps): Promise<void> {
    if (this.closing || (this.channel && this.openedOn === model)) return;
    const q = this.spec.queue;
    const ch = await ops.op(model, model.createChannel(), `channel.open (consumer of ${q})`);
    ch.on('error', () => undefined);
    ch.on('close', () => {
      if (this.channel !== ch) return;
      this.channel = undefined;
      this.spec.onLost(this.spec.queue);
    });
    await ops.op(model, ch.prefetch(this.spec.prefetch), `basic.qos on the channel of ${q}`);
    this.channel = ch;
    this.openedOn = model;
    await ops.op(
      model,
      ch.consume(q, (msg) => msg && this.receive(ch, msg), { noAck: false }),
      `basic.consume ${q}`,
    );
    // RabbitMQ 3.10 sends consume-ok for a quorum queue before the Raft command that registers
    // the consumer (and, with single active consumer, a query of the leader); the channel answers
    // nothing else until both are done. One more answer on this channel proves the consumer is in
    // place: a stuck registration becomes a timeout here instead of a shard that silently gets
    // no messages.
    await ops.op(model, ch.prefetch(this.spec.prefetch), `basic.qos after basic.consume ${q} (the consumer's registration)`);
  }

  private receive(ch: Channel, msg: ConsumeMessage): void {
    const settle = (fn: () => void) => {
      if (this.channel === ch) fn();
    };
    const headers = stringHeaders(msg.properties.headers);
    let envelope: CloudEvent;
    try {
      envelope = parseCloudEvent(msg.content);
    } catch (error) {
      // A poison message is dead-lettered at once and never blocks the messages behind it.
      const fallback = {
        specversion: '1.0',
        id: String(msg.properties.messageId ?? `unparsed-${msg.fields.deliveryTag}`),
        source: 'unknown',
        type: 'unknown',
      } as CloudEvent;
      void this.deadLetter(ch, msg, { error, attempt: 1, target: headers[WARREN_HEADERS.TARGET] }, fallback).catch(() => undefined);
      return;
    }
    const replyTo: ReplyAddress | undefined =
      msg.properties.replyTo && msg.properties.correlationId
        ? { replyTo: msg.properties.replyTo, correlationId: String(msg.properties.correlationId) }
        : undefined;
    const delivery: Delivery = {
      envelope,
      headers,
      key: this.spec.keyOf(msg),
      replyTo,
      redelivered: msg.fields.redelivered,
      userId: typeof msg.properties.userId === 'string' ? msg.properties.userId : undefined,
      routingKey: msg.fields.routingKey,
      attempt: Number(headers[WARREN_HEADERS.ATTEMPT] ?? 1) || 1,
      queue: this.spec.queue,
      ack: () => settle(() => ch.ack(msg)),
      deadLetter: (report) => this.deadLetter(ch, msg, report, envelope),
      retryLater: (report, delayMs) => this.retryLater(ch, msg, report, delayMs),
    };
    this.spec.onDelivery(delivery);
  }

  /** Publishes to `warren.dead` with `x-warren-error`, waits for the confirm, then acks the original. */
  private async deadLetter(ch: Channel, msg: ConsumeMessage, report: FailureReport, envelope: CloudEvent): Promise<void> {
    const error = failureHeader(report, this.nodeId);
    const headers = {
      ...(msg.properties.headers ?? {}),
      [WARREN_HEADERS.ERROR]: error,
      [ATTEMPTS_HEADER]: attemptsHeader(report, this.nodeId, error, this.carriedAttempts(msg)),
      [ORIGIN_HEADERS.EXCHANGE]: msg.fields.exchange,
      [ORIGIN_HEADERS.ROUTING_KEY]: msg.fields.routingKey,
      [ORIGIN_HEADERS.QUEUE]: this.spec.queue,
      ...(report.target ? { [WARREN_HEADERS.TARGET]: report.target } : {}),
    };
    await this.publisher.publish('', DEAD_LETTER_QUEUE, msg.content, {
      persistent: true,
      messageId: envelope.id,
      type: msg.properties.type,
      contentType: msg.properties.contentType,
      correlationId: msg.properties.correlationId,
      timestamp: Math.floor(Date.now() / 1000),
      headers,
    });
    if (this.channel === ch) ch.ack(msg);
  }

  /** Sends a worker message to the retry tier of `delayMs`; it comes back to this queue with the next attempt number. */
  private async retryLater(ch: Channel, msg: ConsumeMessage, report: FailureReport, delayMs: number): Promise<void> {
    const error = failureHeader(report, this.nodeId);
    await this.publisher.publish(retryTier(delayMs), this.spec.queue, msg.content, {
      ...msg.properties,
      persistent: true,
      headers: {
        ...(msg.properties.headers ?? {}),
        [WARREN_HEADERS.ATTEMPT]: report.attempt + 1,
        [WARREN_HEADERS.ERROR]: error,
        [ATTEMPTS_HEADER]: attemptsHeader(report, this.nodeId, error, this.carriedAttempts(msg)),
      },
    });
    if (this.channel === ch) ch.ack(msg);
  }

  /**
   * Attempts the message carries from earlier retry-tier hops. Only a message on a later attempt
   * (`x-warren-attempt` > 1) carries any: a first attempt (say, an operator's replay that kept the
   * old dead letter's headers) starts a fresh history.
   */
  private carriedAttempts(msg: ConsumeMessage): unknown {
    const attempt = Number(stringHeaders(msg.properties.headers)[WARREN_HEADERS.ATTEMPT] ?? 1) || 1;
    return attempt > 1 ? msg.properties.headers?.[ATTEMPTS_HEADER] : undefined;
  }

  /**
   * Closes the channel without cancelling first: the broker requeues the unacked messages and
   * moves a single-active-consumer queue to the next consumer in one step. Waits for the broker
   * at most the close limit of `ops` (default 5 s).
   */
  async close(ops?: BrokerOps): Promise<void> {
    this.closing = true;
    const ch = this.channel;
    this.channel = undefined;
    await (ops ? ops.closeQuietly(ch) : closeWithin(ch, CLOSE_TIMEOUT_MS));
  }
}

/** A channel close waits for the broker's close-ok; on a connection that died silently it would wait forever. */
const CLOSE_TIMEOUT_MS = 5_000;

export async function closeWithin(ch: Channel | undefined, ms: number): Promise<void> {
  if (!ch) return;
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([ch.close().catch(() => undefined), new Promise<void>((r) => (timer = setTimeout(r, ms)))]);
  clearTimeout(timer);
}
