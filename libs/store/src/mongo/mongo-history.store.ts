import type { Collection } from 'mongodb';
import { decodeCursor, encodeCursor } from '../domain/cursor';
import { assertDocumentSize, jsonBytes, toJson } from '../domain/document-size';
import { normaliseTurnParts, requireUser } from '../domain/history-records';
import { requireSession, resolveLimit } from '../domain/input-checks';
import type { HistoryErasure, HistoryPageRequest, HistoryStore, NewTurnPart, SessionRef, TurnPart } from '../ports/history.port';
import type { Page } from '../ports/page';
import { COLLECTIONS, type MessageDocument } from './mongo-documents';
import { isDuplicateKey, mongoCall, toStoreError } from './mongo-errors';
import { historyPageQuery } from './mongo-queries';
import { MonotonicSequence } from './monotonic-sequence';

const NAME = COLLECTIONS.messages;

/** Conversation history in `messages`; a part's id is its `_id`, so a re-appended part is ignored. */
export class MongoHistoryStore implements HistoryStore {
  private readonly sequence = new MonotonicSequence();

  constructor(
    private readonly messages: Collection<MessageDocument>,
    private readonly maxDocumentBytes: number,
  ) {}

  async append(parts: NewTurnPart[]): Promise<TurnPart[]> {
    const stored = normaliseTurnParts(parts);
    for (const part of stored) assertDocumentSize(NAME, jsonBytes(part.content, toJson(part.tokens)), this.maxDocumentBytes);
    if (stored.length === 0) return stored;
    const docs = stored.map(({ id, ...part }): MessageDocument => ({ _id: id, ...part, seq: this.sequence.next() }));
    try {
      await this.messages.insertMany(docs, { ordered: false });
    } catch (error) {
      // Unordered: every new part is inserted; parts already stored fail with E11000 only.
      if (!isDuplicateKey(error)) throw toStoreError('append', NAME, error);
    }
    return stored;
  }

  async lastTurns(session: SessionRef, limit: number): Promise<TurnPart[]> {
    const { tenant, sessionId } = requireSession(session);
    const size = resolveLimit(limit);
    const docs = await mongoCall('lastTurns', NAME, () =>
      this.messages.find({ tenant, sessionId }).sort({ at: -1, seq: -1 }).limit(size).toArray(),
    );
    return docs.reverse().map(toPart);
  }

  async page(session: SessionRef, request: HistoryPageRequest = {}): Promise<Page<TurnPart>> {
    requireSession(session);
    const limit = resolveLimit(request.limit);
    const position = request.cursor === undefined ? undefined : decodeCursor(request.cursor, 'number');
    const { filter, sort } = historyPageQuery(session, request.order ?? 'desc', position);
    const docs = await mongoCall('page', NAME, () =>
      this.messages
        .find(filter)
        .sort(sort)
        .limit(limit + 1)
        .toArray(),
    );
    const more = docs.length > limit;
    const items = more ? docs.slice(0, limit) : docs;
    if (!more) return { items: items.map(toPart) };
    const last = items[items.length - 1];
    return { items: items.map(toPart), nextCursor: encodeCursor({ at: last.at.getTime(), key: last.seq }) };
  }

  async deleteSession(session: SessionRef): Promise<number> {
    const { tenant, sessionId } = requireSession(session);
    const result = await mongoCall('deleteSession', NAME, () => this.messages.deleteMany({ tenant, sessionId }));
    return result.deletedCount;
  }

  async eraseUser(tenant: string, userId: string): Promise<HistoryErasure> {
    requireUser(tenant, userId);
    const sessionIds = (await mongoCall('eraseUser', NAME, () => this.messages.distinct('sessionId', { tenant, userId }))) as string[];
    if (sessionIds.length === 0) return { deleted: 0, sessionIds };
    const result = await mongoCall('eraseUser', NAME, () => this.messages.deleteMany({ tenant, sessionId: { $in: sessionIds } }));
    return { deleted: result.deletedCount, sessionIds };
  }
}

function toPart(doc: MessageDocument): TurnPart {
  const { _id, seq: _seq, ...part } = doc;
  return { id: _id, ...part };
}
