import { InvalidOptionsError, InvalidTransitionError, NotFoundError } from '@warren/contracts';
import type { Collection } from 'mongodb';
import { at } from '../contract/contract-kit.contract';
import { decodeOrderedCursor } from '../domain/ordered-cursor';
import type { NewDeadLetter } from '../ports/dead-letter.port';
import { MongoAuditStore } from './mongo-audit.store';
import { MongoDeadLetterStore } from './mongo-dead-letter.store';
import type { AuditDocument, DeadLetterDocument } from './mongo-documents';

const INPUT: NewDeadLetter = {
  messageId: 'm1',
  actorType: 'session',
  errorCode: 'WARREN_ASK_TIMEOUT',
  errorClass: 'AskTimeoutError',
  errorMessage: 'timed out',
  firstFailureAt: at(0),
  lastFailureAt: at(0),
  envelope: {},
  headers: {},
  attempts: [],
  at: at(1),
};

function doc(id: string, seq: number, extra: Partial<DeadLetterDocument> = {}): DeadLetterDocument {
  const { messageId: _m, at: created, ...rest } = INPUT;
  return { _id: id, seq, ...rest, status: 'open', replayedAs: [], createdAt: created as Date, updatedAt: created as Date, ...extra };
}

/** A cursor stand-in for `find().sort().limit().toArray()` and `aggregate().toArray()`. */
interface FakeCursor {
  sort: jest.Mock;
  limit: jest.Mock;
  toArray: jest.Mock;
}

function cursorOf(docs: unknown[]): FakeCursor {
  const cursor: FakeCursor = { sort: jest.fn(), limit: jest.fn(), toArray: jest.fn(async () => docs) };
  cursor.sort.mockReturnValue(cursor);
  cursor.limit.mockReturnValue(cursor);
  return cursor;
}

// biome-ignore lint/suspicious/noExplicitAny: a stand-in for any collection
function fakeCollection(methods: Record<string, jest.Mock>): Collection<any> {
  return methods as unknown as Collection<DeadLetterDocument>;
}

