import type { Page, PageRequest } from './page';

/**
 * Dead letter lifecycle: `open → replayed | discarded`, `replayed → replayed` (a forced second
 * replay; the caller decides when that is allowed), `replayed → discarded`, `discarded → open` (restore).
 */
export type DeadLetterStatus = 'open' | 'replayed' | 'discarded';

/** One failed attempt at handling the message. */
export interface DeadLetterAttempt {
  at: Date;
  /** Stable `WARREN_*` code. */
  code: string;
  /** Error class name (`AskTimeoutError`). */
  errorClass: string;
  message: string;
  /** First lines of the stack trace. */
  stackHead?: string;
  /** Handler method name. */
  handler?: string;
  /** Node that made the attempt. */
  node?: string;
}

/** Where a dead message was going: a replay republishes it there. */
export interface DeadLetterOrigin {
  exchange: string;
  routingKey: string;
  /** Queue it was consumed from. */
  queue?: string;
}

/** A dead letter as the keeper records it. */
export interface NewDeadLetter {
  /** The dead message's id: the record's key. */
  messageId: string;
  actorType: string;
  /** Target actor address (entity messages). */
  address?: string;
  /** Queue it was consumed from. */
  queue?: string;
  taskId?: string;
  tenant?: string;
  /** Code and class of the final error (`x-warren-error`). */
  errorCode: string;
  errorClass: string;
  /** The final error's message. */
  errorMessage: string;
  /** Handler method name that failed. */
  handler?: string;
  /** Node that gave up on the message. */
  node?: string;
  /** `x-warren-sender`: actor address or external source. */
  sender?: string;
  /** Where to republish it. */
  origin?: DeadLetterOrigin;
  /** Time of the first and of the last failed attempt. */
  firstFailureAt: Date;
  lastFailureAt: Date;
  /** The message as it was (CloudEvent body), for replay. */
  envelope: unknown;
  /** Its AMQP headers, for replay. */
  headers: Record<string, unknown>;
  attempts: DeadLetterAttempt[];
  /** Lineage: the dead letter this message was a replay of. */
  replayOf?: string;
  /** When it was dead-lettered. @default now */
  at?: Date;
}

/** A stored dead letter. */
export interface DeadLetterRecord extends Omit<NewDeadLetter, 'at'> {
  status: DeadLetterStatus;
  /** Message ids of the replays published from it, oldest first. */
  replayedAs: string[];
  /** Operator's note on the last status change. */
  note?: string;
  /** When it was dead-lettered. */
  createdAt: Date;
  /** Time of the last status change (`createdAt` until the first one). */
  updatedAt: Date;
}

/** Filters of a dead letter listing; all optional, combined with AND. */
export interface DeadLetterFilter {
  status?: DeadLetterStatus;
  errorClass?: string;
  errorCode?: string;
  actorType?: string;
  /** Exact target actor address. */
  address?: string;
  /** Case-insensitive substring of `errorMessage`. */
  text?: string;
  /** Only these dead message ids (1 to 1000 of them). */
  messageIds?: string[];
  /** Dead-lettered at or after. */
  from?: Date;
  /** Dead-lettered before. */
  to?: Date;
}

/**
 * A page of a dead letter listing. `desc` (the default) is newest first; `asc` is the order of
 * dead-lettering: by `createdAt`, then by insertion (a total, stable order). A cursor is valid
 * only with the filter and order that produced it.
 */
export interface DeadLetterPageRequest extends PageRequest {
  /** @default 'desc' */
  order?: 'asc' | 'desc';
}

/** One group of `DeadLetterStore#stats`. */
export interface DeadLetterStatsGroup {
  errorClass: string;
  errorCode: string;
  actorType: string;
  /** Absent for dead letters recorded without a handler. */
  handler?: string;
  count: number;
  /** Earliest and latest `createdAt` in the group. */
  firstSeen: Date;
  lastSeen: Date;
}

/** Counts of dead letters grouped by error class and code, actor type and handler. */
export interface DeadLetterStats {
  /** Dead letters matching the filter. */
  total: number;
  /** Sorted by count, largest first (ties: by error class, code, actor type, handler). */
  groups: DeadLetterStatsGroup[];
}

/** A status change by an operator. */
export interface DeadLetterStatusChange {
  status: DeadLetterStatus;
  /** The replay's message id: required with status `replayed` (appended to `replayedAs`), refused otherwise. */
  replayedAs?: string;
  note?: string;
  /** @default now */
  at?: Date;
}

/** Dead letters (`dead_letters`). */
export interface DeadLetterStore {
  /** Records a dead letter unless one with this message id exists (the keeper may see it twice). */
  insertIfAbsent(deadLetter: NewDeadLetter): Promise<{ inserted: boolean; record: DeadLetterRecord }>;
  get(messageId: string): Promise<DeadLetterRecord | undefined>;
  /** Newest first unless `page.order` is `asc`. */
  list(filter?: DeadLetterFilter, page?: DeadLetterPageRequest): Promise<Page<DeadLetterRecord>>;
  /** Counts by error class, error code, actor type and handler. */
  stats(filter?: DeadLetterFilter): Promise<DeadLetterStats>;
  /**
   * A compare-and-set status change (staying in the same status is allowed). Rejects with
   * `InvalidTransitionError` (e.g. `discarded → replayed`) or `NotFoundError`.
   */
  updateStatus(messageId: string, change: DeadLetterStatusChange): Promise<DeadLetterRecord>;
  /** Retention: deletes discarded dead letters whose last status change is before `discardedBefore`; returns how many. */
  purge(discardedBefore: Date): Promise<number>;
}
