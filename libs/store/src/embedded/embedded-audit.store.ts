import type { Statement } from 'better-sqlite3';
import { newAuditEntry } from '../domain/audit-records';
import { assertDocumentSize, jsonBytes } from '../domain/document-size';
import { resolveLimit } from '../domain/input-checks';
import { decodeOrderedCursor, encodeOrderedCursor } from '../domain/ordered-cursor';
import type { AuditEntry, AuditStore, NewAuditEntry } from '../ports/audit.port';
import type { Page, PageRequest } from '../ports/page';
import { auditEntryFromJson } from './embedded-codecs';
import { guard, type SqliteDatabase } from './sqlite-database';

interface AuditRow {
  seq: number;
  id: string;
  at: number;
  doc_json: string;
}

/** The audit log in SQLite (`audit_log`), newest first by `(at, seq)`. */
export class EmbeddedAuditStore implements AuditStore {
  private readonly insert: Statement;
  private readonly first: Statement<{ limit: number }, AuditRow>;
  private readonly next: Statement<{ limit: number; at: number; seq: number }, AuditRow>;

  constructor(
    db: SqliteDatabase,
    private readonly maxDocumentBytes: number,
  ) {
    this.insert = db.prepare('INSERT INTO audit_log (id, at, doc_json) VALUES (@id, @at, @json)');
    const select = 'SELECT seq, id, at, doc_json FROM audit_log';
    const order = 'ORDER BY at DESC, seq DESC LIMIT @limit';
    this.first = db.prepare<{ limit: number }, AuditRow>(`${select} ${order}`);
    this.next = db.prepare<{ limit: number; at: number; seq: number }, AuditRow>(`${select} WHERE (at, seq) < (@at, @seq) ${order}`);
  }

  async append(input: NewAuditEntry): Promise<AuditEntry> {
    const entry = newAuditEntry(input);
    const json = JSON.stringify(entry);
    assertDocumentSize('audit_log', jsonBytes(json), this.maxDocumentBytes);
    guard('append audit entry', () => this.insert.run({ id: entry.id, at: entry.at.getTime(), json }));
    return auditEntryFromJson(json);
  }

  async list(page: PageRequest = {}): Promise<Page<AuditEntry>> {
    const limit = resolveLimit(page.limit);
    const after = page.cursor === undefined ? undefined : decodeOrderedCursor(page.cursor, 'desc');
    const rows = guard('list audit log', () =>
      after === undefined ? this.first.all({ limit: limit + 1 }) : this.next.all({ limit: limit + 1, at: after.at, seq: after.seq }),
    );
    const more = rows.length > limit;
    const items = more ? rows.slice(0, limit) : rows;
    const entries = items.map((row) => auditEntryFromJson(row.doc_json));
    if (!more) return { items: entries };
    const last = items[items.length - 1];
    return { items: entries, nextCursor: encodeOrderedCursor('desc', { at: last.at, seq: last.seq, id: last.id }) };
  }
}
