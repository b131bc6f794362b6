import type { Collection } from 'mongodb';
import { assertDocumentSize, jsonBytes, toJson } from '../domain/document-size';
import {
  batchTurnTimes,
  decodeHistoryCursor,
  encodeHistoryCursor,
  normaliseTurnParts,
  requireUser,
  roleRank,
} from '../domain/history-records';
import { requireSession, resolveLimit } from '../domain/input-checks';
import type { HistoryErasure, HistoryPageRequest, HistoryStore, NewTurnPart, SessionRef, TurnPart } from '../ports/history.port';
import type { Page } from '../ports/page';
import { COLLECTIONS, type MessageDocument } from './mongo-documents';
import { isDuplicateKey, mongoCall, toStoreError } from './mongo-errors';
import { HISTORY_BACKFILL, historyPageQuery, historySort } from './mongo-queries';
import { MonotonicSequence } from './monotonic-sequence';

const NAME = COLLECTIONS.messages;

/**
 * Conversation history in `messages`, in turn order (see `HistoryPosition`); a part's id is its
 * `_id`, so a re-appended part is ignored.
 */
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
    const batchTurns = batchTurnTimes(stored);
    const turns = new Map<string, { turnAt: Date; turnSeq: number }>();
    const docs: MessageDocument[] = [];
    for (const { id, ...part } of stored) {
      const seq = this.sequence.next();
      // A part of a task whose first part is stored (or earlier in this batch) joins that turn; else it starts one.
      let turn =
        part.taskId === undefined
          ? undefined
          : (turns.get(part.taskId) ?? (await this.storedTurn(part.tenant, part.sessionId, part.taskId)));
      turn ??= { turnAt: (part.taskId === undefined ? undefined : batchTurns.get(part.taskId)) ?? part.at, turnSeq: seq };
      if (part.taskId !== undefined) turns.set(part.taskId, turn);
      docs.push({ _id: id, ...part, seq, ...turn, turnRank: roleRank(part.role) });
    }
    try {
      await this.messages.insertMany(docs, { ordered: false });
    } catch (error) {
      // Unordered: every new part is inserted; parts already stored fail with E11000 only.
      if (!isDuplicateKey(error)) throw toStoreError('append', NAME, error);
    }
    return stored;
  }

  /** Gives parts written before issue 18 their turn order (see `HISTORY_BACKFILL`); idempotent (run by `init()`). */
  async migrate(): Promise<void> {
    const { rank, firstOfTask, own } = HISTORY_BACKFILL;
    await mongoCall('backfill', NAME, () => this.messages.updateMany(rank.filter, rank.pipeline));
    const groups = await mongoCall('backfill', NAME, () => this.messages.aggregate(firstOfTask, { allowDiskUse: true }).toArray());
    if (groups.length > 0) {
      await mongoCall('backfill', NAME, () =>
        this.messages.bulkWrite(
          groups.map((g) => ({
            updateMany: { filter: { ...g._id, turnAt: { $exists: false } }, update: { $set: { turnAt: g.turnAt, turnSeq: g.turnSeq } } },
          })),
          { ordered: false },
        ),
      );
    }
    await mongoCall('backfill', NAME, () => this.messages.updateMany(own.filter, own.pipeline));
  }

  private async storedTurn(tenant: string, sessionId: string, taskId: string): Promise<{ turnAt: Date; turnSeq: number } | undefined> {
    const first = await mongoCall('append', NAME, () =>
      this.messages.findOne({ tenant, sessionId, taskId }, { sort: { turnAt: 1, turnSeq: 1 }, projection: { turnAt: 1, turnSeq: 1 } }),
    );
    return first ? { turnAt: first.turnAt, turnSeq: first.turnSeq } : undefined;
  }

  async lastTurns(session: SessionRef, limit: number): Promise<TurnPart[]> {
    const { tenant, sessionId } = requireSession(session);
    const size = resolveLimit(limit);
    const docs = await mongoCall('lastTurns', NAME, () =>
      this.messages.find({ tenant, sessionId }).sort(historySort(-1)).limit(size).toArray(),
    );
    return docs.reverse().map(toPart);
  }

  async page(session: SessionRef, request: HistoryPageRequest = {}): Promise<Page<TurnPart>> {
    requireSession(session);
    const limit = resolveLimit(request.limit);
    const position = request.cursor === undefined ? undefined : decodeHistoryCursor(request.cursor);
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
    return {
      items: items.map(toPart),
      nextCursor: encodeHistoryCursor({ turnAt: last.turnAt.getTime(), turnSeq: last.turnSeq, rank: last.turnRank, seq: last.seq }),
    };
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
  const { _id, seq: _seq, turnAt: _turnAt, turnSeq: _turnSeq, turnRank: _turnRank, ...part } = doc;
  return { id: _id, ...part };
}
