import type { Db, IndexDescription } from 'mongodb';
import { COLLECTIONS } from './mongo-documents';
import { mongoCall } from './mongo-errors';

const hasUser = { partialFilterExpression: { userId: { $exists: true } } };

/**
 * Every secondary index, by collection. Names are explicit and stable: `createIndexes` with an
 * identical definition is a no-op, so `init()` may run in every process at every start.
 * Correctness never depends on them (all keys that must be unique are `_id`s).
 */
export const MONGO_INDEXES: Readonly<Record<string, readonly IndexDescription[]>> = {
  [COLLECTIONS.actors]: [{ name: 'actors_by_updated', key: { updatedAt: 1 } }],
  [COLLECTIONS.messages]: [
    { name: 'messages_by_session', key: { tenant: 1, sessionId: 1, at: -1, seq: -1 } },
    { name: 'messages_by_user', key: { tenant: 1, userId: 1 }, ...hasUser },
    { name: 'messages_by_task', key: { taskId: 1 }, partialFilterExpression: { taskId: { $exists: true } } },
  ],
  [COLLECTIONS.tasks]: [
    { name: 'tasks_by_user', key: { tenant: 1, userId: 1 }, ...hasUser },
    { name: 'tasks_by_session', key: { tenant: 1, sessionId: 1, createdAt: -1 } },
    { name: 'tasks_by_status', key: { status: 1, updatedAt: -1 } },
  ],
  [COLLECTIONS.deadLetters]: [
    { name: 'dead_letters_by_time', key: { createdAt: -1, _id: -1 } },
    { name: 'dead_letters_by_status', key: { status: 1, createdAt: -1, _id: -1 } },
    { name: 'dead_letters_by_error_class', key: { errorClass: 1, createdAt: -1, _id: -1 } },
    { name: 'dead_letters_by_error_code', key: { errorCode: 1, createdAt: -1, _id: -1 } },
    { name: 'dead_letters_by_actor_type', key: { actorType: 1, createdAt: -1, _id: -1 } },
  ],
  [COLLECTIONS.reminders]: [
    { name: 'reminders_by_due', key: { dueAt: 1 } },
    { name: 'reminders_by_actor', key: { actor: 1, dueAt: 1 } },
  ],
  [COLLECTIONS.profiles]: [{ name: 'profiles_by_user', key: { tenant: 1, userId: 1 }, unique: true }],
};

/** Creates the collections' indices, idempotently. */
export async function ensureMongoIndexes(db: Db): Promise<void> {
  for (const [collection, indexes] of Object.entries(MONGO_INDEXES)) {
    await mongoCall('createIndexes', collection, () => db.collection(collection).createIndexes([...indexes]));
  }
}
