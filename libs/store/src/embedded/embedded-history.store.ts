import type { Statement, Transaction } from 'better-sqlite3';
import { assertDocumentSize, fromJson, jsonBytes, toJson } from '../domain/document-size';
import {
  batchTurnTimes,
  decodeHistoryCursor,
  encodeHistoryCursor,
  normaliseTurnParts,
  requireUser,
  roleRank,
} from '../domain/history-records';
import { requireSession, resolveLimit } from '../domain/input-checks';
import type { HistoryErasure, HistoryPageRequest, HistoryStore, NewTurnPart, SessionRef, TurnPart } from '../ports/history.port';
import type { Page } from '../ports/page';
import type { GroupCommit } from './group-commit';
import { guard, type SqliteDatabase } from './sqlite-database';

/**
 * A row of `messages` as an array in {@link COLUMNS} order: reads use better-sqlite3's raw mode,
 * which builds no object per row (half the cost of a history read, the one done on every turn).
 */
type MessageRow = [
  seq: number,
  id: string,
  tenant: string,
  sessionId: string,
  userId: string | null,
  role: TurnPart['role'],
  content: string,
  model: string | null,
  tokensJson: string | null,
  taskId: string | null,
  status: TurnPart['status'],
  at: number,
  turnAt: number,
  turnSeq: number,
  turnRank: number,
];

const COLUMNS =
  'seq, id, tenant, session_id, user_id, role, content, model, tokens_json, task_id, status, at, turn_at, turn_seq, turn_rank';
const SESSION = 'tenant = @tenant AND session_id = @sessionId';
const TURN_ORDER = (dir: 'ASC' | 'DESC') => `turn_at ${dir}, turn_seq ${dir}, turn_rank ${dir}, seq ${dir}`;

/**
 * Conversation history in SQLite, in turn order (see `HistoryPosition`): `seq` (AUTOINCREMENT,
 * never reused) is the append order; `turn_at`/`turn_seq` are those of the first stored part of
 * the part's task (its own for a new turn or a part without a task); `turn_rank` puts the user first.
 */
export class EmbeddedHistoryStore implements HistoryStore {
  private readonly insert: Statement;
  private readonly turnOfTask: Statement<Record<string, unknown>, { turnAt: number; turnSeq: number }>;
  private readonly ownTurn: Statement<[number | bigint]>;
  private readonly selectLast: Statement<Record<string, unknown>, MessageRow>;
  private readonly pages: Record<
    'asc' | 'desc',
    { first: Statement<Record<string, unknown>, MessageRow>; after: Statement<Record<string, unknown>, MessageRow> }
  >;
  private readonly deleteBySession: Statement;
  private readonly sessionsOfUser: Statement<[string, string], string>;
  private readonly appendTx: Transaction<(rows: TurnPart[]) => void>;
  private readonly eraseTx: Transaction<(tenant: string, userId: string) => HistoryErasure>;

  constructor(
    db: SqliteDatabase,
    private readonly maxDocumentBytes: number,
    private readonly commit: GroupCommit,
  ) {
    this.insert = db.prepare(
      `INSERT INTO messages (id, tenant, session_id, user_id, role, content, model, tokens_json, task_id, status, at, turn_at, turn_seq, turn_rank)
       VALUES (@id, @tenant, @sessionId, @userId, @role, @content, @model, @tokens, @taskId, @status, @at, @turnAt, @turnSeq, @turnRank)
       ON CONFLICT (id) DO NOTHING`,
    );
    this.turnOfTask = db.prepare(
      `SELECT turn_at AS turnAt, turn_seq AS turnSeq FROM messages
       WHERE task_id = @taskId AND ${SESSION} ORDER BY turn_at, turn_seq LIMIT 1`,
    );
    this.ownTurn = db.prepare('UPDATE messages SET turn_seq = seq WHERE seq = ?');
    this.selectLast = db
      .prepare<Record<string, unknown>, MessageRow>(
        `SELECT ${COLUMNS} FROM messages WHERE ${SESSION} ORDER BY ${TURN_ORDER('DESC')} LIMIT @limit`,
      )
      .raw();
    const page = (order: 'ASC' | 'DESC', op: '>' | '<', cursor: boolean) =>
      db
        .prepare<Record<string, unknown>, MessageRow>(
          `SELECT ${COLUMNS} FROM messages WHERE ${SESSION}${
            cursor ? ` AND (turn_at, turn_seq, turn_rank, seq) ${op} (@turnAt, @turnSeq, @rank, @seq)` : ''
          } ORDER BY ${TURN_ORDER(order)} LIMIT @limit`,
        )
        .raw();
    this.pages = {
      asc: { first: page('ASC', '>', false), after: page('ASC', '>', true) },
      desc: { first: page('DESC', '<', false), after: page('DESC', '<', true) },
    };
    this.deleteBySession = db.prepare(`DELETE FROM messages WHERE ${SESSION}`);
    this.sessionsOfUser = db
      .prepare<[string, string], string>('SELECT DISTINCT session_id FROM messages WHERE tenant = ? AND user_id = ?')
      .pluck();
    this.appendTx = db.transaction((rows: TurnPart[]) => {
      const batchTurns = batchTurnTimes(rows);
      for (const part of rows) {
        const row = toRow(part);
        // A part of a task whose first part is stored joins that turn; else it starts one (its seq, set below).
        const stored =
          part.taskId === undefined
            ? undefined
            : this.turnOfTask.get({ taskId: part.taskId, tenant: part.tenant, sessionId: part.sessionId });
        const turnAt = stored?.turnAt ?? (part.taskId === undefined ? part.at : (batchTurns.get(part.taskId) ?? part.at)).getTime();
        const info = this.insert.run({ ...row, turnAt, turnSeq: stored?.turnSeq ?? null, turnRank: roleRank(part.role) });
        if (stored === undefined && info.changes > 0) this.ownTurn.run(info.lastInsertRowid);
      }
    });
    this.eraseTx = db.transaction((tenant: string, userId: string) => {
      const sessionIds = this.sessionsOfUser.all(tenant, userId);
      let deleted = 0;
      for (const sessionId of sessionIds) deleted += this.deleteBySession.run({ tenant, sessionId }).changes;
      return { deleted, sessionIds };
    });
  }

