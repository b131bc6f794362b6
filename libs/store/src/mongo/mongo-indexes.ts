import { type Db, type IndexDescription, MongoServerError } from 'mongodb';
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
    { name: 'messages_by_turn', key: { tenant: 1, sessionId: 1, turnAt: -1, turnSeq: -1, turnRank: -1, seq: -1 } },
    // finds a task's first part (the turn a later part of it joins)
    { name: 'messages_by_session_task', key: { tenant: 1, sessionId: 1, taskId: 1, turnAt: 1, turnSeq: 1 } },
    { name: 'messages_by_user', key: { tenant: 1, userId: 1 }, ...hasUser },
    { name: 'messages_by_task', key: { taskId: 1 }, partialFilterExpression: { taskId: { $exists: true } } },
  ],
  [COLLECTIONS.tasks]: [
    { name: 'tasks_by_user', key: { tenant: 1, userId: 1 }, ...hasUser },
    { name: 'tasks_by_session', key: { tenant: 1, sessionId: 1, createdAt: -1 } },
    { name: 'tasks_by_status', key: { status: 1, updatedAt: -1 } },
  ],
  [COLLECTIONS.deadLetters]: [
    { name: 'dead_letters_by_order', key: { createdAt: -1, seq: -1, _id: -1 } },
    { name: 'dead_letters_by_status_order', key: { status: 1, createdAt: -1, seq: -1, _id: -1 } },
    { name: 'dead_letters_by_error_class_order', key: { errorClass: 1, createdAt: -1, seq: -1, _id: -1 } },
    { name: 'dead_letters_by_error_code_order', key: { errorCode: 1, createdAt: -1, seq: -1, _id: -1 } },
    { name: 'dead_letters_by_actor_type_order', key: { actorType: 1, createdAt: -1, seq: -1, _id: -1 } },
    {
      name: 'dead_letters_by_address_order',
      key: { address: 1, createdAt: -1, seq: -1, _id: -1 },
      partialFilterExpression: { address: { $exists: true } },
    },
    { name: 'dead_letters_by_status_change', key: { status: 1, updatedAt: 1 } },
    // finds the documents `init()` backfills (`{ seq: null }` matches a missing field through the index)
    { name: 'dead_letters_by_seq', key: { seq: 1 } },
  ],
  [COLLECTIONS.reminders]: [
    { name: 'reminders_by_due', key: { dueAt: 1 } },
    { name: 'reminders_by_actor', key: { actor: 1, dueAt: 1 } },
  ],
  [COLLECTIONS.profiles]: [{ name: 'profiles_by_user', key: { tenant: 1, userId: 1 }, unique: true }],
  [COLLECTIONS.auditLog]: [{ name: 'audit_log_by_time', key: { at: -1, seq: -1, _id: -1 } }],
  [COLLECTIONS.knowledgeDocuments]: [{ name: 'knowledge_documents_by_tenant', key: { tenant: 1, deleted: 1, id: 1 } }],
  [COLLECTIONS.knowledgePassages]: [
    { name: 'knowledge_passages_by_document', key: { tenant: 1, documentId: 1, version: 1 } },
    // one text index per collection is all MongoDB allows; the tenant prefix makes every $text query per tenant
    {
      name: 'knowledge_passages_text',
      key: { tenant: 1, title: 'text', text: 'text' },
      weights: { title: 2, text: 1 },
      default_language: 'none',
    },
  ],
};

/**
 * Indices an earlier build declared and this one replaced (an index's key cannot change under
 * the same name); `init()` drops them when present.
 */
export const OBSOLETE_MONGO_INDEXES: Readonly<Record<string, readonly string[]>> = {
  [COLLECTIONS.messages]: ['messages_by_session'],
  [COLLECTIONS.deadLetters]: [
    'dead_letters_by_time',
    'dead_letters_by_status',
    'dead_letters_by_error_class',
    'dead_letters_by_error_code',
    'dead_letters_by_actor_type',
  ],
};

/** Server codes of "no such collection" and "no such index". */
const NOTHING_TO_DROP: ReadonlySet<number> = new Set([26, 27]);

/** Creates the collections' indices and drops obsolete ones, idempotently. */
export async function ensureMongoIndexes(db: Db): Promise<void> {
  for (const [collection, names] of Object.entries(OBSOLETE_MONGO_INDEXES)) {
    for (const name of names) {
      await mongoCall('dropIndex', collection, async () => {
        try {
          await db.collection(collection).dropIndex(name);
        } catch (error) {
          if (!(error instanceof MongoServerError && typeof error.code === 'number' && NOTHING_TO_DROP.has(error.code))) throw error;
        }
      });
    }
  }
  for (const [collection, indexes] of Object.entries(MONGO_INDEXES)) {
    await mongoCall('createIndexes', collection, () => db.collection(collection).createIndexes([...indexes]));
  }
}
