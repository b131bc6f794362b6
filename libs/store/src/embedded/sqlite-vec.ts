import type { SqliteDatabase } from './sqlite-database';

/**
 * Loads the sqlite-vec extension (`vec0` virtual tables) into a connection; false when it is not
 * installed for this platform (the knowledge base then ranks lexically only).
 */
export function loadSqliteVec(db: SqliteDatabase): boolean {
  try {
    // required lazily: a platform without a prebuilt extension still opens the store
    (require('sqlite-vec') as { load(db: SqliteDatabase): void }).load(db);
    return true;
  } catch {
    return false;
  }
}
