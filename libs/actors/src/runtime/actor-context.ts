import type { CloudEvent, ReminderSchedule } from '@warren/contracts';
import type { CommitWrites } from '@warren/store';
import type { TraceContext } from '@warren/telemetry';
import type { PendingReminder } from '../ports/reminder-registry.port';
import type { ReplyAddress } from '../ports/transport.port';
import type { AskCallOptions, SendOptions } from './message-sender';

/** A reply promised for later; plain data, so it can be kept in actor state. */
export interface DeferredReply extends ReplyAddress {
  /** Id of the ask being answered. */
  messageId: string;
}

/**
 * What a handler gets besides its message: who it is, who sent the message, the
 * activation's state and the ways to talk to other actors. Valid during the handler only.
 */
export interface ActorContext<S = unknown> {
  /** This actor's address, `<type>/<key>`. */
  readonly self: string;
  /** The key part of `self`. */
  readonly key: string;
  /** `x-warren-sender`: an actor address or an external source. */
  readonly sender: string | undefined;
  readonly messageId: string;
  /** AMQP `user_id` of the message, checked by the broker against the connection's user (tenant mapping). */
  readonly userId: string | undefined;
  /** The routing key the message was published with, when it came from the broker. */
  readonly routingKey: string | undefined;
  /** `x-warren-task-id`, when the message belongs to a task. */
  readonly taskId: string | undefined;
  /**
   * `x-warren-replay-of`: the id of the dead-lettered message this one replays (an operator's
   * replay: a new message id, the same task id). A handler may then resume a task that ended
   * `failed` or `compensated` instead of ignoring it as finished.
   */
  readonly replayOf: string | undefined;
  /** A header of the message as it arrived (string headers only), e.g. `x-warren-client-task-id`. */
  header(name: string): string | undefined;
  /** 1 for the first attempt. */
  readonly attempt: number;
  /** The envelope as it arrived (CloudEvents attributes, extensions). */
  readonly envelope: CloudEvent;
  /** Fires when the work is cancelled: an interleaved handler, a `cancel` on `warren.control`, shutdown. */
  readonly signal: AbortSignal;
  /** The trace this handler runs in (a child span of the producer's). */
  readonly trace: TraceContext;
  /** The activation's state (entity actors); saved after the handler returns. Undefined for workers. */
  state: S | undefined;

  tell(address: string, message: object, options?: SendOptions): Promise<void>;
  ask<R = unknown>(address: string, message: object, options?: AskCallOptions): Promise<R>;
  /** Parts of a streamed reply; the generator's return value is the end marker's value. */
  askStream<R = unknown, E = unknown>(address: string, message: object, options?: AskCallOptions): AsyncGenerator<R, E | undefined>;

  /** Answers the current ask later: the handler's return value is not sent; complete the handle with `reply`. */
  replyLater(): DeferredReply;
  /** Completes a deferred reply with a value. */
  reply(handle: DeferredReply, value: unknown): Promise<void>;
  /** Completes a deferred reply with an error (its code crosses the wire). */
  replyError(handle: DeferredReply, error: unknown): Promise<void>;

  /**
   * Runs a step of a multi-step handler once: its result is saved with the state, so a
   * redelivered message resumes after the last finished step instead of doing it again.
   * Entity actors only.
   */
  step<T>(name: string, run: () => Promise<T>): Promise<T>;

  /** A volatile local timer: delivers `message` to this activation after `delayMs` (gone on passivation). */
  setTimer(name: string, delayMs: number, message: object): void;
  clearTimer(name: string): void;

  /**
   * Creates or replaces this actor's durable reminder `name`: the scheduler delivers a
   * `ReminderDue` (id `rem:<actor>:<name>:<scheduledAt>`) at each fire, activating the actor if
   * it is passive; it survives restarts of every process. `after`, `every` and `cron` count from
   * the handled message's time, so a redelivered handler registers the same reminder again.
   * Rejects with `InvalidOptionsError` for a bad schedule. Entity actors only.
   */
  remind(name: string, schedule: ReminderSchedule): Promise<void>;
  /** Deletes this actor's reminder `name`; resolves true when there was one. */
  cancelReminder(name: string): Promise<boolean>;
  /** This actor's pending reminders, by due time. */
  listReminders(): Promise<PendingReminder[]>;

  /**
   * From an interleaved handler: fires the signal of this activation's running handler
   * (optionally only when it works on `taskId`). Returns true when something was aborted.
   */
  abortRunning(reason?: string, taskId?: string): boolean;
  /**
   * Publishes a notification on `warren.events` (e.g. `session.<id>.reply`): a CloudEvent of
   * `type` with `data`, an id derived from the handled message, the trace continued. Confirmed.
   * With `afterCommit` (entity actors that keep state) it goes to the message's outbox: published
   * once the commit is durable, again after a crash until confirmed (the same id each time).
   */
  emit(
    routingKey: string,
    type: string,
    data: unknown,
    options?: { subject?: string; id?: string; afterCommit?: boolean; transient?: boolean },
  ): Promise<void>;

  /**
   * Entity actors that keep state: records this message writes besides its state (its task, history
   * parts), committed in ONE atomic save with the state, the processed id and the outbox. Calls
   * add up (history appended, the last task wins). Nothing is written if the handler throws,
   * unless `commit()` was called first.
   */
  commitWith(writes: CommitWrites): void;

  /**
   * Commits now what is staged (state, `commitWith` writes, `afterCommit` sends; not the processed
   * id, which only the end of the handler records) and publishes the outbox. For a handler that
   * must make its failure durable and visible (a `failed` event, the task failed) before it throws
   * for the dead-letter queue. Rejects when this node no longer owns the actor.
   */
  commit(): Promise<void>;
  /** Cancels a task on whichever node runs it (`cancel` on `warren.control`). */
  cancelTask(taskId: string, reason?: string): Promise<void>;
}
