import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { StateConflictError, StoreUnavailableError } from '@warren/contracts';
import Database from 'better-sqlite3';
import { runStoreContract } from '../contract/store.contract';
import { createStore } from '../create-store';
import type { StoreOptions } from '../store-options';
import type { WarrenStore } from '../warren-store';
import { migrateSchema, SCHEMA_VERSION } from './embedded-schema';
import { EMBEDDED_DB_FILE } from './sqlite-database';

const REPO_ROOT = resolve(__dirname, '../../../..');

function tempDir(): string {
  return mkdtempSync(join(tmpdir(), 'warren-store-'));
}

runStoreContract('embedded', async () => {
  const dataDir = tempDir();
  return {
    open: async (overrides?: StoreOptions) => createStore({ kind: 'embedded', dataDir, ...overrides }),
    destroy: async () => rmSync(dataDir, { recursive: true, force: true }),
  };
});

interface ChildResult {
  out: string;
  code: number | null;
  signal: NodeJS.Signals | null;
}

/** Runs `script` in another Node process (with better-sqlite3 from the repo); resolves when it exits. */
function inAnotherProcess(
  script: string,
  env: Record<string, string>,
  onLine?: (line: string, child: ChildProcess) => void,
): Promise<ChildResult> {
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, ['-e', script], { cwd: REPO_ROOT, env: { ...process.env, ...env } });
    let out = '';
    let err = '';
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      for (const line of chunk.toString().split('\n')) if (line !== '') onLine?.(line, child);
    });
    child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
    child.on('error', fail);
    child.on('exit', (code, signal) =>
      code === 0 || signal !== null ? done({ out: out.trim(), code, signal }) : fail(new Error(`child exited ${code}: ${err}`)),
    );
  });
}

/** A child that takes the write lock, says "locked", and holds it for `holdMs` (or until killed). */
function lockHolder(dbFile: string, holdMs: number, onLocked: (child: ChildProcess) => void): Promise<ChildResult> {
  return inAnotherProcess(
    `const db = new (require('better-sqlite3'))(process.env.DB);
     db.exec('BEGIN IMMEDIATE');
     db.prepare("UPDATE actors SET state_json = '\\"uncommitted\\"'").run();
     console.log('locked');
     const until = Date.now() + Number(process.env.HOLD_MS); while (Date.now() < until) {}
     db.exec('COMMIT');`,
    { DB: dbFile, HOLD_MS: String(holdMs) },
    (line, child) => line === 'locked' && onLocked(child),
  );
}

