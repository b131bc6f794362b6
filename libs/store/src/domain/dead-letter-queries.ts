import { InvalidOptionsError } from '@warren/contracts';
import type { DeadLetterFilter, DeadLetterPageRequest, DeadLetterStatsGroup } from '../ports/dead-letter.port';
import { assertActorAddress } from './address';
import { DEAD_LETTER_TRANSITIONS } from './dead-letter-transitions';
import { MAX_ID_LENGTH, MAX_PAGE_LIMIT, resolveLimit } from './input-checks';
import { decodeOrderedCursor, type ListOrder, type OrderedPosition, resolveOrder } from './ordered-cursor';

/** A page request of a dead letter listing, checked. */
export interface ResolvedDeadLetterPage {
  limit: number;
  order: ListOrder;
  /** Where the previous page stopped. */
  after?: OrderedPosition;
}

/**
 * Checks a dead letter filter (the one place both adapters validate it); throws
 * `InvalidOptionsError` naming the field. Returns a copy without undefined fields.
 */
export function resolveDeadLetterFilter(filter: DeadLetterFilter | undefined): DeadLetterFilter {
  if (filter === undefined || filter === null) return {};
  if (typeof filter !== 'object') throw new InvalidOptionsError('filter', 'must be an object');
  const resolved: DeadLetterFilter = {};
  if (filter.status !== undefined) resolved.status = DEAD_LETTER_TRANSITIONS.assertStatus(filter.status);
  for (const field of ['errorClass', 'errorCode', 'actorType'] as const) {
    if (filter[field] !== undefined) resolved[field] = idOption(field, filter[field], 128);
  }
  if (filter.address !== undefined) {
    const address = idOption('address', filter.address, MAX_ID_LENGTH);
    try {
      assertActorAddress(address);
    } catch (error) {
      throw new InvalidOptionsError('address', (error as Error).message);
    }
    resolved.address = address;
  }
  if (filter.text !== undefined) {
    if (typeof filter.text !== 'string' || filter.text.length === 0 || filter.text.length > 1024) {
      throw new InvalidOptionsError('text', 'must be a non-empty string of at most 1024 characters');
    }
    resolved.text = filter.text;
  }
  if (filter.messageIds !== undefined) {
    if (!Array.isArray(filter.messageIds) || filter.messageIds.length === 0 || filter.messageIds.length > MAX_PAGE_LIMIT) {
      throw new InvalidOptionsError('messageIds', `must be an array of 1 to ${MAX_PAGE_LIMIT} ids`);
    }
    resolved.messageIds = filter.messageIds.map((id, i) => idOption(`messageIds[${i}]`, id, MAX_ID_LENGTH));
  }
  if (filter.from !== undefined) resolved.from = dateOption('from', filter.from);
  if (filter.to !== undefined) resolved.to = dateOption('to', filter.to);
  return resolved;
}

/** Checks a page request of a dead letter listing. */
export function resolveDeadLetterPage(page: DeadLetterPageRequest | undefined): ResolvedDeadLetterPage {
  const limit = resolveLimit(page?.limit);
  const order = resolveOrder(page?.order);
  if (page?.cursor === undefined) return { limit, order };
  return { limit, order, after: decodeOrderedCursor(page.cursor, order) };
}

/** Sorts stats groups: largest count first, then by error class, code, actor type and handler (none first). */
export function sortStatsGroups(groups: DeadLetterStatsGroup[]): DeadLetterStatsGroup[] {
  const text = (a: string | undefined, b: string | undefined) =>
    a === b ? 0 : a === undefined ? -1 : b === undefined ? 1 : a < b ? -1 : 1;
  return groups.sort(
    (a, b) =>
      b.count - a.count ||
      text(a.errorClass, b.errorClass) ||
      text(a.errorCode, b.errorCode) ||
      text(a.actorType, b.actorType) ||
      text(a.handler, b.handler),
  );
}

/** Escapes a string for use as a literal inside a regular expression. */
export function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function idOption(field: string, value: unknown, max: number): string {
  if (typeof value !== 'string' || value.length === 0 || value.length > max) {
    throw new InvalidOptionsError(field, `must be a non-empty string of at most ${max} characters`);
  }
  return value;
}

function dateOption(field: string, value: unknown): Date {
  if (!(value instanceof Date) || Number.isNaN(value.getTime())) throw new InvalidOptionsError(field, 'must be a valid Date');
  return value;
}
