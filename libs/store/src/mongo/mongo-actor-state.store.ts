import { InvalidOptionsError, StateConflictError } from '@warren/contracts';
import type { Collection } from 'mongodb';
import { assertActorAddress } from '../domain/address';
import { type ResolvedCommitWrites, resolveCommitWrites, resolveOutbox } from '../domain/commit-writes';
import { assertDocumentSize, jsonBytes, toJson } from '../domain/document-size';
import { requireId } from '../domain/input-checks';
import type { ActorRecord, ActorSave, ActorStateStore } from '../ports/actor-state.port';
import { type ActorDocument, COLLECTIONS } from './mongo-documents';
import { isDuplicateKey, mongoCall, toStoreError } from './mongo-errors';
import type { MongoHistoryStore } from './mongo-history.store';
import { actorInsertDocument, actorRecordOf, actorUpdate } from './mongo-queries';
import type { MongoTaskStore } from './mongo-task.store';

/** Limits the actor store enforces. */
export interface MongoActorStateOptions {
  processedWindow: number;
  maxDocumentBytes: number;
}

/** The stores a commit writes to besides the actor document. */
export interface MongoCommitTargets {
  tasks: Pick<MongoTaskStore, 'writeCommitted'>;
  history: Pick<MongoHistoryStore, 'append'>;
}

/**
 * Actor state in `actors` (write concern majority). A save is one `insertOne` (first save) or one
 * `updateOne` filtered on the expected version: the state, version, processed id, steps, outbox
 * and the commit's other writes change together or not at all. That one write is the commit:
 * the task and history parts it carries (`pendingWrites`) are then written to their collections
 * (idempotently: parts by id, the task only while it has not ended) before `save` resolves, and
 * again by the next `load` if the process died in between. So a commit costs one round trip on
 * any deployment (no multi-document transaction, which needs a replica set) plus the writes it
 * carries, and nothing that readers see runs ahead of it.
 */
export class MongoActorStateStore implements ActorStateStore {
  constructor(
    private readonly actors: Collection<ActorDocument>,
    private readonly options: MongoActorStateOptions,
    private readonly targets: MongoCommitTargets,
  ) {}

  async load<S = unknown>(address: string): Promise<ActorRecord<S>> {
    assertActorAddress(address);
    const doc = await mongoCall('load', COLLECTIONS.actors, () => this.actors.findOne({ _id: address }));
    if (doc?.pendingWrites) await this.applyWrites(address, doc.pendingWrites.version, doc.pendingWrites.writes);
    return actorRecordOf<S>(address, doc);
  }

  async save<S = unknown>(save: ActorSave<S>): Promise<number> {
    assertActorAddress(save?.address);
    const expected = save.expectedVersion;
    if (!Number.isSafeInteger(expected) || expected < 0) {
      throw new InvalidOptionsError('expectedVersion', 'must be a non-negative integer');
    }
    if (save.processed !== undefined) requireId('processed.id', save.processed.id);
    resolveOutbox(save.outbox);
    const writes = resolveCommitWrites(save.writes);
    const steps = save.steps === undefined || save.steps === null ? null : JSON.stringify(save.steps);
    const outbox = save.outbox === undefined ? null : JSON.stringify(save.outbox);
    const bytes = jsonBytes(toJson(save.state), steps, save.processed === undefined ? null : toJson(save.processed.reply), outbox);
    assertDocumentSize(COLLECTIONS.actors, bytes, this.options.maxDocumentBytes);
    const now = new Date();
    if (expected === 0) {
      try {
        await this.actors.insertOne(actorInsertDocument(save, now, writes));
      } catch (error) {
        if (isDuplicateKey(error)) throw new StateConflictError(save.address, expected);
        throw toStoreError('save', COLLECTIONS.actors, error);
      }
    } else {
      const { filter, update } = actorUpdate(save, this.options.processedWindow, now, writes);
      const result = await mongoCall('save', COLLECTIONS.actors, () => this.actors.updateOne(filter, update));
      if (result.matchedCount === 0) throw new StateConflictError(save.address, expected);
    }
    if (writes !== undefined) await this.applyWrites(save.address, expected + 1, writes);
    return expected + 1;
  }

  async markSent(address: string, ids: string[]): Promise<void> {
    assertActorAddress(address);
    if (ids.length === 0) return;
    await mongoCall('markSent', COLLECTIONS.actors, () =>
      this.actors.updateOne({ _id: address }, { $pull: { outbox: { id: { $in: ids } } } }),
    );
  }

  async hasProcessed(address: string, messageId: string): Promise<boolean> {
    assertActorAddress(address);
    const doc = await mongoCall('hasProcessed', COLLECTIONS.actors, () =>
      this.actors.findOne({ _id: address, 'processed.id': messageId }, { projection: { _id: 1 } }),
    );
    return doc !== null;
  }

  async delete(address: string): Promise<void> {
    assertActorAddress(address);
    await mongoCall('delete', COLLECTIONS.actors, () => this.actors.deleteOne({ _id: address }));
  }

  /** Writes a commit's task and history (idempotent), then drops them from the actor document unless a later commit replaced them. */
  private async applyWrites(address: string, version: number, writes: ResolvedCommitWrites): Promise<void> {
    await Promise.all([
      writes.history ? this.targets.history.append(writes.history) : undefined,
      writes.task ? this.targets.tasks.writeCommitted(writes.task) : undefined,
    ]);
    await mongoCall('save', COLLECTIONS.actors, () =>
      this.actors.updateOne({ _id: address, 'pendingWrites.version': version }, { $unset: { pendingWrites: '' } }),
    );
  }
}
