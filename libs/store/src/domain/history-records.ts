import { randomUUID } from 'node:crypto';
import { InvalidOptionsError } from '@warren/contracts';
import type { NewTurnPart, TurnPart } from '../ports/history.port';
import { invalid, optionalId, requireDate, requireId, requireSession } from './input-checks';
import { stripUndefined } from './strip-undefined';

const ROLES: ReadonlySet<string> = new Set(['user', 'assistant', 'system', 'tool']);
const STATUSES: ReadonlySet<string> = new Set(['complete', 'interrupted']);

/** Validates parts to append and fills in ids, status and time. */
export function normaliseTurnParts(parts: NewTurnPart[], now: Date = new Date()): TurnPart[] {
  if (!Array.isArray(parts)) invalid('parts', 'must be an array');
  return parts.map((part, i) => {
    requireSession(part);
    if (!ROLES.has(part.role)) invalid(`parts[${i}].role`, 'must be user, assistant, system or tool');
    if (typeof part.content !== 'string') invalid(`parts[${i}].content`, 'must be a string');
    const status = part.status ?? 'complete';
    if (!STATUSES.has(status)) invalid(`parts[${i}].status`, 'must be complete or interrupted');
    return stripUndefined<TurnPart>({
      id: optionalId(`parts[${i}].id`, part.id) ?? randomUUID(),
      tenant: part.tenant,
      sessionId: part.sessionId,
      userId: optionalId(`parts[${i}].userId`, part.userId),
      role: part.role,
      content: part.content,
      model: optionalId(`parts[${i}].model`, part.model),
      tokens: part.tokens === undefined ? undefined : { ...part.tokens },
      taskId: optionalId(`parts[${i}].taskId`, part.taskId),
      status,
      at: requireDate(`parts[${i}].at`, part.at, now),
    });
  });
}

/** Checks the arguments of an erasure. */
export function requireUser(tenant: string, userId: string): void {
  requireId('tenant', tenant, 128);
  requireId('userId', userId);
}

/**
 * Where a part sorts in its session's history (the "turn order"): the part's turn — the time the
 * turn's first stored part arrived (`turnAt`), then that part's append position (`turnSeq`) — then
 * the user's part before the others (`rank`), then append order (`seq`). Every part of one task is
 * one turn, however late it is written (a replayed turn's answer goes right after its question);
 * a part without a task is a turn of its own.
 */
export interface HistoryPosition {
  /** Epoch ms. */
  turnAt: number;
  turnSeq: number;
  rank: number;
  seq: number;
}

/** 0 for the user's part of a turn, 1 for the others (the answer, tool parts). */
export function roleRank(role: TurnPart['role']): number {
  return role === 'user' ? 0 : 1;
}

/**
 * The turn time of each task in a batch of parts: the earliest `at` among that task's parts (an
 * interrupted turn writes its question and its partial answer together). Used when no part of the
 * task is stored yet.
 */
export function batchTurnTimes(parts: readonly TurnPart[]): Map<string, Date> {
  const times = new Map<string, Date>();
  for (const p of parts) {
    if (p.taskId === undefined) continue;
    const known = times.get(p.taskId);
    if (known === undefined || p.at < known) times.set(p.taskId, p.at);
  }
  return times;
}

/** Encodes a history position as an opaque, URL-safe cursor. */
export function encodeHistoryCursor(p: HistoryPosition): string {
  return Buffer.from(JSON.stringify(['h', p.turnAt, p.turnSeq, p.rank, p.seq]), 'utf8').toString('base64url');
}

/** Decodes a cursor from `encodeHistoryCursor`; throws `InvalidOptionsError` for anything else. */
export function decodeHistoryCursor(cursor: string): HistoryPosition {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    parsed = undefined;
  }
  if (!Array.isArray(parsed) || parsed.length !== 5 || parsed[0] !== 'h' || !parsed.slice(1).every((n) => Number.isFinite(n))) {
    throw new InvalidOptionsError('cursor', 'is not a cursor returned by this listing');
  }
  const [, turnAt, turnSeq, rank, seq] = parsed as [string, number, number, number, number];
  return { turnAt, turnSeq, rank, seq };
}
