import { InvalidOptionsError } from '@warren/contracts';

/** Direction of a listing. */
export type ListOrder = 'asc' | 'desc';

/**
 * A position in a listing ordered by time, then by a sequence number, then by id: a total order
 * even when two writers' sequence numbers meet (the id breaks that tie).
 */
export interface OrderedPosition {
  /** Epoch milliseconds. */
  at: number;
  seq: number;
  id: string;
}

/** Encodes a position of a listing in `order` as an opaque, URL-safe cursor. */
export function encodeOrderedCursor(order: ListOrder, position: OrderedPosition): string {
  return Buffer.from(JSON.stringify([order, position.at, position.seq, position.id]), 'utf8').toString('base64url');
}

/**
 * Decodes a cursor from `encodeOrderedCursor`; throws `InvalidOptionsError` for anything else,
 * including a cursor of the same listing in the other order.
 */
export function decodeOrderedCursor(cursor: unknown, order: ListOrder): OrderedPosition {
  let parsed: unknown;
  try {
    parsed = typeof cursor === 'string' ? JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) : undefined;
  } catch {
    parsed = undefined;
  }
  if (
    !Array.isArray(parsed) ||
    parsed.length !== 4 ||
    parsed[0] !== order ||
    !Number.isFinite(parsed[1]) ||
    !Number.isFinite(parsed[2]) ||
    typeof parsed[3] !== 'string'
  ) {
    throw new InvalidOptionsError('cursor', `is not a cursor returned by this listing in ${order} order`);
  }
  return { at: parsed[1] as number, seq: parsed[2] as number, id: parsed[3] as string };
}

/** Checks a listing order (`desc` when undefined). */
export function resolveOrder(order: unknown): ListOrder {
  if (order === undefined) return 'desc';
  if (order !== 'asc' && order !== 'desc') throw new InvalidOptionsError('order', "must be 'asc' or 'desc'");
  return order;
}
