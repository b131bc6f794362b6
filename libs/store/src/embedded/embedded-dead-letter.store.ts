import { NotFoundError } from '@warren/contracts';
import type { Statement, Transaction } from 'better-sqlite3';
import { resolveDeadLetterFilter, resolveDeadLetterPage, sortStatsGroups } from '../domain/dead-letter-queries';
import { applyDeadLetterChange, newDeadLetterRecord, resolveDeadLetterChange } from '../domain/dead-letter-records';
import { assertDocumentSize, jsonBytes } from '../domain/document-size';
import { requireDate, requireId } from '../domain/input-checks';
import { encodeOrderedCursor } from '../domain/ordered-cursor';
import type {
  DeadLetterFilter,
  DeadLetterPageRequest,
  DeadLetterRecord,
  DeadLetterStats,
  DeadLetterStatsGroup,
  DeadLetterStatusChange,
  DeadLetterStore,
  NewDeadLetter,
} from '../ports/dead-letter.port';
import type { Page } from '../ports/page';
import { deadLetterFromJson, deadLetterToJson } from './embedded-codecs';
import { guard, type SqliteDatabase } from './sqlite-database';

interface ListRow {
  doc_json: string;
  created_at: number;
  seq: number;
  message_id: string;
}

interface StatsRow {
  error_class: string;
  error_code: string;
  actor_type: string;
  handler: string | null;
  count: number;
  first_seen: number;
  last_seen: number;
}

/** Equality filters and their columns. */
const FILTER_COLUMNS = [
  ['status', 'status'],
  ['errorClass', 'error_class'],
  ['errorCode', 'error_code'],
  ['actorType', 'actor_type'],
  ['address', 'address'],
] as const;

/** Case-insensitive substring test registered on the connection (SQLite's own `lower` folds ASCII only). */
const CONTAINS_FUNCTION = 'warren_icontains';

/**
 * Dead letters in SQLite. `seq` numbers rows in insertion order (MAX + 1 inside the IMMEDIATE
 * insert transaction, so processes sharing the file never reuse one); listings use the keyset
 * `(created_at, seq)` in either direction.
 */
export class EmbeddedDeadLetterStore implements DeadLetterStore {
  private readonly select: Statement<[string], string>;
  private readonly insert: Statement;
  private readonly update: Statement;
  private readonly deleteDiscarded: Statement<[number]>;
  private readonly statements = new Map<string, Statement<Record<string, unknown>>>();
  private readonly insertTx: Transaction<(record: DeadLetterRecord, json: string) => { inserted: boolean; record: DeadLetterRecord }>;
  private readonly updateTx: Transaction<(messageId: string, change: DeadLetterStatusChange & { at: Date }) => DeadLetterRecord>;

