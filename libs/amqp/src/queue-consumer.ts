import type { Delivery, FailureReport, ReplyAddress } from '@warren/actors';
import { BrokerUnavailableError, type CloudEvent, WARREN_HEADERS } from '@warren/contracts';
import type { Channel, ChannelModel, ConsumeMessage } from 'amqplib';
import type { ConfirmPublisher } from './confirm-publisher';
import type { BrokerOps } from './connection-manager';
import { attemptsHeader, failureHeader } from './failure-headers';
import { DEAD_LETTER_QUEUE, ingressShardQueue, KNOWLEDGE_QUEUE, retryTier } from './names';
import { readEnvelope, wrappedDeadLetter } from './safe-dead-letter';
import { stringHeaders } from './string-headers';

/** Delays before a dead letter whose publish failed (but may pass) is tried again. */
const DEAD_LETTER_RETRY_MS = [250, 1_000, 4_000];
/** `warren.ingress.shard.` */
const INGRESS_SHARD_PREFIX = ingressShardQueue(0).slice(0, -1);

/**
 * A publish amqplib refused to encode (a property over 255 bytes, headers over its 64 KiB
 * buffer): thrown before anything is sent, and the same publish can never work.
 */
function unencodable(error: unknown): boolean {
  return error instanceof TypeError || error instanceof RangeError;
}

/** How one queue is consumed and what its deliveries mean. */
export interface QueueConsumerSpec {
  queue: string;
  prefetch: number;
  /** The actor key of a delivery: the routing key for shards, the pool key for workers. */
  keyOf: (msg: ConsumeMessage) => string;
  onDelivery: (delivery: Delivery) => void;
  /** The consumer's channel is gone; unacked deliveries go back to the queue. */
  onLost: (queue: string) => void;
  /** A request pool (`amqp.requestPools`): its deliveries are marked `request`. */
  requests?: boolean;
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
  /** An entity shard whose consumption the shard coordinator decides: opened only while wanted. */
  private wanted: boolean;

  constructor(
    private readonly spec: QueueConsumerSpec,
    private readonly publisher: ConfirmPublisher,
    private readonly nodeId: string,
    /** False: the consumer opens only after `want()` (a coordinated shard). */
    wanted = true,
  ) {
    this.wanted = wanted;
  }

  get queue(): string {
    return this.spec.queue;
  }

  /** True while this consumer should be open (now, and after each reconnection). */
  get isWanted(): boolean {
    return this.wanted && !this.closing;
  }

  /** Consume this queue from now on (opened now when `model` is given, and after each reconnection). */
  async want(model: ChannelModel | undefined, ops: BrokerOps): Promise<void> {
    this.wanted = true;
    if (model) await this.open(model, ops);
  }

  /**
   * Stops consuming: closes the channel (unacked messages go back to the queue, in order, and the
   * single active consumer moves to the next consumer in one step); not reopened on reconnection.
   */
  async unwant(ops: BrokerOps): Promise<void> {
    this.wanted = false;
    const ch = this.channel;
    this.channel = undefined;
    this.openedOn = undefined;
    await ops.closeQuietly(ch);
  }

  /**
   * Opens the channel, sets the prefetch and consumes, each within the operation limit of `ops`.
   * A second call on the same connection does nothing (set-up after a reconnection and a late
   * `startConsumers` may both ask).
   */
  async open(model: ChannelModel, ops: BrokerOps): Promise<void> {
    // Two callers at once (set-up after a connection, the shard coordinator taking the shard) must
    // not open two channels: the first would go on consuming, unknown to this object.
    // The one under way may have started before `want()` and found nothing to open: check again after it.
    if (this.opening?.model === model) {
      await this.opening.done;
      if (this.isWanted && !(this.channel && this.openedOn === model)) return this.open(model, ops);
      return;
    }
    const done = this.openNow(model, ops);
    this.opening = { model, done };
    try {
      await done;
    } finally {
      if (this.opening?.done === done) this.opening = undefined;
    }
    // Let go meanwhile: close what was just opened.
    if (!this.isWanted && this.channel && this.openedOn === model) {
      const ch = this.channel;
      this.channel = undefined;
      await ops.closeQuietly(ch);
    }
  }

  private opening: { model: ChannelModel; done: Promise<void> } | undefined;

  private async openNow(model: ChannelModel, ops: BrokerOps): Promise<void> {
    if (this.closing || !this.wanted || (this.channel && this.openedOn === model)) return;
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
    // A body that is not a CloudEvent goes to the runtime too (with a placeholder envelope), so
    // the actor it was for can say why before it is dead-lettered; it never blocks the messages behind it.
    const { envelope, unreadable } = readEnvelope(msg);
    const replyTo: ReplyAddress | undefined =
      this.takesAsks && msg.properties.replyTo && msg.properties.correlationId
        ? { replyTo: msg.properties.replyTo, correlationId: String(msg.properties.correlationId) }
        : undefined;
    const delivery: Delivery = {
      envelope,
      ...(unreadable ? { unreadable } : {}),
      headers,
      key: this.spec.keyOf(msg),
      replyTo,
      redelivered: msg.fields.redelivered,
      ...(this.spec.requests ? { request: true } : {}),
      userId: typeof msg.properties.userId === 'string' ? msg.properties.userId : undefined,
      routingKey: msg.fields.routingKey,
      attempt: Number(headers[WARREN_HEADERS.ATTEMPT] ?? 1) || 1,
      queue: this.spec.queue,
      ack: () => settle(() => ch.ack(msg)),
      deadLetter: (report) => this.deadLetter(ch, msg, report, envelope),
      retryLater: (report, delayMs) => this.retryLater(ch, msg, report, delayMs, envelope),
    };
    this.spec.onDelivery(delivery);
  }

