import { InvalidTransitionError, NotFoundError } from '@warren/contracts';
import type { Collection } from 'mongodb';
import { resolveDeadLetterFilter, resolveDeadLetterPage, sortStatsGroups } from '../domain/dead-letter-queries';
import { newDeadLetterRecord, resolveDeadLetterChange, upgradeDeadLetterRecord } from '../domain/dead-letter-records';
import { assertDocumentSize, jsonBytes } from '../domain/document-size';
import { requireDate, requireId } from '../domain/input-checks';
import { encodeOrderedCursor } from '../domain/ordered-cursor';
import type {
  DeadLetterFilter,
  DeadLetterPageRequest,
  DeadLetterRecord,
  DeadLetterStats,
  DeadLetterStatsGroup,
  DeadLetterStatusChange,
  DeadLetterStore,
  NewDeadLetter,
} from '../ports/dead-letter.port';
import type { Page } from '../ports/page';
import { COLLECTIONS, type DeadLetterDocument } from './mongo-documents';
import { isDuplicateKey, mongoCall, toStoreError } from './mongo-errors';
import {
  deadLetterBackfill,
  deadLetterChangeUpdate,
  deadLetterListQuery,
  deadLetterPurgeFilter,
  deadLetterStatsPipeline,
} from './mongo-queries';
import { MonotonicSequence } from './monotonic-sequence';

const NAME = COLLECTIONS.deadLetters;

/** A `$group` result of `deadLetterStatsPipeline`. */
interface StatsDocument {
  _id: { errorClass: string; errorCode: string; actorType: string; handler?: string | null };
  count: number;
  firstSeen: Date;
  lastSeen: Date;
}

/** Dead letters in `dead_letters`, keyed by the dead message's id. */
export class MongoDeadLetterStore implements DeadLetterStore {
  private readonly sequence = new MonotonicSequence();

  constructor(
    private readonly deadLetters: Collection<DeadLetterDocument>,
    private readonly maxDocumentBytes: number,
  ) {}

  /** Gives records written before issue 7 their `seq` and `errorMessage`; idempotent (run by `init()`). */
  async migrate(): Promise<void> {
    const { filter, pipeline } = deadLetterBackfill();
    await mongoCall('backfill', NAME, () => this.deadLetters.updateMany(filter, pipeline));
  }

  async insertIfAbsent(input: NewDeadLetter): Promise<{ inserted: boolean; record: DeadLetterRecord }> {
    const record = newDeadLetterRecord(input);
    const { messageId, ...doc } = record;
    assertDocumentSize(NAME, jsonBytes(JSON.stringify(doc)), this.maxDocumentBytes);
    try {
      await this.deadLetters.insertOne({ _id: messageId, ...doc, seq: this.sequence.next() });
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

  async list(filter?: DeadLetterFilter, page?: DeadLetterPageRequest): Promise<Page<DeadLetterRecord>> {
    const { limit, order, after } = resolveDeadLetterPage(page);
    const query = deadLetterListQuery(resolveDeadLetterFilter(filter), order, after);
    const docs = await mongoCall('list', NAME, () =>
      this.deadLetters
        .find(query.filter)
        .sort(query.sort)
        .limit(limit + 1)
        .toArray(),
    );
    const more = docs.length > limit;
    const items = more ? docs.slice(0, limit) : docs;
    if (!more) return { items: items.map(toRecord) };
    const last = items[items.length - 1];
    return {
      items: items.map(toRecord),
      nextCursor: encodeOrderedCursor(order, { at: last.createdAt.getTime(), seq: last.seq, id: last._id }),
    };
  }

  async stats(filter?: DeadLetterFilter): Promise<DeadLetterStats> {
    const pipeline = deadLetterStatsPipeline(resolveDeadLetterFilter(filter));
    const docs = await mongoCall('stats', NAME, () => this.deadLetters.aggregate<StatsDocument>(pipeline).toArray());
    const groups = docs.map(({ _id, count, firstSeen, lastSeen }) => {
      const group: DeadLetterStatsGroup = {
        errorClass: _id.errorClass,
        errorCode: _id.errorCode,
        actorType: _id.actorType,
        count,
        firstSeen,
        lastSeen,
      };
      if (typeof _id.handler === 'string') group.handler = _id.handler;
      return group;
    });
    return { total: groups.reduce((sum, group) => sum + group.count, 0), groups: sortStatsGroups(groups) };
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

  async purge(discardedBefore: Date): Promise<number> {
    const before = requireDate('discardedBefore', discardedBefore);
    const result = await mongoCall('purge', NAME, () => this.deadLetters.deleteMany(deadLetterPurgeFilter(before)));
    return result.deletedCount;
  }
}

function toRecord(doc: DeadLetterDocument): DeadLetterRecord {
  const { _id, seq: _seq, ...record } = doc;
  return upgradeDeadLetterRecord({ messageId: _id, ...record });
}
