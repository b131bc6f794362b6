import type { Page, PageRequest } from './page';

/** Dead letter lifecycle: `open → replayed | discarded`. */
export type DeadLetterStatus = 'open' | 'replayed' | 'discarded';

/** One failed attempt at handling the message. */
export interface DeadLetterAttempt {
  at: Date;
  /** Stable `WARREN_*` code. */
  code: string;
  /** Error class name (`AskTimeoutError`). */
  errorClass: string;
  message: string;
  /** Node that made the attempt. */
  node?: string;
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
  /** The message as it was (CloudEvent body), for replay. */
  envelope: unknown;
  headers: Record<string, unknown>;
  attempts: DeadLetterAttempt[];
  /** Lineage: the dead letter this message was a replay of. */
  replayOf?: string;
  /** @default now */
  at?: Date;
}

/** A stored dead letter. */
export interface DeadLetterRecord extends Omit<NewDeadLetter, 'at'> {
  status: DeadLetterStatus;
  /** Message ids of the replays published from it. */
  replayedAs: string[];
  /** Operator's note on the last status change. */
  note?: string;
  createdAt: Date;
  updatedAt: Date;
}

/** Filters of a dead letter listing; all optional, combined with AND. */
export interface DeadLetterFilter {
  status?: DeadLetterStatus;
  errorClass?: string;
  errorCode?: string;
  actorType?: string;
  /** Dead-lettered at or after. */
  from?: Date;
  /** Dead-lettered before. */
  to?: Date;
}

/** A status change by an operator. */
export interface DeadLetterStatusChange {
  status: DeadLetterStatus;
  /** The replay's message id (status `replayed`). */
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
  /** Newest first. */
  list(filter?: DeadLetterFilter, page?: PageRequest): Promise<Page<DeadLetterRecord>>;
  /** Rejects with `InvalidTransitionError` (e.g. `discarded → open`) or `NotFoundError`. */
  updateStatus(messageId: string, change: DeadLetterStatusChange): Promise<DeadLetterRecord>;
}
