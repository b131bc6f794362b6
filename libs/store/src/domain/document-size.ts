import { DocumentTooLargeError } from '@warren/contracts';

/** JSON text of a value; `null` for `undefined` (an absent field). */
export function toJson(value: unknown): string | null {
  return value === undefined ? null : JSON.stringify(value);
}

/** Parses what `toJson` wrote. */
export function fromJson<T>(text: string | null | undefined): T | undefined {
  return text === null || text === undefined ? undefined : (JSON.parse(text) as T);
}

/** UTF-8 size of JSON texts (null counts as nothing). */
export function jsonBytes(...texts: Array<string | null>): number {
  let bytes = 0;
  for (const text of texts) if (text !== null) bytes += Buffer.byteLength(text, 'utf8');
  return bytes;
}

/**
 * Throws `DocumentTooLargeError` when `bytes` exceeds `limit`. Sizes are measured as UTF-8 JSON
 * by both adapters, so a document is accepted or refused the same way whichever store runs.
 */
export function assertDocumentSize(collection: string, bytes: number, limit: number): void {
  if (bytes > limit) throw new DocumentTooLargeError(collection, bytes, limit);
}