  constructor(
    private readonly db: SqliteDatabase,
    private readonly maxDocumentBytes: number,
  ) {
    db.function(CONTAINS_FUNCTION, { deterministic: true }, (haystack: unknown, needle: unknown) =>
      typeof haystack === 'string' && typeof needle === 'string' && haystack.toLowerCase().includes(needle.toLowerCase()) ? 1 : 0,
    );
    this.select = db.prepare<[string], string>('SELECT doc_json FROM dead_letters WHERE message_id = ?').pluck();
    this.insert = db.prepare(
      `INSERT INTO dead_letters
         (message_id, seq, status, error_class, error_code, actor_type, address, handler, error_message, created_at, updated_at, doc_json)
       VALUES (@messageId, (SELECT COALESCE(MAX(seq), 0) + 1 FROM dead_letters), @status, @errorClass, @errorCode, @actorType,
         @address, @handler, @errorMessage, @at, @at, @json)
       ON CONFLICT (message_id) DO NOTHING`,
    );
    this.update = db.prepare('UPDATE dead_letters SET status = @status, updated_at = @at, doc_json = @json WHERE message_id = @messageId');
    this.deleteDiscarded = db.prepare<[number]>("DELETE FROM dead_letters WHERE status = 'discarded' AND updated_at < ?");
    this.insertTx = db.transaction((record: DeadLetterRecord, json: string) => {
      const row = {
        messageId: record.messageId,
        status: record.status,
        errorClass: record.errorClass,
        errorCode: record.errorCode,
        actorType: record.actorType,
        address: record.address ?? null,
        handler: record.handler ?? null,
        errorMessage: record.errorMessage,
        at: record.createdAt.getTime(),
        json,
      };
      if (this.insert.run(row).changes === 1) return { inserted: true, record };
      return { inserted: false, record: this.read(record.messageId) };
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

  async list(filter?: DeadLetterFilter, page?: DeadLetterPageRequest): Promise<Page<DeadLetterRecord>> {
    const { limit, order, after } = resolveDeadLetterPage(page);
    const { where, params } = whereOf(resolveDeadLetterFilter(filter));
    params.limit = limit + 1;
    if (after !== undefined) {
      where.push(`(created_at, seq) ${order === 'asc' ? '>' : '<'} (@afterAt, @afterSeq)`);
      params.afterAt = after.at;
      params.afterSeq = after.seq;
    }
    const direction = order === 'asc' ? 'ASC' : 'DESC';
    const sql = `SELECT doc_json, created_at, seq, message_id FROM dead_letters ${clause(where)}
      ORDER BY created_at ${direction}, seq ${direction} LIMIT @limit`;
    const rows = guard('list dead letters', () => this.statement(sql).all(params) as ListRow[]);
    const more = rows.length > limit;
    const items = more ? rows.slice(0, limit) : rows;
    const records = items.map((row) => deadLetterFromJson(row.doc_json));
    if (!more) return { items: records };
    const last = items[items.length - 1];
    return { items: records, nextCursor: encodeOrderedCursor(order, { at: last.created_at, seq: last.seq, id: last.message_id }) };
  }

  async stats(filter?: DeadLetterFilter): Promise<DeadLetterStats> {
    const { where, params } = whereOf(resolveDeadLetterFilter(filter));
    const sql = `SELECT error_class, error_code, actor_type, handler, COUNT(*) AS count,
        MIN(created_at) AS first_seen, MAX(created_at) AS last_seen
      FROM dead_letters ${clause(where)} GROUP BY error_class, error_code, actor_type, handler`;
    const rows = guard('dead letter stats', () => this.statement(sql).all(params) as StatsRow[]);
    const groups = rows.map((row) => {
      const group: DeadLetterStatsGroup = {
        errorClass: row.error_class,
        errorCode: row.error_code,
        actorType: row.actor_type,
        count: row.count,
        firstSeen: new Date(row.first_seen),
        lastSeen: new Date(row.last_seen),
      };
      if (row.handler !== null) group.handler = row.handler;
      return group;
    });
    return { total: groups.reduce((sum, group) => sum + group.count, 0), groups: sortStatsGroups(groups) };
  }

  async updateStatus(messageId: string, change: DeadLetterStatusChange): Promise<DeadLetterRecord> {
    requireId('messageId', messageId);
    const resolved = resolveDeadLetterChange(change);
    return guard('update dead letter', () => this.updateTx.immediate(messageId, resolved));
  }

  async purge(discardedBefore: Date): Promise<number> {
    const before = requireDate('discardedBefore', discardedBefore).getTime();
    return guard('purge dead letters', () => this.deleteDiscarded.run(before).changes);
  }

  private read(messageId: string): DeadLetterRecord {
    const json = this.select.get(messageId);
    if (json === undefined) throw new NotFoundError('dead letter', messageId);
    return deadLetterFromJson(json);
  }

  /** One prepared statement per query shape, prepared on first use (filters are parameters, so shapes are few). */
  private statement(sql: string): Statement<Record<string, unknown>> {
    let statement = this.statements.get(sql);
    if (statement === undefined) {
      statement = this.db.prepare<Record<string, unknown>>(sql);
      this.statements.set(sql, statement);
    }
    return statement;
  }
}

/** The WHERE terms and parameters of a checked filter. */
function whereOf(filter: DeadLetterFilter): { where: string[]; params: Record<string, unknown> } {
  const where: string[] = [];
  const params: Record<string, unknown> = {};
  for (const [field, column] of FILTER_COLUMNS) {
    if (filter[field] === undefined) continue;
    where.push(`${column} = @${field}`);
    params[field] = filter[field];
  }
  if (filter.text !== undefined) {
    where.push(`${CONTAINS_FUNCTION}(error_message, @text)`);
    params.text = filter.text;
  }
  if (filter.messageIds !== undefined) {
    where.push('message_id IN (SELECT value FROM json_each(@messageIds))');
    params.messageIds = JSON.stringify(filter.messageIds);
  }
  if (filter.from !== undefined) {
    where.push('created_at >= @from');
    params.from = filter.from.getTime();
  }
  if (filter.to !== undefined) {
    where.push('created_at < @to');
    params.to = filter.to.getTime();
  }
  return { where, params };
}

function clause(where: string[]): string {
  return where.length === 0 ? '' : `WHERE ${where.join(' AND ')}`;
}
