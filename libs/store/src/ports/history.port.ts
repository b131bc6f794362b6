import type { Page, PageRequest } from './page';

/** Who produced a turn part. */
export type TurnRole = 'user' | 'assistant' | 'system' | 'tool';

/** `interrupted` marks an assistant part cut short by an interrupt. */
export type TurnStatus = 'complete' | 'interrupted';

/** Token counts of one model call. */
export interface TokenCounts {
  prompt?: number;
  completion?: number;
  total?: number;
}

/** A session as the history knows it: session ids are unique within a tenant only. */
export interface SessionRef {
  tenant: string;
  /** Wire session id, `[A-Za-z0-9_-]{1,128}`. */
  sessionId: string;
}

/** A turn part to append. */
export interface NewTurnPart extends SessionRef {
  /**
   * Idempotency id, e.g. derived from the message id and the step: a part whose id is already
   * stored is not appended again (a redelivered turn does not duplicate its history). Generated when absent.
   */
  id?: string;
  /** The user the session belongs to; erasure finds a user's sessions through it. */
  userId?: string;
  role: TurnRole;
  content: string;
  model?: string;
  tokens?: TokenCounts;
  taskId?: string;
  /** @default 'complete' */
  status?: TurnStatus;
  /** @default now */
  at?: Date;
}

/** A stored turn part. */
export interface TurnPart extends SessionRef {
  id: string;
  userId?: string;
  role: TurnRole;
  content: string;
  model?: string;
  tokens?: TokenCounts;
  taskId?: string;
  status: TurnStatus;
  at: Date;
}

/** Paging through a session's history. */
export interface HistoryPageRequest extends PageRequest {
  /** `desc`: newest first (a chat UI scrolling back); `asc`: oldest first. @default 'desc' */
  order?: 'asc' | 'desc';
}

/** What a user's erasure removed from the history. */
export interface HistoryErasure {
  /** Turn parts deleted: every part of every session in which the user has a part. */
  deleted: number;
  /** The sessions erased; the caller deletes their actor records and tasks. */
  sessionIds: string[];
}

/**
 * Conversation history (`messages`), in turn order: each part of a task (`taskId`) sorts with the
 * first stored part of that task in its session, so an answer follows its question however late it
 * is written (a replayed, retried or interrupted turn); within a turn the user's part comes first,
 * then the others in append order. Turns (and parts without a task, such as proactive messages) are
 * ordered by the time of their first part, then by the order in which they were appended. Each part
 * keeps its own `at`.
 */
export interface HistoryStore {
  /** Appends parts (one batch is atomic in the embedded store); resolves with the parts as stored. */
  append(parts: NewTurnPart[]): Promise<TurnPart[]>;
  /** The last `limit` parts of a session, oldest first (what a prompt needs). */
  lastTurns(session: SessionRef, limit: number): Promise<TurnPart[]>;
  /** One page of a session's history. */
  page(session: SessionRef, request?: HistoryPageRequest): Promise<Page<TurnPart>>;
  /** Deletes every part of a session. Resolves with the number deleted. */
  deleteSession(session: SessionRef): Promise<number>;
  /** Right to erasure: deletes every session of `userId` in `tenant`. */
  eraseUser(tenant: string, userId: string): Promise<HistoryErasure>;
}
