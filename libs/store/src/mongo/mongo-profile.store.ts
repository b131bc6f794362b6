import type { Collection } from 'mongodb';
import { assertDocumentSize, jsonBytes } from '../domain/document-size';
import { assertProfileKey, validateProfilePatch } from '../domain/profile-records';
import type { ProfilePatch, ProfileRecord, ProfileStore } from '../ports/profile.port';
import { COLLECTIONS, type ProfileDocument, profileId } from './mongo-documents';
import { mongoCall } from './mongo-errors';
import { profileUpsertUpdate } from './mongo-queries';

const NAME = COLLECTIONS.profiles;

/** Profiles in `profiles`; an upsert is one atomic update (no read-modify-write). */
export class MongoProfileStore implements ProfileStore {
  constructor(
    private readonly profiles: Collection<ProfileDocument>,
    private readonly maxDocumentBytes: number,
  ) {}

  async get(tenant: string, userId: string): Promise<ProfileRecord | undefined> {
    assertProfileKey(tenant, userId);
    const doc = await mongoCall('get', NAME, () => this.profiles.findOne({ _id: profileId(tenant, userId) }));
    return doc === null ? undefined : toRecord(doc);
  }

  async upsert(tenant: string, userId: string, patch: ProfilePatch): Promise<ProfileRecord> {
    assertProfileKey(tenant, userId);
    validateProfilePatch(patch);
    assertDocumentSize(NAME, jsonBytes(JSON.stringify(patch)), this.maxDocumentBytes);
    const update = profileUpsertUpdate(tenant, userId, patch, new Date());
    const doc = await mongoCall('upsert', NAME, () =>
      this.profiles.findOneAndUpdate({ _id: profileId(tenant, userId) }, update, { upsert: true, returnDocument: 'after' }),
    );
    return toRecord(doc as ProfileDocument);
  }

  async delete(tenant: string, userId: string): Promise<boolean> {
    assertProfileKey(tenant, userId);
    const result = await mongoCall('delete', NAME, () => this.profiles.deleteOne({ _id: profileId(tenant, userId) }));
    return result.deletedCount === 1;
  }
}

function toRecord(doc: ProfileDocument): ProfileRecord {
  const { _id, ...record } = doc;
  return record;
}
