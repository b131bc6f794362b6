import { InvalidOptionsError, StateConflictError } from '@warren/contracts';
import type { Collection } from 'mongodb';
import { assertActorAddress } from '../domain/address';
import { assertDocumentSize, jsonBytes, toJson } from '../domain/document-size';
import { requireId } from '../domain/input-checks';
import type { ActorRecord, ActorSave, ActorStateStore } from '../ports/actor-state.port';
import { type ActorDocument, COLLECTIONS } from './mongo-documents';
import { isDuplicateKey, mongoCall, toStoreError } from './mongo-errors';
import { actorInsertDocument, actorRecordOf, actorUpdate } from './mongo-queries';

/** Limits the actor store enforces. */
export interface MongoActorStateOptions {
  processedWindow: number;
  maxDocumentBytes: number;
}

/**
 * Actor state in `actors` (write concern majority). A save is one `insertOne` (first save) or one
 * `updateOne` filtered on the expected version: the state, version, processed id and steps
 * change together or not at all.
 */
export class MongoActorStateStore implements ActorStateStore {
  constructor(
    private readonly actors: Collection<ActorDocument>,
    private readonly options: MongoActorStateOptions,
  ) {}

  async load<S = unknown>(address: string): Promise<ActorRecord<S>> {
    assertActorAddress(address);
    const doc = await mongoCall('load', COLLECTIONS.actors, () => this.actors.findOne({ _id: address }));
    return actorRecordOf<S>(address, doc);
  }

  async save<S = unknown>(save: ActorSave<S>): Promise<number> {
    assertActorAddress(save?.address);
    const expected = save.expectedVersion;
    if (!Number.isSafeInteger(expected) || expected < 0) {
      throw new InvalidOptionsError('expectedVersion', 'must be a non-negative integer');
    }
    if (save.processed !== undefined) requireId('processed.id', save.processed.id);
    const steps = save.steps === undefined || save.steps === null ? null : JSON.stringify(save.steps);
    const bytes = jsonBytes(toJson(save.state), steps, save.processed === undefined ? null : toJson(save.processed.reply));
    assertDocumentSize(COLLECTIONS.actors, bytes, this.options.maxDocumentBytes);
    const now = new Date();
    if (expected === 0) {
      try {
        await this.actors.insertOne(actorInsertDocument(save, now));
      } catch (error) {
        if (isDuplicateKey(error)) throw new StateConflictError(save.address, expected);
        throw toStoreError('save', COLLECTIONS.actors, error);
      }
      return 1;
    }
    const { filter, update } = actorUpdate(save, this.options.processedWindow, now);
    const result = await mongoCall('save', COLLECTIONS.actors, () => this.actors.updateOne(filter, update));
    if (result.matchedCount === 0) throw new StateConflictError(save.address, expected);
    return expected + 1;
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
}