  /** Raw producers' ingress and knowledge messages are tells by contract: a `reply-to` on them is not an ask. */
  private get takesAsks(): boolean {
    return !this.spec.queue.startsWith(INGRESS_SHARD_PREFIX) && this.spec.queue !== KNOWLEDGE_QUEUE;
  }

  /**
   * Publishes to `warren.dead` with `x-warren-error`, waits for the confirm, then acks the original.
   * Never leaves the message unacked on a live channel:
   * - a dead letter amqplib cannot encode (headers over its 64 KiB buffer, a property too long)
   *   goes in the safe form of `wrappedDeadLetter` (the body base64 in a wrapper with the reason);
   * - if even that cannot be encoded, the message is rejected and the broker dead-letters it
   *   itself through the queue's dead-letter exchange (`x-death`, reason `rejected`);
   * - a failure that may pass (confirm channel lost, broker nack) is tried again after
   *   `DEAD_LETTER_RETRY_MS`; then the message goes back to its queue, whose `x-delivery-limit`
   *   ends the loop, and the promise rejects saying so.
   */
  private async deadLetter(ch: Channel, msg: ConsumeMessage, report: FailureReport, envelope: CloudEvent): Promise<void> {
    const failure = failureHeader(report, this.nodeId);
    const attempts = attemptsHeader(report, this.nodeId, failure, this.carriedAttempts(msg));
    const headers = {
      ...(msg.properties.headers ?? {}),
      [WARREN_HEADERS.ERROR]: failure,
      [WARREN_HEADERS.ATTEMPTS]: attempts,
      [WARREN_HEADERS.ORIGIN_EXCHANGE]: msg.fields.exchange,
      [WARREN_HEADERS.ORIGIN_ROUTING_KEY]: msg.fields.routingKey,
      [WARREN_HEADERS.ORIGIN_QUEUE]: this.spec.queue,
      ...(report.target ? { [WARREN_HEADERS.TARGET]: report.target } : {}),
    };
    await this.withRetries(ch, msg, async () => {
      try {
        await this.publisher.publish('', DEAD_LETTER_QUEUE, msg.content, {
          persistent: true,
          messageId: envelope.id,
          type: msg.properties.type,
          contentType: msg.properties.contentType,
          correlationId: msg.properties.correlationId,
          timestamp: Math.floor(Date.now() / 1000),
          headers,
        });
      } catch (error) {
        if (!unencodable(error)) throw error;
        const safe = wrappedDeadLetter(msg, envelope.id, { failure, attempts, queue: this.spec.queue, nodeId: this.nodeId, cause: error });
        try {
          await this.publisher.publish('', DEAD_LETTER_QUEUE, safe.body, safe.options);
        } catch (again) {
          if (!unencodable(again)) throw again;
          if (this.channel === ch) ch.nack(msg, false, false);
          return;
        }
      }
      if (this.channel === ch) ch.ack(msg);
    });
  }

  /** Sends a worker message to the retry tier of `delayMs`; it comes back to this queue with the next attempt number. */
  private async retryLater(ch: Channel, msg: ConsumeMessage, report: FailureReport, delayMs: number, envelope: CloudEvent): Promise<void> {
    const error = failureHeader(report, this.nodeId);
    const options = {
      ...msg.properties,
      persistent: true,
      headers: {
        ...(msg.properties.headers ?? {}),
        [WARREN_HEADERS.ATTEMPT]: report.attempt + 1,
        [WARREN_HEADERS.ERROR]: error,
        [WARREN_HEADERS.ATTEMPTS]: attemptsHeader(report, this.nodeId, error, this.carriedAttempts(msg)),
      },
    };
    try {
      await this.publisher.publish(retryTier(delayMs), this.spec.queue, msg.content, options);
    } catch (publishError) {
      // A retry that cannot be encoded never will be: the message is dead instead (in a safe form if need be).
      if (!unencodable(publishError)) throw publishError;
      await this.deadLetter(ch, msg, report, envelope);
      return;
    }
    if (this.channel === ch) ch.ack(msg);
  }

  /** Runs `publish` again after each failure that may pass; out of tries, the message goes back to its queue. */
  private async withRetries(ch: Channel, msg: ConsumeMessage, publish: () => Promise<void>): Promise<void> {
    for (let attempt = 0; ; attempt++) {
      try {
        await publish();
        return;
      } catch (error) {
        const delay = DEAD_LETTER_RETRY_MS[attempt];
        if (this.channel !== ch) throw error; // the broker redelivers the channel's unacked messages
        if (delay === undefined) {
          ch.nack(msg, false, true);
          throw new BrokerUnavailableError(
            `could not dead-letter message ${String(msg.properties.messageId ?? '(no id)')} from ${this.spec.queue} ` +
              `after ${DEAD_LETTER_RETRY_MS.length + 1} tries; it went back to the queue (x-delivery-limit ends a loop)`,
            { cause: error },
          );
        }
        await new Promise((resolve) => setTimeout(resolve, delay));
      }
    }
  }

  /**
   * Attempts the message carries from earlier retry-tier hops. Only a message on a later attempt
   * (`x-warren-attempt` > 1) carries any: a first attempt (say, an operator's replay that kept the
   * old dead letter's headers) starts a fresh history.
   */
  private carriedAttempts(msg: ConsumeMessage): unknown {
    const attempt = Number(stringHeaders(msg.properties.headers)[WARREN_HEADERS.ATTEMPT] ?? 1) || 1;
    return attempt > 1 ? msg.properties.headers?.[WARREN_HEADERS.ATTEMPTS] : undefined;
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
