import type { Transaction } from 'better-sqlite3';
import { guard, type SqliteDatabase } from './sqlite-database';

/** How long a deferred write waits for another commit to ride along with. */
const LAZY_MAX_DELAY_MS = 200;

/** A write waiting for the next group commit. */
interface PendingWrite {
  operation: string;
  write: () => unknown;
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
  outcome?: { ok: true; value: unknown } | { ok: false; error: unknown };
}

/**
 * Group commit of the embedded store's frequent writes (actor saves, tasks, history, reminders):
 * every write queued during one pass of the event loop commits in one IMMEDIATE transaction,
 * so a turn's task update and history append, or the saves of many actors under load, cost one
 * lock round and one WAL append instead of one each. Each write runs in a savepoint of its own
 * (pass a `db.transaction` function, or a single statement, which SQLite keeps atomic): one that
 * throws (a version conflict, a refused transition) rolls back alone and rejects alone. When the
 * transaction itself fails (the database is locked past the busy timeout, the disk is full),
 * every write of the batch rejects with `StoreUnavailableError`. A write's promise settles after
 * the commit, so what the caller reads next includes it.
 */
export class GroupCommit {
  private queue: PendingWrite[] = [];
  private scheduled = false;
  private lazy: { operation: string; write: () => unknown }[] = [];
  private lazyTimer: NodeJS.Timeout | undefined;
  private readonly commitAll: Transaction<(batch: PendingWrite[]) => void>;

  constructor(private readonly db: SqliteDatabase) {
    this.commitAll = db.transaction((batch: PendingWrite[]) => {
      for (const item of batch) {
        try {
          item.outcome = { ok: true, value: guard(item.operation, item.write) };
        } catch (error) {
          item.outcome = { ok: false, error };
          // A failure that ended the whole transaction (SQLite rolls back on some I/O errors): stop here, fail the batch.
          if (!this.db.inTransaction) throw error;
        }
      }
    });
  }

  /** Queues `write` for the next group commit; resolves with its result once committed. */
  run<T>(operation: string, write: () => T): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.queue.push({ operation, write, resolve: resolve as (value: unknown) => void, reject });
      if (!this.scheduled) {
        this.scheduled = true;
        setImmediate(() => this.flush());
      }
    });
  }

  /**
   * Queues a write that may wait: it rides along with the next group commit (no commit of its
   * own under load), or commits alone after `maxDelayMs`. Its failure is only counted (the
   * caller does not wait): for bookkeeping whose loss a crash would cause anyway (outbox marks).
   */
  defer(operation: string, write: () => unknown, maxDelayMs = LAZY_MAX_DELAY_MS): void {
    this.lazy.push({ operation, write });
    if (this.lazyTimer === undefined) {
      this.lazyTimer = setTimeout(() => this.flush(), maxDelayMs);
      this.lazyTimer.unref();
    }
  }

  /** Commits what is queued now (the store flushes before it closes). */
  flush(): void {
    this.scheduled = false;
    if (this.lazy.length > 0) {
      clearTimeout(this.lazyTimer);
      this.lazyTimer = undefined;
      for (const { operation, write } of this.lazy.splice(0)) {
        this.queue.push({ operation, write, resolve: () => undefined, reject: () => undefined });
      }
    }
    if (this.queue.length === 0) return;
    const batch = this.queue;
    this.queue = [];
    try {
      guard('commit', () => this.commitAll.immediate(batch));
    } catch (error) {
      for (const item of batch) item.reject(error);
      return;
    }
    for (const item of batch) {
      const outcome = item.outcome;
      if (outcome?.ok) item.resolve(outcome.value);
      else item.reject(outcome?.error);
    }
  }
}
