import { DocumentTooLargeError, StateConflictError, StoreUnavailableError } from '@warren/contracts';
import { type Collection, MongoInvalidArgumentError, MongoNetworkError, MongoServerError, MongoServerSelectionError } from 'mongodb';
import { resolveStoreOptions } from '../store-options';
import { MongoActorStateStore } from './mongo-actor-state.store';
import { majorityWriteConcern, mongoClientOptions } from './mongo-client';
import type { ActorDocument, MessageDocument } from './mongo-documents';
import { isDuplicateKey, toStoreError } from './mongo-errors';
import { MongoHistoryStore } from './mongo-history.store';
import { ensureMongoIndexes, MONGO_INDEXES, OBSOLETE_MONGO_INDEXES } from './mongo-indexes';
import { MonotonicSequence } from './monotonic-sequence';

const duplicateKey = () => new MongoServerError({ message: 'E11000 duplicate key', code: 11000 });

/** A Collection stand-in: only the calls the actor store makes. */
function fakeActors(overrides: Partial<Record<'insertOne' | 'updateOne' | 'findOne', jest.Mock>>) {
  return {
    insertOne: jest.fn().mockResolvedValue({ acknowledged: true }),
    updateOne: jest.fn().mockResolvedValue({ matchedCount: 1 }),
    findOne: jest.fn().mockResolvedValue(null),
    ...overrides,
  } as unknown as Collection<ActorDocument> & Record<'insertOne' | 'updateOne' | 'findOne', jest.Mock>;
}

/** Task and history stores that record what a commit writes to them. */
function targets() {
  return { tasks: { writeCommitted: jest.fn().mockResolvedValue(undefined) }, history: { append: jest.fn().mockResolvedValue([]) } };
}

