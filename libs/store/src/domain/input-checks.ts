import { InvalidMessageError, InvalidOptionsError, isValidSessionId } from '@warren/contracts';
import type { SessionRef } from '../ports/history.port';

/** Longest id or name the store accepts (task ids, message ids, user ids, reminder names …). */
export const MAX_ID_LENGTH = 512;

/** Largest page a listing returns. */
export const MAX_PAGE_LIMIT = 1000;

/** Throws `InvalidMessageError` naming the field. */
export function invalid(field: string, constraint: string): never {
  throw new InvalidMessageError(`${field} ${constraint}`, [{ field, constraints: [constraint] }]);
}

/** A non-empty string of at most `max` characters. */
export function requireId(field: string, value: unknown, max = MAX_ID_LENGTH): string {
  if (typeof value !== 'string' || value.length === 0 || value.length > max) {
    invalid(field, `must be a non-empty string of at most ${max} characters`);
  }
  return value;
}

/** Undefined, or a valid id. */
export function optionalId(field: string, value: unknown, max = MAX_ID_LENGTH): string | undefined {
  return value === undefined ? undefined : requireId(field, value, max);
}

/** A valid Date; `fallback` when undefined. */
export function requireDate(field: string, value: unknown, fallback?: Date): Date {
  const date = value ?? fallback;
  if (!(date instanceof Date) || Number.isNaN(date.getTime())) invalid(field, 'must be a valid Date');
  return date;
}

/** A tenant and a wire session id (`[A-Za-z0-9_-]{1,128}`). */
export function requireSession(session: SessionRef): SessionRef {
  requireId('tenant', session?.tenant, 128);
  if (!isValidSessionId(session.sessionId)) invalid('sessionId', 'must match [A-Za-z0-9_-]{1,128}');
  return session;
}

/** A page size from 1 to `max` (`InvalidOptionsError` otherwise). */
export function resolveLimit(limit: number | undefined, fallback = 50, max = MAX_PAGE_LIMIT): number {
  const value = limit ?? fallback;
  if (!Number.isInteger(value) || value < 1 || value > max) {
    throw new InvalidOptionsError('limit', `must be an integer from 1 to ${max}`);
  }
  return value;
}
