import type { SqliteDatabase } from './sqlite-database';

/**
 * Schema migrations, applied in order; `PRAGMA user_version` records how many ran. Append new
 * migrations, never edit one that shipped. Times are epoch milliseconds; `*_json` columns hold JSON.
 */
const MIGRATIONS: readonly string[] = [
  `
  CREATE TABLE actors (
    id INTEGER PRIMARY KEY,
    address TEXT NOT NULL UNIQUE,
    version INTEGER NOT NULL,
    state_json TEXT,
    steps_json TEXT,
    processed_seq INTEGER NOT NULL DEFAULT 0,
    updated_at INTEGER NOT NULL
  );
  -- The processed window as a ring: the id of an actor's n-th processed message goes to
  -- slot n % window, overwriting the one that left the window (one page written per save).
  CREATE TABLE actor_processed (
    actor_id INTEGER NOT NULL,
    slot INTEGER NOT NULL,
    seq INTEGER NOT NULL,
    message_id TEXT NOT NULL,
    reply_json TEXT,
    at INTEGER NOT NULL,
    PRIMARY KEY (actor_id, slot)
  ) WITHOUT ROWID;

  CREATE TABLE messages (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    id TEXT NOT NULL UNIQUE,
    tenant TEXT NOT NULL,
    session_id TEXT NOT NULL,
    user_id TEXT,
    role TEXT NOT NULL,
    content TEXT NOT NULL,
    model TEXT,
    tokens_json TEXT,
    task_id TEXT,
    status TEXT NOT NULL,
    at INTEGER NOT NULL
  );
  CREATE INDEX messages_by_session ON messages (tenant, session_id, at, seq);
  CREATE INDEX messages_by_user ON messages (tenant, user_id) WHERE user_id IS NOT NULL;
  CREATE INDEX messages_by_task ON messages (task_id) WHERE task_id IS NOT NULL;

  CREATE TABLE tasks (
    id TEXT PRIMARY KEY,
    tenant TEXT NOT NULL,
    session_id TEXT,
    user_id TEXT,
    status TEXT NOT NULL,
    doc_json TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
  );
  CREATE INDEX tasks_by_user ON tasks (tenant, user_id) WHERE user_id IS NOT NULL;
  CREATE INDEX tasks_by_session ON tasks (tenant, session_id, created_at) WHERE session_id IS NOT NULL;
  CREATE INDEX tasks_by_status ON tasks (status, updated_at);

  CREATE TABLE dead_letters (
    message_id TEXT PRIMARY KEY,
    status TEXT NOT NULL,
    error_class TEXT NOT NULL,
    error_code TEXT NOT NULL,
    actor_type TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    doc_json TEXT NOT NULL
  );
  CREATE INDEX dead_letters_by_time ON dead_letters (created_at, message_id);
  CREATE INDEX dead_letters_by_status ON dead_letters (status, created_at, message_id);
  CREATE INDEX dead_letters_by_error_class ON dead_letters (error_class, created_at, message_id);
  CREATE INDEX dead_letters_by_error_code ON dead_letters (error_code, created_at, message_id);
  CREATE INDEX dead_letters_by_actor_type ON dead_letters (actor_type, created_at, message_id);

  CREATE TABLE reminders (
    actor TEXT NOT NULL,
    name TEXT NOT NULL,
    due_at INTEGER NOT NULL,
    period_ms INTEGER,
    cron TEXT,
    payload_json TEXT,
    lease_owner TEXT,
    lease_expires_at INTEGER,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    PRIMARY KEY (actor, name)
  );
  CREATE INDEX reminders_by_due ON reminders (due_at);

  CREATE TABLE profiles (
    tenant TEXT NOT NULL,
    user_id TEXT NOT NULL,
    doc_json TEXT NOT NULL,
    updated_at INTEGER NOT NULL,
    PRIMARY KEY (tenant, user_id)
  );
  `,
  // 2 (issue 7): dead letters get a stable order (seq: rowids may change on VACUUM), the columns
  // of the new filters and of the stats, and the audit log. Existing rows are filled from their JSON.
  `
  ALTER TABLE dead_letters ADD COLUMN seq INTEGER;
  ALTER TABLE dead_letters ADD COLUMN address TEXT;
  ALTER TABLE dead_letters ADD COLUMN handler TEXT;
  ALTER TABLE dead_letters ADD COLUMN error_message TEXT NOT NULL DEFAULT '';
  UPDATE dead_letters SET
    seq = rowid,
    address = json_extract(doc_json, '$.address'),
    handler = json_extract(doc_json, '$.handler'),
    error_message = COALESCE(json_extract(doc_json, '$.errorMessage'), json_extract(doc_json, '$.attempts[#-1].message'), '');
  DROP INDEX dead_letters_by_time;
  DROP INDEX dead_letters_by_status;
  DROP INDEX dead_letters_by_error_class;
  DROP INDEX dead_letters_by_error_code;
  DROP INDEX dead_letters_by_actor_type;
  CREATE UNIQUE INDEX dead_letters_by_seq ON dead_letters (seq);
  CREATE INDEX dead_letters_by_time ON dead_letters (created_at, seq);
  CREATE INDEX dead_letters_by_status ON dead_letters (status, created_at, seq);
  CREATE INDEX dead_letters_by_error_class ON dead_letters (error_class, created_at, seq);
  CREATE INDEX dead_letters_by_error_code ON dead_letters (error_code, created_at, seq);
  CREATE INDEX dead_letters_by_actor_type ON dead_letters (actor_type, created_at, seq);
  CREATE INDEX dead_letters_by_address ON dead_letters (address, created_at, seq) WHERE address IS NOT NULL;
  CREATE INDEX dead_letters_by_status_change ON dead_letters (status, updated_at);

  CREATE TABLE audit_log (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    id TEXT NOT NULL UNIQUE,
    at INTEGER NOT NULL,
    doc_json TEXT NOT NULL
  );
  CREATE INDEX audit_log_by_time ON audit_log (at, seq);
  `,
  // 3 (issue 8): a reminder's cron time zone, ttl and missed-fire policy. Existing reminders keep
  // the defaults (UTC, no ttl, fire-once).
  `
  ALTER TABLE reminders ADD COLUMN time_zone TEXT;
  ALTER TABLE reminders ADD COLUMN ttl_ms INTEGER;
  ALTER TABLE reminders ADD COLUMN missed_fire TEXT;
  `,
  // 4 (issue 15/17): the transactional outbox. A commit inserts what its message publishes; the
  // runtime deletes the rows once the broker confirmed them (unsent rows are published again).
  `
  CREATE TABLE actor_outbox (
    actor_id INTEGER NOT NULL,
    entry_id TEXT NOT NULL,
    seq INTEGER NOT NULL,
    entry_json TEXT NOT NULL,
    PRIMARY KEY (actor_id, entry_id)
  ) WITHOUT ROWID;
  `,
  // 5 (issue 18): history in turn order. A part sorts with its turn: the time and position of the
  // first stored part of its task (a replayed answer right after its question), the user's part
  // first. Existing parts are given the turn of their task's first part.
  `
  ALTER TABLE messages ADD COLUMN turn_at INTEGER;
  ALTER TABLE messages ADD COLUMN turn_seq INTEGER;
  ALTER TABLE messages ADD COLUMN turn_rank INTEGER NOT NULL DEFAULT 1;
  UPDATE messages SET turn_rank = CASE role WHEN 'user' THEN 0 ELSE 1 END;
  UPDATE messages SET (turn_at, turn_seq) = (
    SELECT first.at, first.seq FROM messages AS first
    WHERE first.tenant = messages.tenant AND first.session_id = messages.session_id AND first.task_id = messages.task_id
    ORDER BY first.at, first.seq LIMIT 1
  ) WHERE task_id IS NOT NULL;
  UPDATE messages SET turn_at = at, turn_seq = seq WHERE turn_at IS NULL;
  DROP INDEX messages_by_session;
  CREATE INDEX messages_by_session ON messages (tenant, session_id, turn_at, turn_seq, turn_rank, seq);
  `,
  // 6 (issue 20): the knowledge base. A deleted document stays as a tombstone (deleted = 1) with its
  // version, so a late older write does not bring it back. Passages are indexed by FTS5 (BM25), an
  // external-content table kept in step by triggers; their vectors go to sqlite-vec tables
  // (`knowledge_vec_<dims>`), created when the first vector of that length is written.
  `
  CREATE TABLE knowledge_documents (
    tenant TEXT NOT NULL,
    id TEXT NOT NULL,
    collection TEXT NOT NULL,
    version INTEGER NOT NULL,
    deleted INTEGER NOT NULL DEFAULT 0,
    title TEXT,
    text TEXT NOT NULL,
    metadata_json TEXT,
    passages INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    PRIMARY KEY (tenant, id)
  ) WITHOUT ROWID;
  CREATE INDEX knowledge_documents_by_collection ON knowledge_documents (tenant, collection, id) WHERE deleted = 0;
  CREATE TABLE knowledge_passages (
    id INTEGER PRIMARY KEY,
    tenant TEXT NOT NULL,
    document_id TEXT NOT NULL,
    collection TEXT NOT NULL,
    seq INTEGER NOT NULL,
    version INTEGER NOT NULL,
    title TEXT,
    text TEXT NOT NULL,
    vector_dims INTEGER
  );
  CREATE INDEX knowledge_passages_by_document ON knowledge_passages (tenant, document_id, seq);
  CREATE VIRTUAL TABLE knowledge_fts USING fts5(
    title, text, content = 'knowledge_passages', content_rowid = 'id', tokenize = 'unicode61 remove_diacritics 2'
  );
  CREATE TRIGGER knowledge_passages_ai AFTER INSERT ON knowledge_passages BEGIN
    INSERT INTO knowledge_fts (rowid, title, text) VALUES (new.id, COALESCE(new.title, ''), new.text);
  END;
  CREATE TRIGGER knowledge_passages_ad AFTER DELETE ON knowledge_passages BEGIN
    INSERT INTO knowledge_fts (knowledge_fts, rowid, title, text) VALUES ('delete', old.id, COALESCE(old.title, ''), old.text);
  END;
  `,
];

/**
 * Brings the schema up to date (or up to `target`, for tests of a migration). Runs in an IMMEDIATE
 * transaction so that several processes opening a directory at once apply each migration exactly
 * once (the others wait, then see it done).
 */
export function migrateSchema(db: SqliteDatabase, target: number = MIGRATIONS.length): void {
  db.transaction(() => {
    const current = db.pragma('user_version', { simple: true }) as number;
    for (let version = current; version < target; version++) db.exec(MIGRATIONS[version]);
    if (current < target) db.pragma(`user_version = ${target}`);
  }).immediate();
}

/** How many migrations this build knows. */
export const SCHEMA_VERSION = MIGRATIONS.length;
