import type { ActorStateStore } from './ports/actor-state.port';
import type { AuditStore } from './ports/audit.port';
import type { DeadLetterStore } from './ports/dead-letter.port';
import type { HistoryStore } from './ports/history.port';
import type { KnowledgeStore } from './ports/knowledge.port';
import type { ProfileStore } from './ports/profile.port';
import type { ReminderStore } from './ports/reminder.port';
import type { TaskStore } from './ports/task.port';
import type { StoreKind } from './store-options';

/** What `WarrenStore#eraseUser` removed. */
export interface ErasureReport {
  /** Sessions whose history was deleted. Their session actors (`session/<tenant>~<id>`) are the caller's to deactivate and delete. */
  sessionIds: string[];
  messages: number;
  tasks: number;
  profiles: number;
}

/** The state store: one object per process, created by `createStore`. */
export interface WarrenStore {
  readonly kind: StoreKind;
  readonly actors: ActorStateStore;
  readonly history: HistoryStore;
  readonly tasks: TaskStore;
  readonly deadLetters: DeadLetterStore;
  readonly reminders: ReminderStore;
  readonly profiles: ProfileStore;
  /** Operator actions (who, what, when, how many). */
  readonly audit: AuditStore;
  /** The knowledge base's documents and passages (retrieval; see `KnowledgeBase`). */
  readonly knowledge: KnowledgeStore;
  /** Connects and creates collections and indices; idempotent, safe with several processes starting at once. */
  init(): Promise<void>;
  /** Resolves when the store answers; rejects with `StoreUnavailableError` otherwise. */
  ping(): Promise<void>;
  /** Right to erasure: deletes the user's history (whole sessions), tasks and profile. Idempotent. */
  eraseUser(tenant: string, userId: string): Promise<ErasureReport>;
  /** Closes connections; later calls reject with `StoreUnavailableError`. */
  close(): Promise<void>;
}

/** Injection token of the process's `WarrenStore` (Nest apps provide it once, at the root). */
export const WARREN_STORE = Symbol('warren:store');
