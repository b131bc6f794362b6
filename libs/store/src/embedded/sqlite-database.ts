import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { StoreUnavailableError, WarrenError } from '@warren/contracts';
import Database from 'better-sqlite3';
import { claimHost } from './host-marker';

/** A better-sqlite3 connection. */
export type SqliteDatabase = Database.Database;

/** File name of the embedded store inside its data directory. */
export const EMBEDDED_DB_FILE = 'warren.sqlite';

/** SQLite result codes that mean "the file is busy, full or unreachable": worth retrying later. */
const TRANSIENT_CODES = /^SQLITE_(BUSY|LOCKED|IOERR|FULL|CANTOPEN|READONLY|PROTOCOL)/;

/**
 * Opens (creating when needed) `<dataDir>/warren.sqlite` for sharing with other processes:
 * busy_timeout first (so the WAL switch itself waits for a concurrent opener), WAL journal,
 * synchronous=NORMAL (a commit survives a process crash; a power cut may lose the last commits).
 */
export function openSqlite(dataDir: string, busyTimeoutMs: number): SqliteDatabase {
  const dir = resolve(dataDir);
  try {
    mkdirSync(dir, { recursive: true });
    claimHost(dir);
    const db = new Database(join(dir, EMBEDDED_DB_FILE), { timeout: busyTimeoutMs });
    db.pragma(`busy_timeout = ${busyTimeoutMs}`);
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    db.pragma('foreign_keys = OFF');
    db.pragma('temp_store = MEMORY');
    return db;
  } catch (error) {
    if (error instanceof WarrenError) throw error;
    throw new StoreUnavailableError(`cannot open the embedded store in ${dir}: ${(error as Error).message}`, { cause: error });
  }
}

/**
 * Runs `work` and turns driver failures into `StoreUnavailableError` (retryable when the cause is
 * transient, e.g. SQLITE_BUSY after busy_timeout). Warren errors pass through unchanged.
 */
export function guard<T>(operation: string, work: () => T): T {
  try {
    return work();
  } catch (error) {
    throw toStoreError(operation, error);
  }
}

/** Maps a better-sqlite3 error (or a closed connection's TypeError) to a Warren error. */
export function toStoreError(operation: string, error: unknown): Error {
  if (error instanceof WarrenError) return error;
  const code = (error as { code?: unknown })?.code;
  const message = error instanceof Error ? error.message : String(error);
  if (typeof code === 'string') {
    return new StoreUnavailableError(`embedded store ${operation} failed (${code}): ${message}`, {
      cause: error,
      retryable: TRANSIENT_CODES.test(code),
    });
  }
  if (error instanceof TypeError && /not open/.test(message)) {
    return new StoreUnavailableError(`embedded store ${operation} failed: the store is closed`, { cause: error, retryable: false });
  }
  return new StoreUnavailableError(`embedded store ${operation} failed: ${message}`, { cause: error, retryable: false });
}
