import type { NewTurnPart } from './history.port';
import type { NewTask, TaskUpdate } from './task.port';

/**
 * Actor state port: what the runtime needs to make an entity actor effectively-once.
 * State, version, the processed message id (with its reply, for asks), the step results of the
 * turn in flight, the records the message wrote elsewhere (its task, its history) and the
 * outbox of what it publishes are saved in ONE atomic commit guarded by the version.
 */

/**
 * A message to publish once its commit is durable (the transactional outbox): kept with the
 * actor until the runtime marks it sent, so a crash between the commit and the broker's
 * confirm publishes it again (with the same id: consumers drop the duplicate).
 */
export interface OutboxEntry {
  /** The published message's id (CloudEvent `id`, AMQP `message-id`); unique per actor. */
  id: string;
  /** `event`: a notification on `warren.events`; `tell`: a message to an actor. */
  kind: 'event' | 'tell';
  /** The routing key of an event, or the address of the actor told. */
  to: string;
  /** The CloudEvent body (JSON). */
  envelope: unknown;
  /** AMQP headers (Warren's `x-warren-*`, trace context). */
  headers: Record<string, string | number>;
}

/**
 * The task a commit ends or moves: created from `create` when it does not exist yet, then
 * `update` applied, unless the task has already ended (then it is left as it is: the first end wins).
 */
export interface TaskCommit {
  create: NewTask;
  update: TaskUpdate;
}

/** Records other than the actor's own that a message writes in its commit. */
export interface CommitWrites {
  task?: TaskCommit;
  /** Turn parts, idempotent by id (a part whose id is stored is not appended again). */
  history?: NewTurnPart[];
}

/** One processed message remembered for dedup; `reply` is the stored reply of an ask. */
export interface ProcessedMessage {
  id: string;
  /** JSON-serialisable reply (the wire reply body) for asks; absent for tells. */
  reply?: unknown;
  /** Epoch milliseconds when it was applied. */
  at: number;
}

/** What `load` returns. A never-saved actor has `version: 0`, `state: undefined`, no processed ids. */
export interface ActorRecord<S = unknown> {
  address: string;
  state: S | undefined;
  /** 0 when never saved; each successful save increments it by one. */
  version: number;
  /** Most recent first is NOT guaranteed; treat as a set. Bounded to the store's window (default 256). */
  processed: ProcessedMessage[];
  /** Step results of the turn in flight (keyed by step name), or undefined when none. */
  steps: Record<string, unknown> | undefined;
  /** Outbox entries committed and not yet marked sent, in commit order (publish them before anything else). */
  outbox: OutboxEntry[];
  updatedAt: Date | undefined;
}

/** One save. `expectedVersion` is the version that was loaded (0 for a first save). */
export interface ActorSave<S = unknown> {
  address: string;
  expectedVersion: number;
  state: S | undefined;
  /** The message whose handling produced this state; appended to the processed window. */
  processed?: ProcessedMessage;
  /** Step results to store; `null` clears them (turn finished); undefined leaves them as they are. */
  steps?: Record<string, unknown> | null;
  /** The message's task and history, committed with the state (see {@link CommitWrites}). */
  writes?: CommitWrites;
  /** What to publish once this commit is durable; appended to the actor's unsent outbox. */
  outbox?: OutboxEntry[];
}

/** Port implemented by every store adapter. */
export interface ActorStateStore {
  /** Loads an actor's record; never throws for an unknown address (returns version 0). */
  load<S = unknown>(address: string): Promise<ActorRecord<S>>;
  /**
   * Saves atomically if the stored version equals `expectedVersion`; resolves with the new version.
   * Rejects with `StateConflictError` otherwise (never overwrites).
   */
  save<S = unknown>(save: ActorSave<S>): Promise<number>;
  /** True when `messageId` is in the actor's recent processed window. */
  hasProcessed(address: string, messageId: string): Promise<boolean>;
  /**
   * Removes published entries from the actor's outbox. May be batched with later writes: a crash
   * before it lands only makes the next activation publish those entries again (same ids).
   */
  markSent(address: string, ids: string[]): Promise<void>;
  /** Deletes an actor's record (passivated forever / erasure). */
  delete(address: string): Promise<void>;
}
