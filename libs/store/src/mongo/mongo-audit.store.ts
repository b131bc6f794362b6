import type { Collection } from 'mongodb';
import { newAuditEntry } from '../domain/audit-records';
import { assertDocumentSize, jsonBytes } from '../domain/document-size';
import { resolveLimit } from '../domain/input-checks';
import { decodeOrderedCursor, encodeOrderedCursor } from '../domain/ordered-cursor';
import type { AuditEntry, AuditStore, NewAuditEntry } from '../ports/audit.port';
import type { Page, PageRequest } from '../ports/page';
import { type AuditDocument, COLLECTIONS } from './mongo-documents';
import { mongoCall } from './mongo-errors';
import { auditListQuery } from './mongo-queries';
import { MonotonicSequence } from './monotonic-sequence';

const NAME = COLLECTIONS.auditLog;

/** The audit log in `audit_log`, newest first by `(at, seq, _id)`. */
export class MongoAuditStore implements AuditStore {
  private readonly sequence = new MonotonicSequence();

  constructor(
    private readonly auditLog: Collection<AuditDocument>,
    private readonly maxDocumentBytes: number,
  ) {}

  async append(input: NewAuditEntry): Promise<AuditEntry> {
    const entry = newAuditEntry(input);
    const { id, ...doc } = entry;
    assertDocumentSize(NAME, jsonBytes(JSON.stringify(doc)), this.maxDocumentBytes);
    await mongoCall('append', NAME, () => this.auditLog.insertOne({ _id: id, ...doc, seq: this.sequence.next() }));
    return entry;
  }

  async list(page: PageRequest = {}): Promise<Page<AuditEntry>> {
    const limit = resolveLimit(page.limit);
    const after = page.cursor === undefined ? undefined : decodeOrderedCursor(page.cursor, 'desc');
    const query = auditListQuery(after);
    const docs = await mongoCall('list', NAME, () =>
      this.auditLog
        .find(query.filter)
        .sort(query.sort)
        .limit(limit + 1)
        .toArray(),
    );
    const more = docs.length > limit;
    const items = more ? docs.slice(0, limit) : docs;
    const entries = items.map(({ _id, seq: _seq, ...entry }): AuditEntry => ({ id: _id, ...entry }));
    if (!more) return { items: entries };
    const last = items[items.length - 1];
    return { items: entries, nextCursor: encodeOrderedCursor('desc', { at: last.at.getTime(), seq: last.seq, id: last._id }) };
  }
}
