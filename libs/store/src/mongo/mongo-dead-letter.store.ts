import { InvalidTransitionError, NotFoundError } from '@warren/contracts';
import type { Collection } from 'mongodb';
import { decodeCursor, encodeCursor } from '../domain/cursor';
import { newDeadLetterRecord, resolveDeadLetterChange } from '../domain/dead-letter-records';
import { assertDocumentSize, jsonBytes } from '../domain/document-size';
import { requireDate, requireId, resolveLimit } from '../domain/input-checks';
import type {
  DeadLetterFilter,
  DeadLetterRecord,
  DeadLetterStats,
  DeadLetterStatusChange,
  DeadLetterStore,
  NewDeadLetter,
} from '../ports/dead-letter.port';
import type { Page, PageRequest } from '../ports/page';
import { COLLECTIONS, type DeadLetterDocument } from './mongo-documents';
import { isDuplicateKey, mongoCall, toStoreError } from './mongo-errors';
import { DEAD_LETTER_SORT, deadLetterChangeUpdate, deadLetterListFilter } from './mongo-queries';

const NAME = COLLECTIONS.deadLetters;

/** Dead letters in `dead_letters`, keyed by the dead message's id. */
export class MongoDeadLetterStore implements DeadLetterStore {
  constructor(
    private readonly deadLetters: Collection<DeadLetterDocument>,
    private readonly maxDocumentBytes: number,
  ) {}

  async insertIfAbsent(input: NewDeadLetter): Promise<{ inserted: boolean; record: DeadLetterRecord }> {
    const record = newDeadLetterRecord(input);
    const { messageId, ...doc } = record;
    assertDocumentSize(NAME, jsonBytes(JSON.stringify(doc)), this.maxDocumentBytes);
    try {
      await this.deadLetters.insertOne({ _id: messageId, ...doc });
      return { inserted: true, record };
    } catch (error) {
      if (!isDuplicateKey(error)) throw toStoreError('insertIfAbsent', NAME, error);
    }
    const existing = await this.get(messageId);
    if (existing === undefined) throw new NotFoundError('dead letter', messageId);
    return { inserted: false, record: existing };
  }

  async get(messageId: string): Promise<DeadLetterRecord | undefined> {
    requireId('messageId', messageId);
    const doc = await mongoCall('get', NAME, () => this.deadLetters.findOne({ _id: messageId }));
    return doc === null ? undefined : toRecord(doc);
  }

  async list(filter: DeadLetterFilter = {}, page: PageRequest = {}): Promise<Page<DeadLetterRecord>> {
    const limit = resolveLimit(page.limit);
    for (const field of ['status', 'errorClass', 'errorCode', 'actorType'] as const) {
      if (filter[field] !== undefined) requireId(field, filter[field], 128);
    }
    if (filter.from !== undefined) requireDate('from', filter.from);
    if (filter.to !== undefined) requireDate('to', filter.to);
    const position = page.cursor === undefined ? undefined : decodeCursor(page.cursor, 'string');
    const query = deadLetterListFilter(filter, position);
    const docs = await mongoCall('list', NAME, () =>
      this.deadLetters
        .find(query)
        .sort(DEAD_LETTER_SORT)
        .limit(limit + 1)
        .toArray(),
    );
    const more = docs.length > limit;
    const items = more ? docs.slice(0, limit) : docs;
    if (!more) return { items: items.map(toRecord) };
    const last = items[items.length - 1];
    return { items: items.map(toRecord), nextCursor: encodeCursor({ at: last.createdAt.getTime(), key: last._id }) };
  }

  async stats(_filter: DeadLetterFilter = {}): Promise<DeadLetterStats> {
    throw new Error('not implemented');
  }

  async purge(_discardedBefore: Date): Promise<number> {
    throw new Error('not implemented');
  }

  async updateStatus(messageId: string, change: DeadLetterStatusChange): Promise<DeadLetterRecord> {
    requireId('messageId', messageId);
    const resolved = resolveDeadLetterChange(change);
    const { filter, update } = deadLetterChangeUpdate(messageId, resolved);
    const doc = await mongoCall('updateStatus', NAME, () => this.deadLetters.findOneAndUpdate(filter, update, { returnDocument: 'after' }));
    if (doc !== null) return toRecord(doc);
    const current = await this.get(messageId);
    if (current === undefined) throw new NotFoundError('dead letter', messageId);
    throw new InvalidTransitionError('dead letter', current.status, resolved.status);
  }
}

function toRecord(doc: DeadLetterDocument): DeadLetterRecord {
  const { _id, ...record } = doc;
  return { messageId: _id, ...record };
}
