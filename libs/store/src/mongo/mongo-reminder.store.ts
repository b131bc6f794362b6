import type { Collection } from 'mongodb';
import { assertActorAddress } from '../domain/address';
import { assertDocumentSize, jsonBytes, toJson } from '../domain/document-size';
import { requireDate, requireId } from '../domain/input-checks';
import { assertReminderKey, normaliseReminder, reminderId, resolveClaim } from '../domain/reminder-records';
import type { ReminderClaim, ReminderInput, ReminderRecord, ReminderStore } from '../ports/reminder.port';
import { COLLECTIONS, type ReminderDocument } from './mongo-documents';
import { mongoCall } from './mongo-errors';
import { reminderClaimFilter, reminderUpsertUpdate } from './mongo-queries';

const NAME = COLLECTIONS.reminders;

/**
 * Reminders in `reminders`. MongoDB has no multi-document "update … limit n returning", so a
 * claim takes reminders one `findOneAndUpdate` at a time: each one is atomic, so two schedulers
 * never lease the same reminder.
 */
export class MongoReminderStore implements ReminderStore {
  constructor(
    private readonly reminders: Collection<ReminderDocument>,
    private readonly maxDocumentBytes: number,
  ) {}

  async upsert(input: ReminderInput): Promise<ReminderRecord> {
    const reminder = normaliseReminder(input);
    assertDocumentSize(NAME, jsonBytes(toJson(reminder.payload)), this.maxDocumentBytes);
    const update = reminderUpsertUpdate(reminder, new Date());
    const doc = await mongoCall('upsert', NAME, () =>
      this.reminders.findOneAndUpdate({ _id: reminderId(reminder.actor, reminder.name) }, update, {
        upsert: true,
        returnDocument: 'after',
      }),
    );
    return toRecord(doc as ReminderDocument);
  }

  async get(actor: string, name: string): Promise<ReminderRecord | undefined> {
    assertReminderKey(actor, name);
    const doc = await mongoCall('get', NAME, () => this.reminders.findOne({ _id: reminderId(actor, name) }));
    return doc === null ? undefined : toRecord(doc);
  }

  async listByActor(actor: string): Promise<ReminderRecord[]> {
    assertActorAddress(actor);
    const docs = await mongoCall('listByActor', NAME, () => this.reminders.find({ actor }).sort({ dueAt: 1, name: 1 }).toArray());
    return docs.map(toRecord);
  }

  async delete(actor: string, name: string): Promise<boolean> {
    assertReminderKey(actor, name);
    const result = await mongoCall('delete', NAME, () => this.reminders.deleteOne({ _id: reminderId(actor, name) }));
    return result.deletedCount === 1;
  }

  async claimDue(claim: ReminderClaim): Promise<ReminderRecord[]> {
    const { owner, leaseMs, limit, now } = resolveClaim(claim);
    const lease = { $set: { leaseOwner: owner, leaseExpiresAt: new Date(now.getTime() + leaseMs), updatedAt: now } };
    const claimed: ReminderRecord[] = [];
    while (claimed.length < limit) {
      const doc = await mongoCall('claimDue', NAME, () =>
        this.reminders.findOneAndUpdate(reminderClaimFilter(now), lease, { sort: { dueAt: 1 }, returnDocument: 'after' }),
      );
      if (doc === null) break;
      claimed.push(toRecord(doc));
    }
    return claimed;
  }

  async advance(actor: string, name: string, owner: string, nextDueAt: Date): Promise<boolean> {
    assertReminderKey(actor, name);
    requireId('owner', owner, 256);
    const dueAt = requireDate('nextDueAt', nextDueAt);
    const result = await mongoCall('advance', NAME, () =>
      this.reminders.updateOne(
        { _id: reminderId(actor, name), leaseOwner: owner },
        { $set: { dueAt, updatedAt: new Date() }, $unset: { leaseOwner: '', leaseExpiresAt: '' } },
      ),
    );
    return result.matchedCount === 1;
  }

  async complete(actor: string, name: string, owner: string): Promise<boolean> {
    assertReminderKey(actor, name);
    requireId('owner', owner, 256);
    const result = await mongoCall('complete', NAME, () => this.reminders.deleteOne({ _id: reminderId(actor, name), leaseOwner: owner }));
    return result.deletedCount === 1;
  }

  async release(actor: string, name: string, owner: string): Promise<boolean> {
    assertReminderKey(actor, name);
    requireId('owner', owner, 256);
    const result = await mongoCall('release', NAME, () =>
      this.reminders.updateOne(
        { _id: reminderId(actor, name), leaseOwner: owner },
        { $set: { updatedAt: new Date() }, $unset: { leaseOwner: '', leaseExpiresAt: '' } },
      ),
    );
    return result.matchedCount === 1;
  }
}

function toRecord(doc: ReminderDocument): ReminderRecord {
  const { _id, ...record } = doc;
  return record;
}
