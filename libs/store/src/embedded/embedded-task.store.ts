import { NotFoundError } from '@warren/contracts';
import type { Statement, Transaction } from 'better-sqlite3';
import { committedTask, type ResolvedTaskCommit } from '../domain/commit-writes';
import { assertDocumentSize, jsonBytes } from '../domain/document-size';
import { requireUser } from '../domain/history-records';
import { requireId } from '../domain/input-checks';
import { applyTaskUpdate, newTaskRecord, type ResolvedTaskUpdate, resolveTaskUpdate } from '../domain/task-records';
import type { NewTask, TaskRecord, TaskStore, TaskUpdate } from '../ports/task.port';
import { taskFromJson, taskToJson } from './embedded-codecs';
import type { GroupCommit } from './group-commit';
import { guard, type SqliteDatabase } from './sqlite-database';

/** Tasks in SQLite: the record as JSON plus the columns that are queried. */
export class EmbeddedTaskStore implements TaskStore {
  private readonly select: Statement<[string], string>;
  private readonly insert: Statement;
  private readonly update: Statement;
  private readonly eraseByUser: Statement<[string, string]>;
  private readonly eraseBySession: Statement<[string, string]>;
  private readonly createTx: Transaction<(task: TaskRecord, json: string) => TaskRecord>;
  private readonly updateTx: Transaction<(id: string, update: ResolvedTaskUpdate) => TaskRecord>;
  private readonly eraseTx: Transaction<(tenant: string, userId: string, sessionIds: string[]) => number>;

  constructor(
    db: SqliteDatabase,
    private readonly maxDocumentBytes: number,
    private readonly commit: GroupCommit,
  ) {
    this.select = db.prepare<[string], string>('SELECT doc_json FROM tasks WHERE id = ?').pluck();
    this.insert = db.prepare(
      `INSERT INTO tasks (id, tenant, session_id, user_id, status, doc_json, created_at, updated_at)
       VALUES (@id, @tenant, @sessionId, @userId, @status, @json, @at, @at) ON CONFLICT (id) DO NOTHING`,
    );
    this.update = db.prepare('UPDATE tasks SET status = @status, doc_json = @json, updated_at = @at WHERE id = @id');
    this.eraseByUser = db.prepare('DELETE FROM tasks WHERE tenant = ? AND user_id = ?');
    this.eraseBySession = db.prepare('DELETE FROM tasks WHERE tenant = ? AND session_id = ?');
    this.createTx = db.transaction((task: TaskRecord, json: string) => {
      const inserted = this.insert.run({
        id: task.id,
        tenant: task.tenant,
        sessionId: task.sessionId ?? null,
        userId: task.userId ?? null,
        status: task.status,
        json,
        at: task.createdAt.getTime(),
      });
      return inserted.changes === 1 ? task : this.read(task.id);
    });
    this.updateTx = db.transaction((id: string, update: ResolvedTaskUpdate) => {
      const next = applyTaskUpdate(this.read(id), update);
      const json = taskToJson(next);
      assertDocumentSize('tasks', jsonBytes(json), this.maxDocumentBytes);
      this.update.run({ id, status: next.status, json, at: next.updatedAt.getTime() });
      return next;
    });
    this.eraseTx = db.transaction((tenant: string, userId: string, sessionIds: string[]) => {
      let deleted = this.eraseByUser.run(tenant, userId).changes;
      for (const sessionId of sessionIds) deleted += this.eraseBySession.run(tenant, sessionId).changes;
      return deleted;
    });
  }

  async create(input: NewTask): Promise<TaskRecord> {
    const task = newTaskRecord(input);
    const json = taskToJson(task);
    assertDocumentSize('tasks', jsonBytes(json), this.maxDocumentBytes);
    return this.commit.run('create task', () => this.createTx(task, json));
  }

  async updateStatus(id: string, update: TaskUpdate): Promise<TaskRecord> {
    requireId('id', id);
    const resolved = resolveTaskUpdate(update);
    // In the group commit's IMMEDIATE transaction: the read and the write hold the write lock together, so racing updates serialise.
    return this.commit.run('update task', () => this.updateTx(id, resolved));
  }

  async get(id: string): Promise<TaskRecord | undefined> {
    requireId('id', id);
    const json = guard('get task', () => this.select.get(id));
    return json === undefined ? undefined : taskFromJson(json);
  }

  async eraseUser(tenant: string, userId: string, sessionIds: string[]): Promise<number> {
    requireUser(tenant, userId);
    return guard('erase tasks', () => this.eraseTx.immediate(tenant, userId, sessionIds));
  }

  /**
   * Writes a commit's task inside the caller's transaction (an actor's commit, see
   * `EmbeddedActorStateStore`): created or moved, or left as it is when it has already ended.
   * @internal
   */
  writeCommitted(commit: ResolvedTaskCommit): void {
    const json = this.select.get(commit.id);
    const stored = json === undefined ? undefined : taskFromJson(json);
    const next = committedTask(stored, commit);
    if (next === undefined) return;
    const doc = taskToJson(next);
    assertDocumentSize('tasks', jsonBytes(doc), this.maxDocumentBytes);
    if (stored === undefined) {
      this.insert.run({
        id: next.id,
        tenant: next.tenant,
        sessionId: next.sessionId ?? null,
        userId: next.userId ?? null,
        status: next.status,
        json: doc,
        at: next.createdAt.getTime(),
      });
    }
    this.update.run({ id: next.id, status: next.status, json: doc, at: next.updatedAt.getTime() });
  }

  private read(id: string): TaskRecord {
    const json = this.select.get(id);
    if (json === undefined) throw new NotFoundError('task', id);
    return taskFromJson(json);
  }
}
