import { InvalidOptionsError } from '@warren/contracts';

/** A position in a listing ordered by time then by a tie-breaking key. */
export interface CursorPosition {
  /** Epoch milliseconds. */
  at: number;
  /** Tie-breaker: a sequence number or an id. */
  key: string | number;
}

/** Encodes a position as an opaque, URL-safe cursor. */
export function encodeCursor(position: CursorPosition): string {
  return Buffer.from(JSON.stringify([position.at, position.key]), 'utf8').toString('base64url');
}

/** Decodes a cursor from `encodeCursor`; throws `InvalidOptionsError` for anything else. */
export function decodeCursor(cursor: string, keyType: 'string' | 'number'): CursorPosition {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    parsed = undefined;
  }
  if (!Array.isArray(parsed) || parsed.length !== 2 || !Number.isFinite(parsed[0]) || typeof parsed[1] !== keyType) {
    throw new InvalidOptionsError('cursor', 'is not a cursor returned by this listing');
  }
  return { at: parsed[0] as number, key: parsed[1] as string | number };
}
