/**
 * Actor state port: what the runtime needs to make an entity actor effectively-once.
 * State, version, the processed message id (with its reply, for asks) and the step
 * results of the turn in flight are saved in ONE atomic update guarded by the version.
 */

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
  /** Deletes an actor's record (passivated forever / erasure). */
  delete(address: string): Promise<void>;
}
