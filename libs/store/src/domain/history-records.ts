import { randomUUID } from 'node:crypto';
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
