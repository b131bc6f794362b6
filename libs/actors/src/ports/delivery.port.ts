import type { CloudEvent } from '@warren/contracts';
import type { ReplyAddress } from './transport.port';

/** One earlier failed attempt at handling a message (an entity actor's in-place retry). */
export interface FailedAttempt {
  error: unknown;
  attempt: number;
  /** `ActorClass.method` that failed. */
  handler?: string;
  /** When it failed. */
  at: Date;
}

/** Where a failed message goes next: the dead-letter queue, or a worker retry tier. */
export interface FailureReport {
  error: unknown;
  /** `ActorClass.method` that failed, when one was found. */
  handler?: string;
  /** Actor address the message was for. */
  target?: string;
  attempt: number;
  /**
   * The attempts of this delivery that failed before this one, oldest first (entity actors
   * retry in place). Attempts of earlier deliveries (worker retry tiers) travel in the message's
   * headers; the transport carries them on.
   */
  previous?: FailedAttempt[];
}

/** CloudEvents type of the placeholder envelope of an unreadable body (no actor handles it). */
export const UNREADABLE_TYPE = 'warren.unreadable';

/**
 * A body that is not a valid CloudEvent. The transport hands it to the runtime like any other
 * message (with a placeholder `envelope`), so the actor it was for can say why before it is
 * dead-lettered: a raw producer's session learns that its message was refused.
 */
export interface UnreadableBody {
  /** Why it could not be read (an `InvalidMessageError` naming what is wrong). */
  error: unknown;
  /**
   * The id the message claims, as sent: its CloudEvent `id` when that is a string, else the AMQP
   * `message-id`. It may be the very problem (too long, control characters).
   */
  claimedId?: string;
}

/**
 * One message taken from a queue, as the runtime sees it. The transport guarantees that
 * `ack`, `deadLetter` and `retryLater` are never called on a delivery of a lost channel.
 */
export interface Delivery {
  /** The CloudEvent; a placeholder (usable id, type `UNREADABLE_TYPE`) when `unreadable` is set. */
  readonly envelope: CloudEvent;
  /** Set when the body is not a valid CloudEvent: the runtime refuses the message without a handler. */
  readonly unreadable?: UnreadableBody;
  /** Warren headers (`x-warren-*`, `traceparent`) as strings. */
  readonly headers: Readonly<Record<string, string>>;
  /** Key of the actor the message is for (the routing key of an entity message; the pool of a worker). */
  readonly key: string;
  readonly replyTo?: ReplyAddress;
  /** True when the broker delivered this message before (a crash or a hand-over). */
  readonly redelivered: boolean;
  /**
   * From a request pool: an ask whose asker keeps the durable record and asks again. A redelivered
   * one is answered with a retryable error instead of run again: its first run may have streamed
   * part of an answer that a second run would follow with another.
   */
  readonly request?: boolean;
  /** Attempts so far across retry tiers (`x-warren-attempt`), starting at 1. */
  readonly attempt: number;
  /** AMQP `user_id` property: validated by the broker (it must equal the connection's user), so it can name a tenant. */
  readonly userId?: string;
  /** The routing key the message was published with (e.g. `session.<id>.message` on the ingress). */
  readonly routingKey?: string;
  /** Queue it came from (a shard or worker queue): activations are tied to it. */
  readonly queue: string;
  /** Acknowledges: only after the effects are saved. */
  ack(): void;
  /**
   * Publishes to `warren.dead` with the error headers, waits for the confirm, then acks. A message
   * that cannot be published as it is goes in a safe form; the transport never leaves it unacked
   * on a live channel (see the transport's notes).
   */
  deadLetter(report: FailureReport): Promise<void>;
  /** Worker messages: republishes to the retry tier for `delayMs` with the next attempt, then acks. */
  retryLater(report: FailureReport, delayMs: number): Promise<void>;
}
