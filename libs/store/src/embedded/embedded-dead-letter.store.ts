import { NotFoundError } from '@warren/contracts';
import type { Statement, Transaction } from 'better-sqlite3';
import { decodeCursor, encodeCursor } from '../domain/cursor';
import { applyDeadLetterChange, newDeadLetterRecord, resolveDeadLetterChange } from '../domain/dead-letter-records';
import { assertDocumentSize, jsonBytes } from '../domain/document-size';
import { requireDate, requireId, resolveLimit } from '../domain/input-checks';
import type {
  DeadLetterFilter,
  DeadLetterRecord,
  DeadLetterStats,
  DeadLetterStatusChange,
  DeadLetterStore,
  NewDeadLetter,
} from '../ports/dead-letter.port';
import type { Page, PageRequest } from '../ports/page';
import { deadLetterFromJson, deadLetterToJson } from './embedded-codecs';
import { guard, type SqliteDatabase } from './sqlite-database';

interface ListRow {
  doc_json: string;
  created_at: number;
  message_id: string;
}

/** Equality filters and their columns. */
const FILTER_COLUMNS = [
  ['status', 'status'],
  ['errorClass', 'error_class'],
  ['errorCode', 'error_code'],
  ['actorType', 'actor_type'],
] as const;

/** Dead letters in SQLite, listed newest first with a `(created_at, message_id)` keyset cursor. */
export class EmbeddedDeadLetterStore implements DeadLetterStore {
  private readonly select: Statement<[string], string>;
  private readonly insert: Statement;
  private readonly update: Statement;
  private readonly listStatements = new Map<string, Statement<Record<string, unknown>, ListRow>>();
  private readonly insertTx: Transaction<(record: DeadLetterRecord, json: string) => { inserted: boolean; record: DeadLetterRecord }>;
  private readonly updateTx: Transaction<(messageId: string, change: DeadLetterStatusChange & { at: Date }) => DeadLetterRecord>;

  constructor(
    private readonly db: SqliteDatabase,
    private readonly maxDocumentBytes: number,
  ) {
    this.select = db.prepare<[string], string>('SELECT doc_json FROM dead_letters WHERE message_id = ?').pluck();
    this.insert = db.prepare(
      `INSERT INTO dead_letters (message_id, status, error_class, error_code, actor_type, created_at, updated_at, doc_json)
       VALUES (@messageId, @status, @errorClass, @errorCode, @actorType, @at, @at, @json) ON CONFLICT (message_id) DO NOTHING`,
    );
    this.update = db.prepare('UPDATE dead_letters SET status = @status, updated_at = @at, doc_json = @json WHERE message_id = @messageId');
    this.insertTx = db.transaction((record: DeadLetterRecord, json: string) => {
      const { messageId, status, errorClass, errorCode, actorType } = record;
      const at = record.createdAt.getTime();
      if (this.insert.run({ messageId, status, errorClass, errorCode, actorType, at, json }).changes === 1) {
        return { inserted: true, record };
      }
      return { inserted: false, record: this.read(messageId) };
    });
    this.updateTx = db.transaction((messageId: string, change: DeadLetterStatusChange & { at: Date }) => {
      const next = applyDeadLetterChange(this.read(messageId), change);
      this.update.run({ messageId, status: next.status, at: next.updatedAt.getTime(), json: deadLetterToJson(next) });
      return next;
    });
  }

  async insertIfAbsent(input: NewDeadLetter): Promise<{ inserted: boolean; record: DeadLetterRecord }> {
    const record = newDeadLetterRecord(input);
    const json = deadLetterToJson(record);
    assertDocumentSize('dead_letters', jsonBytes(json), this.maxDocumentBytes);
    return guard('insert dead letter', () => this.insertTx.immediate(record, json));
  }

  async get(messageId: string): Promise<DeadLetterRecord | undefined> {
    requireId('messageId', messageId);
    const json = guard('get dead letter', () => this.select.get(messageId));
    return json === undefined ? undefined : deadLetterFromJson(json);
  }

  async list(filter: DeadLetterFilter = {}, page: PageRequest = {}): Promise<Page<DeadLetterRecord>> {
    const limit = resolveLimit(page.limit);
    const where: string[] = [];
    const params: Record<string, unknown> = { limit: limit + 1 };
    for (const [field, column] of FILTER_COLUMNS) {
      const value = filter[field];
      if (value === undefined) continue;
      where.push(`${column} = @${field}`);
      params[field] = requireId(field, value, 128);
    }
    if (filter.from !== undefined) {
      where.push('created_at >= @from');
      params.from = requireDate('from', filter.from).getTime();
    }
    if (filter.to !== undefined) {
      where.push('created_at < @to');
      params.to = requireDate('to', filter.to).getTime();
    }
    if (page.cursor !== undefined) {
      const position = decodeCursor(page.cursor, 'string');
      where.push('(created_at, message_id) < (@cursorAt, @cursorId)');
      params.cursorAt = position.at;
      params.cursorId = position.key;
    }
    const sql = `SELECT doc_json, created_at, message_id FROM dead_letters
      ${where.length === 0 ? '' : `WHERE ${where.join(' AND ')}`}
      ORDER BY created_at DESC, message_id DESC LIMIT @limit`;
    const rows = guard('list dead letters', () => this.statement(sql).all(params));
    const more = rows.length > limit;
    const items = more ? rows.slice(0, limit) : rows;
    const records = items.map((row) => deadLetterFromJson(row.doc_json));
    if (!more) return { items: records };
    const last = items[items.length - 1];
    return { items: records, nextCursor: encodeCursor({ at: last.created_at, key: last.message_id }) };
  }

  async stats(_filter: DeadLetterFilter = {}): Promise<DeadLetterStats> {
    throw new Error('not implemented');
  }

  async purge(_discardedBefore: Date): Promise<number> {
    throw new Error('not implemented');
  }

  async updateStatus(messageId: string, change: DeadLetterStatusChange): Promise<DeadLetterRecord> {
    requireId('messageId', messageId);
    const resolved = resolveDeadLetterChange(change);
    return guard('update dead letter', () => this.updateTx.immediate(messageId, resolved));
  }

  private read(messageId: string): DeadLetterRecord {
    const json = this.select.get(messageId);
    if (json === undefined) throw new NotFoundError('dead letter', messageId);
    return deadLetterFromJson(json);
  }

  /** One prepared statement per filter combination (at most 2^7), prepared on first use. */
  private statement(sql: string): Statement<Record<string, unknown>, ListRow> {
    let statement = this.listStatements.get(sql);
    if (statement === undefined) {
      statement = this.db.prepare<Record<string, unknown>, ListRow>(sql);
      this.listStatements.set(sql, statement);
    }
    return statement;
  }
}