describe('EmbeddedStore (SQLite specifics)', () => {
  let dataDir: string;
  let store: WarrenStore;
  let dbFile: string;

  beforeAll(async () => {
    dataDir = tempDir();
    dbFile = join(dataDir, EMBEDDED_DB_FILE);
    store = createStore({ dataDir, busyTimeoutMs: 2000 });
    await store.init();
  });

  afterAll(async () => {
    await store.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('opens the database in WAL mode at the current schema version', () => {
    const db = new Database(dbFile);
    try {
      expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
      expect(db.pragma('user_version', { simple: true })).toBe(SCHEMA_VERSION);
    } finally {
      db.close();
    }
  });

  it('another process sees the writes, and its own write makes a stale save conflict', async () => {
    await store.actors.save({ address: 'session/acme~p1', expectedVersion: 0, state: { n: 1 }, processed: { id: 'm1', at: 1 } });
    const seen = await inAnotherProcess(
      `const db = new (require('better-sqlite3'))(process.env.DB, { timeout: 2000 });
       const row = db.prepare('SELECT version, state_json FROM actors WHERE address = ?').get('session/acme~p1');
       db.prepare('UPDATE actors SET version = version + 1 WHERE address = ?').run('session/acme~p1');
       console.log(JSON.stringify(row));`,
      { DB: dbFile },
    );
    expect(JSON.parse(seen.out)).toEqual({ version: 1, state_json: '{"n":1}' });
    await expect(store.actors.save({ address: 'session/acme~p1', expectedVersion: 1, state: { n: 2 } })).rejects.toBeInstanceOf(
      StateConflictError,
    );
    expect((await store.actors.load('session/acme~p1')).version).toBe(2);
  });

  it('a save waits (busy_timeout) while another process holds the write lock, then succeeds', async () => {
    let locked!: () => void;
    const holding = new Promise<void>((r) => (locked = r));
    const child = lockHolder(dbFile, 300, () => locked());
    await holding;
    const started = Date.now();
    await store.actors.save({ address: 'session/acme~busy', expectedVersion: 0, state: 1 });
    expect(Date.now() - started).toBeGreaterThanOrEqual(100);
    expect((await child).code).toBe(0);
  });

  it('a save fails with a retryable StoreUnavailableError when the lock outlasts busy_timeout', async () => {
    const impatient = createStore({ dataDir, busyTimeoutMs: 50 });
    let locked!: () => void;
    const holding = new Promise<void>((r) => (locked = r));
    const child = lockHolder(dbFile, 400, () => locked());
    try {
      await holding;
      await expect(impatient.actors.save({ address: 'session/acme~late', expectedVersion: 0, state: 1 })).rejects.toMatchObject({
        constructor: StoreUnavailableError,
        code: 'WARREN_STORE_UNAVAILABLE',
        retryable: true,
      });
    } finally {
      await child;
      await impatient.close();
    }
  });

  it('a process SIGKILLed inside a write transaction releases the lock and leaves nothing half-written', async () => {
    await store.actors.save({ address: 'session/acme~kill', expectedVersion: 0, state: 'committed' });
    const killed = await lockHolder(dbFile, 10_000, (child) => child.kill('SIGKILL'));
    expect(killed.signal).toBe('SIGKILL');
    expect(await store.actors.load('session/acme~kill')).toMatchObject({ version: 1, state: 'committed' });
    expect(await store.actors.save({ address: 'session/acme~kill', expectedVersion: 1, state: 'after' })).toBe(2);
  });

  it('keeps processed ids in their own table as a ring of processedWindow rows per actor', async () => {
    const small = createStore({ dataDir, processedWindow: 3 });
    try {
      for (let v = 0; v < 10; v++) {
        await small.actors.save({ address: 'session/acme~win', expectedVersion: v, state: v, processed: { id: `m${v}`, at: v } });
      }
    } finally {
      await small.close();
    }
    const db = new Database(dbFile);
    try {
      const rows = db
        .prepare(
          `SELECT p.slot, p.message_id FROM actor_processed p JOIN actors a ON a.id = p.actor_id
           WHERE a.address = 'session/acme~win' ORDER BY p.seq`,
        )
        .all();
      expect(rows).toEqual([
        { slot: 2, message_id: 'm7' },
        { slot: 0, message_id: 'm8' },
        { slot: 1, message_id: 'm9' },
      ]);
    } finally {
      db.close();
    }
  });

  it('ignores ring rows outside a window that was made smaller', async () => {
    const address = 'session/acme~shrink';
    for (let v = 0; v < 6; v++) {
      await store.actors.save({ address, expectedVersion: v, state: v, processed: { id: `m${v}`, at: v } });
    }
    const smaller = createStore({ dataDir, processedWindow: 2 });
    try {
      expect((await smaller.actors.load(address)).processed.map((p) => p.id)).toEqual(['m4', 'm5']);
      expect(await smaller.actors.hasProcessed(address, 'm3')).toBe(false);
      expect(await smaller.actors.hasProcessed(address, 'm5')).toBe(true);
    } finally {
      await smaller.close();
    }
  });

  it('a closed store rejects calls with StoreUnavailableError', async () => {
    const closing = createStore({ dataDir });
    await closing.close();
    await closing.close();
    await expect(closing.actors.load('session/acme~x')).rejects.toBeInstanceOf(StoreUnavailableError);
    await expect(closing.ping()).rejects.toBeInstanceOf(StoreUnavailableError);
  });

  it('migrates a schema 1 directory: old dead letters keep their order, gain the new fields and are found by the new filters', async () => {
    const oldDir = tempDir();
    const old = new Database(join(oldDir, EMBEDDED_DB_FILE));
    try {
      migrateSchema(old, 1);
      const insert = old.prepare(
        `INSERT INTO dead_letters (message_id, status, error_class, error_code, actor_type, created_at, updated_at, doc_json)
         VALUES (?, 'open', 'AskTimeoutError', 'WARREN_ASK_TIMEOUT', 'session', ?, ?, ?)`,
      );
      const at = Date.UTC(2030, 0, 1);
      for (const id of ['z-first', 'a-second']) {
        const doc = {
          messageId: id,
          actorType: 'session',
          address: 'session/acme~old',
          errorCode: 'WARREN_ASK_TIMEOUT',
          errorClass: 'AskTimeoutError',
          envelope: {},
          headers: {},
          attempts: [{ at: new Date(at - 5), code: 'WARREN_ASK_TIMEOUT', errorClass: 'AskTimeoutError', message: `Timed out (${id})` }],
          status: 'open',
          replayedAs: [],
          createdAt: new Date(at),
          updatedAt: new Date(at),
        };
        insert.run(id, at, at, JSON.stringify(doc));
      }
    } finally {
      old.close();
    }
    const migrated = createStore({ dataDir: oldDir });
    try {
      await migrated.init();
      const listed = await migrated.deadLetters.list({ address: 'session/acme~old', text: 'TIMED OUT' }, { order: 'asc' });
      expect(listed.items.map((r) => r.messageId)).toEqual(['z-first', 'a-second']);
      expect(listed.items[0]).toMatchObject({
        errorMessage: 'Timed out (z-first)',
        firstFailureAt: new Date(Date.UTC(2030, 0, 1) - 5),
        lastFailureAt: new Date(Date.UTC(2030, 0, 1) - 5),
      });
      const added = await migrated.deadLetters.insertIfAbsent({
        ...listed.items[0],
        messageId: 'new',
        errorMessage: 'timed out again',
        at: listed.items[0].createdAt,
      });
      expect(added.inserted).toBe(true);
      expect((await migrated.deadLetters.list({ actorType: 'session' }, { order: 'asc' })).items.map((r) => r.messageId)).toEqual([
        'z-first',
        'a-second',
        'new',
      ]);
      expect((await migrated.deadLetters.stats()).groups).toMatchObject([{ count: 3, errorCode: 'WARREN_ASK_TIMEOUT' }]);
      expect(await migrated.audit.list()).toEqual({ items: [] });
    } finally {
      await migrated.close();
      rmSync(oldDir, { recursive: true, force: true });
    }
  });

  it('migrates a schema 2 directory: old reminders keep their schedule and get the defaults (no time zone, ttl or policy)', async () => {
    const oldDir = tempDir();
    const old = new Database(join(oldDir, EMBEDDED_DB_FILE));
    try {
      migrateSchema(old, 2);
      old
        .prepare(
          `INSERT INTO reminders (actor, name, due_at, period_ms, cron, payload_json, created_at, updated_at)
           VALUES ('intent/old', 'daily', ?, NULL, '0 9 * * *', '{"x":1}', 1, 1)`,
        )
        .run(Date.UTC(2030, 0, 1));
    } finally {
      old.close();
    }
    const migrated = createStore({ dataDir: oldDir });
    try {
      await migrated.init();
      const kept = await migrated.reminders.get('intent/old', 'daily');
      expect(kept).toMatchObject({ cron: '0 9 * * *', payload: { x: 1 }, dueAt: new Date(Date.UTC(2030, 0, 1)) });
      expect(kept).not.toHaveProperty('timeZone');
      expect(kept).not.toHaveProperty('missedFire');
      const updated = await migrated.reminders.upsert({
        ...(kept as object),
        actor: 'intent/old',
        name: 'daily',
        dueAt: new Date(1),
        cron: '0 9 * * *',
        timeZone: 'Asia/Tokyo',
        ttlMs: 5,
        missedFire: 'skip',
      });
      expect(updated).toMatchObject({ timeZone: 'Asia/Tokyo', ttlMs: 5, missedFire: 'skip' });
    } finally {
      await migrated.close();
      rmSync(oldDir, { recursive: true, force: true });
    }
  });

  it('migrates a schema 4 directory: a history written out of turn order (a replay) reads in turn order', async () => {
    const oldDir = tempDir();
    const old = new Database(join(oldDir, EMBEDDED_DB_FILE));
    try {
      migrateSchema(old, 4);
      const insert = old.prepare(
        `INSERT INTO messages (id, tenant, session_id, role, content, task_id, status, at) VALUES (?, 'acme', 'old', ?, ?, ?, 'complete', ?)`,
      );
      const t = Date.UTC(2030, 0, 1);
      for (const i of [0, 1]) insert.run(`t${i}:user`, 'user', `u${i}`, `t${i}`, t + i);
      insert.run('note', 'assistant', 'no task', null, t + 5);
      for (const i of [0, 1]) insert.run(`t${i}:assistant`, 'assistant', `a${i}`, `t${i}`, t + 10 + i);
    } finally {
      old.close();
    }
    const migrated = createStore({ dataDir: oldDir });
    try {
      await migrated.init();
      const session = { tenant: 'acme', sessionId: 'old' };
      expect((await migrated.history.lastTurns(session, 10)).map((p) => p.content)).toEqual(['u0', 'a0', 'u1', 'a1', 'no task']);
      await migrated.history.append([
        { ...session, id: 't2:user', taskId: 't2', role: 'user', content: 'u2', at: new Date(Date.UTC(2030, 0, 2)) },
      ]);
      await migrated.history.append([{ ...session, id: 't1:tool', taskId: 't1', role: 'tool', content: 'late tool part' }]);
      expect((await migrated.history.page(session, { order: 'asc' })).items.map((p) => p.content)).toEqual([
        'u0',
        'a0',
        'u1',
        'a1',
        'late tool part',
        'no task',
        'u2',
      ]);
    } finally {
      await migrated.close();
      rmSync(oldDir, { recursive: true, force: true });
    }
  });

  it('createStore() fails with StoreUnavailableError when the data directory cannot be created', () => {
    expect(() => createStore({ dataDir: join(dbFile, 'inside-a-file') })).toThrow(StoreUnavailableError);
  });
});