  /** Appends validated parts inside the caller's transaction (an actor's commit). @internal */
  writeCommitted(parts: TurnPart[]): void {
    for (const part of parts) assertDocumentSize('messages', jsonBytes(part.content, toJson(part.tokens)), this.maxDocumentBytes);
    this.appendTx(parts);
  }

  async append(parts: NewTurnPart[]): Promise<TurnPart[]> {
    const stored = normaliseTurnParts(parts);
    for (const part of stored) assertDocumentSize('messages', jsonBytes(part.content, toJson(part.tokens)), this.maxDocumentBytes);
    await this.commit.run('append', () => this.appendTx(stored));
    return stored;
  }

  async lastTurns(session: SessionRef, limit: number): Promise<TurnPart[]> {
    const { tenant, sessionId } = requireSession(session);
    const size = resolveLimit(limit);
    return guard('lastTurns', () => this.selectLast.all({ tenant, sessionId, limit: size }).reverse().map(fromRow));
  }

  async page(session: SessionRef, request: HistoryPageRequest = {}): Promise<Page<TurnPart>> {
    const { tenant, sessionId } = requireSession(session);
    const limit = resolveLimit(request.limit);
    const statements = this.pages[request.order ?? 'desc'];
    const position = request.cursor === undefined ? undefined : decodeHistoryCursor(request.cursor);
    const rows = guard('page', () =>
      position === undefined
        ? statements.first.all({ tenant, sessionId, limit: limit + 1 })
        : statements.after.all({ tenant, sessionId, ...position, limit: limit + 1 }),
    );
    const more = rows.length > limit;
    const items = more ? rows.slice(0, limit) : rows;
    if (!more) return { items: items.map(fromRow) };
    const last = items[items.length - 1] as MessageRow;
    return {
      items: items.map(fromRow),
      nextCursor: encodeHistoryCursor({ turnAt: last[12], turnSeq: last[13], rank: last[14], seq: last[0] }),
    };
  }

  async deleteSession(session: SessionRef): Promise<number> {
    const { tenant, sessionId } = requireSession(session);
    return guard('deleteSession', () => this.deleteBySession.run({ tenant, sessionId }).changes);
  }

  async eraseUser(tenant: string, userId: string): Promise<HistoryErasure> {
    requireUser(tenant, userId);
    return guard('eraseUser', () => this.eraseTx.immediate(tenant, userId));
  }
}

function toRow(part: TurnPart): Record<string, unknown> {
  return {
    id: part.id,
    tenant: part.tenant,
    sessionId: part.sessionId,
    userId: part.userId ?? null,
    role: part.role,
    content: part.content,
    model: part.model ?? null,
    tokens: toJson(part.tokens),
    taskId: part.taskId ?? null,
    status: part.status,
    at: part.at.getTime(),
  };
}

function fromRow(row: MessageRow): TurnPart {
  const [, id, tenant, sessionId, userId, role, content, model, tokensJson, taskId, status, at] = row;
  // Built field by field in the port's order (absent fields left out), as JSON answers show it.
  const part = { id, tenant, sessionId } as TurnPart;
  if (userId !== null) part.userId = userId;
  part.role = role;
  part.content = content;
  if (model !== null) part.model = model;
  if (tokensJson !== null) part.tokens = fromJson(tokensJson);
  if (taskId !== null) part.taskId = taskId;
  part.status = status;
  part.at = new Date(at);
  return part;
}
