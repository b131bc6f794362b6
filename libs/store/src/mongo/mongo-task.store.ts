import { InvalidTransitionError, NotFoundError } from '@warren/contracts';
import type { Collection } from 'mongodb';
import { committedTask, type ResolvedTaskCommit } from '../domain/commit-writes';
import { assertDocumentSize, jsonBytes } from '../domain/document-size';
import { requireUser } from '../domain/history-records';
import { requireId } from '../domain/input-checks';
import { newTaskRecord, resolveTaskUpdate } from '../domain/task-records';
import type { NewTask, TaskRecord, TaskStore, TaskUpdate } from '../ports/task.port';
import { COLLECTIONS, type TaskDocument } from './mongo-documents';
import { isDuplicateKey, mongoCall, toStoreError } from './mongo-errors';
import { taskTransitionUpdate } from './mongo-queries';

const NAME = COLLECTIONS.tasks;

/** Tasks in `tasks` (write concern majority); status changes are single compare-and-set updates. */
export class MongoTaskStore implements TaskStore {
  constructor(
    private readonly tasks: Collection<TaskDocument>,
    private readonly maxDocumentBytes: number,
  ) {}

  async create(input: NewTask): Promise<TaskRecord> {
    const { id, ...task } = newTaskRecord(input);
    assertDocumentSize(NAME, jsonBytes(JSON.stringify(task)), this.maxDocumentBytes);
    try {
      await this.tasks.insertOne({ _id: id, ...task });
      return { id, ...task };
    } catch (error) {
      if (!isDuplicateKey(error)) throw toStoreError('create', NAME, error);
    }
    const existing = await this.get(id);
    if (existing === undefined) throw new NotFoundError('task', id); // deleted between the insert and the read
    return existing;
  }

  async updateStatus(id: string, update: TaskUpdate): Promise<TaskRecord> {
    requireId('id', id);
    const resolved = resolveTaskUpdate(update);
    const { filter, pipeline } = taskTransitionUpdate(id, resolved);
    const doc = await mongoCall('updateStatus', NAME, () => this.tasks.findOneAndUpdate(filter, pipeline, { returnDocument: 'after' }));
    if (doc !== null) return toRecord(doc);
    // No match: either no such task, or its status does not allow the move.
    const current = await this.get(id);
    if (current === undefined) throw new NotFoundError('task', id);
    throw new InvalidTransitionError('task', current.status, resolved.status);
  }

  /**
   * Writes a commit's task (see `MongoActorStateStore`): created or moved, or left as it is when it
   * has already ended. A compare-and-set on the stored status and time; a racing writer makes it read again.
   * @internal
   */
  async writeCommitted(commit: ResolvedTaskCommit): Promise<void> {
    for (let attempt = 0; attempt < 5; attempt++) {
      const stored = await this.get(commit.id);
      const next = committedTask(stored, commit);
      if (next === undefined) return;
      const { id, ...task } = next;
      assertDocumentSize(NAME, jsonBytes(JSON.stringify(task)), this.maxDocumentBytes);
      if (stored === undefined) {
        try {
          await this.tasks.insertOne({ _id: id, ...task });
          return;
        } catch (error) {
          if (!isDuplicateKey(error)) throw toStoreError('writeCommitted', NAME, error);
          continue;
        }
      }
      const result = await mongoCall('writeCommitted', NAME, () =>
        this.tasks.replaceOne({ _id: id, status: stored.status, updatedAt: stored.updatedAt }, task),
      );
      if (result.matchedCount === 1) return;
    }
    throw toStoreError('writeCommitted', NAME, new Error(`task ${commit.id} kept changing under the commit`));
  }

  async get(id: string): Promise<TaskRecord | undefined> {
    requireId('id', id);
    const doc = await mongoCall('get', NAME, () => this.tasks.findOne({ _id: id }));
    return doc === null ? undefined : toRecord(doc);
  }

  async eraseUser(tenant: string, userId: string, sessionIds: string[]): Promise<number> {
    requireUser(tenant, userId);
    const filter = { tenant, $or: [{ userId }, { sessionId: { $in: sessionIds } }] };
    const result = await mongoCall('eraseUser', NAME, () => this.tasks.deleteMany(filter));
    return result.deletedCount;
  }
}

function toRecord(doc: TaskDocument): TaskRecord {
  const { _id, ...task } = doc;
  return { id: _id, ...task };
}
