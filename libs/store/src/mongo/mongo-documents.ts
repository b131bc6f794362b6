import type { ResolvedCommitWrites } from '../domain/commit-writes';
import type { OutboxEntry, ProcessedMessage } from '../ports/actor-state.port';
import type { AuditEntry } from '../ports/audit.port';
import type { DeadLetterRecord } from '../ports/dead-letter.port';
import type { TurnPart } from '../ports/history.port';
import type { ProfileRecord } from '../ports/profile.port';
import type { ReminderRecord } from '../ports/reminder.port';
import type { TaskRecord } from '../ports/task.port';

/** Collection names (libs/store/README.md). */
export const COLLECTIONS = Object.freeze({
  actors: 'actors',
  messages: 'messages',
  tasks: 'tasks',
  deadLetters: 'dead_letters',
  reminders: 'reminders',
  profiles: 'profiles',
  auditLog: 'audit_log',
  knowledgeDocuments: 'knowledge_documents',
  knowledgePassages: 'knowledge_passages',
} as const);

/** `actors`: one document per actor, `_id` = address. */
export interface ActorDocument {
  _id: string;
  version: number;
  state?: unknown;
  steps?: Record<string, unknown>;
  /** Recent processed ids, oldest first, capped with `$push … $slice`. */
  processed: ProcessedMessage[];
  /** Committed outbox entries not yet marked sent, in commit order. */
  outbox?: OutboxEntry[];
  /** The last commit's task and history, until they are written to their collections (see `MongoActorStateStore`). */
  pendingWrites?: { version: number; writes: ResolvedCommitWrites };
  updatedAt: Date;
}

/**
 * `messages`: one turn part; `seq` is the append order; `turnAt`, `turnSeq` (those of the first
 * stored part of the part's task, else its own) and `turnRank` (0 for the user) give the turn order.
 */
export interface MessageDocument extends Omit<TurnPart, 'id'> {
  _id: string;
  seq: number;
  turnAt: Date;
  turnSeq: number;
  turnRank: number;
}

/** `tasks`: `_id` = task id. */
export interface TaskDocument extends Omit<TaskRecord, 'id'> {
  _id: string;
}

/**
 * `dead_letters`: `_id` = dead message id; `seq` (a `MonotonicSequence` number) orders records
 * that share `createdAt` in insertion order, and `_id` breaks a tie between two writers.
 */
export interface DeadLetterDocument extends Omit<DeadLetterRecord, 'messageId'> {
  _id: string;
  seq: number;
}

/** `audit_log`: `_id` = entry id; `seq` orders entries that share `at`. */
export interface AuditDocument extends Omit<AuditEntry, 'id'> {
  _id: string;
  seq: number;
}

/** `reminders`: `_id` = `reminderId(actor, name)`. */
export interface ReminderDocument extends ReminderRecord {
  _id: string;
}

/** `profiles`: `_id` = `profileId(tenant, userId)`. */
export interface ProfileDocument extends ProfileRecord {
  _id: string;
}

/** The key of a profile document. */
export function profileId(tenant: string, userId: string): string {
  return JSON.stringify([tenant, userId]);
}

/**
 * `knowledge_documents`: `_id` = `profileId`-style `[tenant, id]` JSON; a deleted document stays
 * (`deleted: true`) with its version, so a late older write does not bring it back.
 */
export interface KnowledgeDocumentDocument {
  _id: string;
  tenant: string;
  id: string;
  collection: string;
  version: number;
  deleted: boolean;
  title?: string;
  text: string;
  metadata?: Record<string, unknown>;
  passages: number;
  updatedAt: Date;
}

/** `knowledge_passages`: one passage; `_id` = `[tenant, documentId, version, seq]` JSON. */
export interface KnowledgePassageDocument {
  _id: string;
  tenant: string;
  documentId: string;
  collection: string;
  seq: number;
  version: number;
  title?: string;
  text: string;
  /** Kept for an Atlas Vector Search index (`$vectorSearch`); this adapter does not rank by it. */
  vector?: number[];
  embeddingModel?: string;
}