describe('MongoDeadLetterStore without a server', () => {
  it('#insertIfAbsent() stores a seq beside the record and returns the record without it', async () => {
    const insertOne = jest.fn().mockResolvedValue({ acknowledged: true });
    const store = new MongoDeadLetterStore(fakeCollection({ insertOne }), 1 << 20);
    const { inserted, record } = await store.insertIfAbsent(INPUT);
    expect(inserted).toBe(true);
    expect(record).not.toHaveProperty('seq');
    const stored = insertOne.mock.calls[0][0] as DeadLetterDocument;
    expect(stored).toMatchObject({ _id: 'm1', errorMessage: 'timed out', status: 'open' });
    expect(typeof stored.seq).toBe('number');
    await store.insertIfAbsent({ ...INPUT, messageId: 'm2' });
    expect((insertOne.mock.calls[1][0] as DeadLetterDocument).seq).toBeGreaterThan(stored.seq);
  });

  it('#list() sorts, limits to one more than the page and encodes (createdAt, seq, _id) of the last item', async () => {
    const cursor = cursorOf([doc('a', 1), doc('b', 2), doc('c', 3)]);
    const find = jest.fn(() => cursor);
    const store = new MongoDeadLetterStore(fakeCollection({ find }), 1 << 20);
    const page = await store.list({ address: 'session/acme~s1' }, { order: 'asc', limit: 2 });
    expect(find).toHaveBeenCalledWith({ address: 'session/acme~s1' });
    expect(cursor.sort).toHaveBeenCalledWith({ createdAt: 1, seq: 1, _id: 1 });
    expect(cursor.limit).toHaveBeenCalledWith(3);
    expect(page.items.map((r) => r.messageId)).toEqual(['a', 'b']);
    expect(page.items[0]).not.toHaveProperty('seq');
    expect(decodeOrderedCursor(page.nextCursor, 'asc')).toEqual({ at: at(1).getTime(), seq: 2, id: 'b' });
    await expect(store.list({ text: '' })).rejects.toBeInstanceOf(InvalidOptionsError);
  });

  it('#stats() maps groups (a missing handler stays absent) and sorts them', async () => {
    const aggregate = jest.fn(() =>
      cursorOf([
        { _id: { errorClass: 'A', errorCode: 'C', actorType: 's', handler: null }, count: 1, firstSeen: at(1), lastSeen: at(1) },
        { _id: { errorClass: 'B', errorCode: 'C', actorType: 's', handler: 'h' }, count: 4, firstSeen: at(0), lastSeen: at(9) },
        { _id: { errorClass: 'A', errorCode: 'C', actorType: 's' }, count: 2, firstSeen: at(2), lastSeen: at(3) },
      ]),
    );
    const store = new MongoDeadLetterStore(fakeCollection({ aggregate }), 1 << 20);
    expect(await store.stats({ status: 'open' })).toEqual({
      total: 7,
      groups: [
        { errorClass: 'B', errorCode: 'C', actorType: 's', handler: 'h', count: 4, firstSeen: at(0), lastSeen: at(9) },
        { errorClass: 'A', errorCode: 'C', actorType: 's', count: 2, firstSeen: at(2), lastSeen: at(3) },
        { errorClass: 'A', errorCode: 'C', actorType: 's', count: 1, firstSeen: at(1), lastSeen: at(1) },
      ],
    });
    expect((aggregate.mock.calls[0] as unknown[])[0]).toMatchObject([{ $match: { status: 'open' } }, { $group: expect.any(Object) }]);
  });

  it('#updateStatus() tells an unknown id from a refused move when the compare-and-set matches nothing', async () => {
    const findOneAndUpdate = jest.fn().mockResolvedValue(null);
    const findOne = jest
      .fn()
      .mockResolvedValueOnce(null)
      .mockResolvedValueOnce(doc('m1', 1, { status: 'discarded' }));
    const store = new MongoDeadLetterStore(fakeCollection({ findOneAndUpdate, findOne }), 1 << 20);
    await expect(store.updateStatus('m1', { status: 'replayed', replayedAs: 'r' })).rejects.toBeInstanceOf(NotFoundError);
    await expect(store.updateStatus('m1', { status: 'replayed', replayedAs: 'r' })).rejects.toMatchObject({
      constructor: InvalidTransitionError,
      from: 'discarded',
      to: 'replayed',
    });
  });

  it('#purge() deletes discarded records by updatedAt and returns the count; #migrate() backfills seq', async () => {
    const deleteMany = jest.fn().mockResolvedValue({ deletedCount: 4 });
    const updateMany = jest.fn().mockResolvedValue({ modifiedCount: 0 });
    const store = new MongoDeadLetterStore(fakeCollection({ deleteMany, updateMany }), 1 << 20);
    expect(await store.purge(at(5))).toBe(4);
    expect(deleteMany).toHaveBeenCalledWith({ status: 'discarded', updatedAt: { $lt: at(5) } });
    await store.migrate();
    expect(updateMany).toHaveBeenCalledWith({ seq: null }, [expect.objectContaining({ $set: expect.any(Object) })]);
  });

  it('#get() gives documents written before issue 7 the fields they lack', async () => {
    const { errorMessage: _e, firstFailureAt: _f, lastFailureAt: _l, ...old } = doc('m0', 0);
    const findOne = jest.fn().mockResolvedValue({ ...old, attempts: [{ at: at(0), message: 'late', code: 'C', errorClass: 'E' }] });
    const store = new MongoDeadLetterStore(fakeCollection({ findOne }), 1 << 20);
    expect(await store.get('m0')).toMatchObject({ messageId: 'm0', errorMessage: 'late', firstFailureAt: at(0), lastFailureAt: at(0) });
  });
});

describe('MongoAuditStore without a server', () => {
  it('#append() stores the entry under its id with a seq; #list() pages newest first', async () => {
    const insertOne = jest.fn().mockResolvedValue({ acknowledged: true });
    const docs: AuditDocument[] = [
      { _id: 'x', seq: 9, actor: 'k', action: 'dlq.replay', count: 1, at: at(5) },
      { _id: 'y', seq: 8, actor: 'k', action: 'dlq.discard', count: 2, at: at(5) },
    ];
    const cursor = cursorOf(docs);
    const find = jest.fn(() => cursor);
    const store = new MongoAuditStore(fakeCollection({ insertOne, find }), 1 << 20);
    const entry = await store.append({ actor: 'k', action: 'dlq.replay', count: 1, at: at(5) });
    expect(insertOne.mock.calls[0][0]).toEqual({
      _id: entry.id,
      actor: 'k',
      action: 'dlq.replay',
      count: 1,
      at: at(5),
      seq: expect.any(Number),
    });
    const page = await store.list({ limit: 1 });
    expect(cursor.sort).toHaveBeenCalledWith({ at: -1, seq: -1, _id: -1 });
    expect(page.items).toEqual([{ id: 'x', actor: 'k', action: 'dlq.replay', count: 1, at: at(5) }]);
    expect(decodeOrderedCursor(page.nextCursor, 'desc')).toEqual({ at: at(5).getTime(), seq: 9, id: 'x' });
  });
});
