import { randomUUID } from 'node:crypto';
import type { AuditEntry, NewAuditEntry } from '../ports/audit.port';
import { invalid, requireDate, requireId } from './input-checks';
import { stripUndefined } from './strip-undefined';

/** Longest `target` kept (a list of ids or a filter as text). */
export const MAX_AUDIT_TARGET = 16_384;

/** Validates an operator action and builds its entry (with a new id). */
export function newAuditEntry(input: NewAuditEntry, now: Date = new Date()): AuditEntry {
  if (input === null || typeof input !== 'object') invalid('entry', 'must be an object');
  if (!Number.isInteger(input.count) || input.count < 0) invalid('count', 'must be a non-negative integer');
  if (input.target !== undefined && (typeof input.target !== 'string' || input.target.length > MAX_AUDIT_TARGET)) {
    invalid('target', `must be a string of at most ${MAX_AUDIT_TARGET} characters`);
  }
  if (input.details !== undefined && (input.details === null || typeof input.details !== 'object' || Array.isArray(input.details))) {
    invalid('details', 'must be an object');
  }
  return stripUndefined<AuditEntry>({
    id: randomUUID(),
    actor: requireId('actor', input.actor, 256),
    action: requireId('action', input.action, 128),
    count: input.count,
    target: input.target,
    details: input.details,
    at: requireDate('at', input.at, now),
  });
}
