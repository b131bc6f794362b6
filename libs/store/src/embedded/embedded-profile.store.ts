import type { Statement, Transaction } from 'better-sqlite3';
import { assertDocumentSize, jsonBytes } from '../domain/document-size';
import { applyProfilePatch, assertProfileKey, validateProfilePatch } from '../domain/profile-records';
import type { ProfilePatch, ProfileRecord, ProfileStore } from '../ports/profile.port';
import { guard, type SqliteDatabase } from './sqlite-database';

/** Profiles in SQLite: one JSON document per `(tenant, user_id)`. */
export class EmbeddedProfileStore implements ProfileStore {
  private readonly select: Statement<[string, string], string>;
  private readonly write: Statement;
  private readonly remove: Statement<[string, string]>;
  private readonly upsertTx: Transaction<(tenant: string, userId: string, patch: ProfilePatch) => ProfileRecord>;

  constructor(
    db: SqliteDatabase,
    private readonly maxDocumentBytes: number,
  ) {
    this.select = db.prepare<[string, string], string>('SELECT doc_json FROM profiles WHERE tenant = ? AND user_id = ?').pluck();
    this.write = db.prepare(
      `INSERT INTO profiles (tenant, user_id, doc_json, updated_at) VALUES (@tenant, @userId, @json, @at)
       ON CONFLICT (tenant, user_id) DO UPDATE SET doc_json = excluded.doc_json, updated_at = excluded.updated_at`,
    );
    this.remove = db.prepare('DELETE FROM profiles WHERE tenant = ? AND user_id = ?');
    this.upsertTx = db.transaction((tenant: string, userId: string, patch: ProfilePatch) => {
      const next = applyProfilePatch(tenant, userId, this.read(tenant, userId), patch);
      const json = JSON.stringify(next);
      assertDocumentSize('profiles', jsonBytes(json), this.maxDocumentBytes);
      this.write.run({ tenant, userId, json, at: next.updatedAt.getTime() });
      return next;
    });
  }

  async get(tenant: string, userId: string): Promise<ProfileRecord | undefined> {
    assertProfileKey(tenant, userId);
    return guard('get profile', () => this.read(tenant, userId));
  }

  async upsert(tenant: string, userId: string, patch: ProfilePatch): Promise<ProfileRecord> {
    assertProfileKey(tenant, userId);
    validateProfilePatch(patch);
    return guard('upsert profile', () => this.upsertTx.immediate(tenant, userId, patch));
  }

  async delete(tenant: string, userId: string): Promise<boolean> {
    assertProfileKey(tenant, userId);
    return guard('delete profile', () => this.remove.run(tenant, userId).changes === 1);
  }

  private read(tenant: string, userId: string): ProfileRecord | undefined {
    const json = this.select.get(tenant, userId);
    if (json === undefined) return undefined;
    const profile = JSON.parse(json) as ProfileRecord;
    profile.updatedAt = new Date(profile.updatedAt);
    return profile;
  }
}