describe('mongo adapter without a server', () => {
  const options = { processedWindow: 256, maxDocumentBytes: 1024 };

  it('MongoActorStateStore#save() commits writes and outbox in the one version-guarded update, then writes the task and history', async () => {
    const actors = fakeActors({});
    const t = targets();
    const store = new MongoActorStateStore(actors, options, t);
    const outbox = [{ id: 'e1', kind: 'event' as const, to: 'session.s.reply', envelope: { id: 'e1' }, headers: {} }];
    await store.save({
      address: 'session/t~s',
      expectedVersion: 2,
      state: { n: 1 },
      processed: { id: 'm1', at: 1 },
      outbox,
      writes: {
        task: { create: { id: 'task-1', tenant: 't', sessionId: 's' }, update: { status: 'completed' } },
        history: [{ tenant: 't', sessionId: 's', id: 'task-1:user', role: 'user', content: 'hi' }],
      },
    });
    const [filter, update] = actors.updateOne.mock.calls[0];
    expect(filter).toEqual({ _id: 'session/t~s', version: 2 });
    expect(update.$push.outbox).toEqual({ $each: outbox });
    expect(update.$set.pendingWrites).toMatchObject({ version: 3, writes: { task: { id: 'task-1' } } });
    expect(t.tasks.writeCommitted).toHaveBeenCalledWith(expect.objectContaining({ id: 'task-1' }));
    expect(t.history.append.mock.calls[0][0]).toEqual([expect.objectContaining({ id: 'task-1:user' })]);
    // Then the pending writes leave the document, unless a later commit replaced them.
    expect(actors.updateOne.mock.calls[1]).toEqual([{ _id: 'session/t~s', 'pendingWrites.version': 3 }, { $unset: { pendingWrites: '' } }]);
  });

  it('MongoActorStateStore#load() writes a commit that a crash left pending before it returns the record', async () => {
    const pending = {
      version: 4,
      writes: { history: [{ id: 'p', tenant: 't', sessionId: 's', role: 'user', content: 'x', status: 'complete', at: new Date(0) }] },
    };
    const actors = fakeActors({
      findOne: jest
        .fn()
        .mockResolvedValue({ _id: 'session/t~s', version: 4, processed: [], pendingWrites: pending, updatedAt: new Date() }),
    });
    const t = targets();
    const record = await new MongoActorStateStore(actors, options, t).load('session/t~s');
    expect(t.history.append).toHaveBeenCalledWith(pending.writes.history);
    expect(record).toMatchObject({ version: 4, outbox: [] });
  });

  it('MongoActorStateStore#save() turns a duplicate key on the first insert into StateConflictError', async () => {
    const actors = fakeActors({ insertOne: jest.fn().mockRejectedValue(duplicateKey()) });
    const store = new MongoActorStateStore(actors, options, targets());
    await expect(store.save({ address: 'session/a', expectedVersion: 0, state: 1 })).rejects.toMatchObject({
      constructor: StateConflictError,
      address: 'session/a',
      expectedVersion: 0,
    });
  });

  it('MongoActorStateStore#save() turns an update that matched nothing into StateConflictError', async () => {
    const actors = fakeActors({ updateOne: jest.fn().mockResolvedValue({ matchedCount: 0 }) });
    const store = new MongoActorStateStore(actors, options, targets());
    await expect(store.save({ address: 'session/a', expectedVersion: 3, state: 1 })).rejects.toBeInstanceOf(StateConflictError);
    expect(actors.updateOne.mock.calls[0][0]).toEqual({ _id: 'session/a', version: 3 });
  });

  it('MongoActorStateStore#save() refuses an oversized document before any round trip', async () => {
    const actors = fakeActors({});
    const store = new MongoActorStateStore(actors, options, targets());
    await expect(store.save({ address: 'session/a', expectedVersion: 1, state: 'x'.repeat(2000) })).rejects.toBeInstanceOf(
      DocumentTooLargeError,
    );
    expect(actors.updateOne).not.toHaveBeenCalled();
  });

  it('MongoActorStateStore maps driver failures to StoreUnavailableError', async () => {
    const network = new MongoNetworkError('connection reset');
    const actors = fakeActors({ findOne: jest.fn().mockRejectedValue(network) });
    await expect(new MongoActorStateStore(actors, options, targets()).load('session/a')).rejects.toMatchObject({
      constructor: StoreUnavailableError,
      retryable: true,
      cause: network,
    });
  });

  it('toStoreError() classifies driver errors', () => {
    expect(isDuplicateKey(duplicateKey())).toBe(true);
    expect(isDuplicateKey(new MongoServerError({ message: 'other', code: 2 }))).toBe(false);
    const tooLarge = toStoreError('save', 'actors', new MongoServerError({ message: 'too large', code: 10334 }));
    expect(tooLarge).toBeInstanceOf(DocumentTooLargeError);
    expect(
      toStoreError('save', 'actors', new MongoInvalidArgumentError('Document is larger than the maximum size 16777216')),
    ).toBeInstanceOf(DocumentTooLargeError);
    const selection = toStoreError('load', 'actors', new MongoServerSelectionError('no primary', {} as never));
    expect(selection).toMatchObject({ constructor: StoreUnavailableError, retryable: true });
    const bug = toStoreError('load', 'actors', new MongoServerError({ message: 'bad query', code: 2 }));
    expect(bug).toMatchObject({ constructor: StoreUnavailableError, retryable: false });
    const conflict = new StateConflictError('session/a', 1);
    expect(toStoreError('save', 'actors', conflict)).toBe(conflict);
  });

  it('mongoClientOptions() enables retryable writes and sets every timeout; state and tasks write with majority', () => {
    const resolved = resolveStoreOptions({ mongoUrl: 'mongodb://db1,db2/app?replicaSet=rs0' });
    expect(resolved.mongoDatabase).toBe('app');
    expect(mongoClientOptions(resolved)).toMatchObject({
      retryWrites: true,
      serverSelectionTimeoutMS: 5000,
      connectTimeoutMS: 10000,
      socketTimeoutMS: 30000,
      ignoreUndefined: true,
    });
    expect(majorityWriteConcern(resolved)).toEqual({ w: 'majority', journal: true, wtimeoutMS: 10000 });
  });

  it('MONGO_INDEXES covers every collection with unique, stable names', () => {
    expect(Object.keys(MONGO_INDEXES).sort()).toEqual([
      'actors',
      'audit_log',
      'dead_letters',
      'knowledge_documents',
      'knowledge_passages',
      'messages',
      'profiles',
      'reminders',
      'tasks',
    ]);
    const names = Object.values(MONGO_INDEXES).flatMap((list) => list.map((index) => index.name));
    expect(new Set(names).size).toBe(names.length);
    expect(names.every((name) => typeof name === 'string' && name.length > 0)).toBe(true);
    // a replaced index gets a new name: createIndexes refuses a new key under an existing name
    const obsolete = Object.values(OBSOLETE_MONGO_INDEXES).flat();
    expect(obsolete.filter((name) => names.includes(name))).toEqual([]);
  });

  it('ensureMongoIndexes() drops obsolete indices (ignoring absent ones), then creates the current ones', async () => {
    const calls: string[] = [];
    const notFound = new MongoServerError({ message: 'index not found with name', code: 27 });
    const db = {
      collection: (name: string) => ({
        dropIndex: jest.fn(async (index: string) => {
          calls.push(`drop ${name}.${index}`);
          if (index !== 'dead_letters_by_time') throw notFound;
        }),
        createIndexes: jest.fn(async (indexes: Array<{ name: string }>) => {
          calls.push(`create ${name} ${indexes.length}`);
          return indexes.map((i) => i.name);
        }),
      }),
    };
    await ensureMongoIndexes(db as never);
    expect(calls.filter((c) => c.startsWith('drop'))).toHaveLength(Object.values(OBSOLETE_MONGO_INDEXES).flat().length);
    expect(calls).toContain(`create dead_letters ${MONGO_INDEXES.dead_letters.length}`);
    expect(calls).toContain('create audit_log 1');
    const failing = { collection: () => ({ dropIndex: jest.fn().mockRejectedValue(new MongoNetworkError('down')) }) };
    await expect(ensureMongoIndexes(failing as never)).rejects.toBeInstanceOf(StoreUnavailableError);
  });

  it('MongoHistoryStore#append() puts a part in its task’s stored turn, else starts one (question first), and a part without a task in its own', async () => {
    const inserted: MessageDocument[] = [];
    const messages = {
      findOne: jest.fn(async (filter: { taskId: string }) => (filter.taskId === 'old' ? { turnAt: new Date(5), turnSeq: 77 } : null)),
      insertMany: jest.fn(async (docs: MessageDocument[]) => {
        inserted.push(...docs);
      }),
    };
    const ref = { tenant: 't', sessionId: 's' };
    await new MongoHistoryStore(messages as never, 1_000_000).append([
      { ...ref, id: 'old:assistant', taskId: 'old', role: 'assistant', content: 'replayed answer', at: new Date(100) },
      { ...ref, id: 'new:assistant', taskId: 'new', role: 'assistant', content: 'partial', at: new Date(60) },
      { ...ref, id: 'new:user', taskId: 'new', role: 'user', content: 'question', at: new Date(50) },
      { ...ref, id: 'p', role: 'assistant', content: 'proactive', at: new Date(70) },
    ]);
    const [old, partial, question, proactive] = inserted as [MessageDocument, MessageDocument, MessageDocument, MessageDocument];
    expect(old).toMatchObject({ turnAt: new Date(5), turnSeq: 77, turnRank: 1, at: new Date(100) });
    expect(partial).toMatchObject({ turnAt: new Date(50), turnSeq: partial.seq, turnRank: 1 });
    expect(question).toMatchObject({ turnAt: new Date(50), turnSeq: partial.seq, turnRank: 0 });
    expect(proactive).toMatchObject({ turnAt: new Date(70), turnSeq: proactive.seq, turnRank: 1 });
    // One look-up per task not seen earlier in the batch: old and new.
    expect(messages.findOne).toHaveBeenCalledTimes(2);
  });

  it('MonotonicSequence#next() is strictly increasing even within one millisecond', () => {
    const sequence = new MonotonicSequence();
    const values = Array.from({ length: 1000 }, () => sequence.next());
    expect(values.every((v, i) => i === 0 || v > values[i - 1])).toBe(true);
  });
});
