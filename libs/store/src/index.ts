export { createStore } from './create-store';
export type {
  KnowledgeBaseOptions,
  KnowledgeDocumentInput,
  KnowledgeHit,
  KnowledgeSearch,
  TextEmbedder,
} from './knowledge/knowledge-base';
export { KnowledgeBase } from './knowledge/knowledge-base';
export type { PassageSplitOptions } from './knowledge/passage-splitter';
export type {
  ActorRecord,
  ActorSave,
  ActorStateStore,
  CommitWrites,
  OutboxEntry,
  ProcessedMessage,
  TaskCommit,
} from './ports/actor-state.port';
export type { AuditEntry, AuditStore, NewAuditEntry } from './ports/audit.port';
export type {
  DeadLetterAttempt,
  DeadLetterFilter,
  DeadLetterOrigin,
  DeadLetterPageRequest,
  DeadLetterRecord,
  DeadLetterStats,
  DeadLetterStatsGroup,
  DeadLetterStatus,
  DeadLetterStatusChange,
  DeadLetterStore,
  NewDeadLetter,
} from './ports/dead-letter.port';
export type {
  HistoryErasure,
  HistoryPageRequest,
  HistoryStore,
  NewTurnPart,
  SessionRef,
  TokenCounts,
  TurnPart,
  TurnRole,
  TurnStatus,
} from './ports/history.port';
export type {
  KnowledgeCandidate,
  KnowledgeDocument,
  KnowledgeDocumentWrite,
  KnowledgePassageInput,
  KnowledgeQuery,
  KnowledgeStore,
  KnowledgeWriteOutcome,
  KnowledgeWriteResult,
} from './ports/knowledge.port';
export type { Page, PageRequest } from './ports/page';
export type { ProfilePatch, ProfileRecord, ProfileStore, QuietHours } from './ports/profile.port';
export type { ReminderClaim, ReminderInput, ReminderRecord, ReminderStore } from './ports/reminder.port';
export type {
  NewTask,
  TaskError,
  TaskRecord,
  TaskStatus,
  TaskStep,
  TaskStore,
  TaskToolCall,
  TaskTransition,
  TaskUpdate,
  TaskUsage,
} from './ports/task.port';
export type { ResolvedStoreOptions, StoreKind, StoreOptions } from './store-options';
export { storeOptionsFromEnv } from './store-options';
export type { ErasureReport, WarrenStore } from './warren-store';
export { WARREN_STORE } from './warren-store';
