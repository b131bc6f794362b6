import { DocumentTooLargeError, StoreUnavailableError, WarrenError } from '@warren/contracts';
import {
  MongoError,
  MongoInvalidArgumentError,
  MongoNetworkError,
  MongoNotConnectedError,
  MongoServerError,
  MongoServerSelectionError,
  MongoTopologyClosedError,
  MongoWriteConcernError,
} from 'mongodb';
import { MONGO_MAX_DOCUMENT_BYTES } from '../store-options';

/** Server codes for "document too large" (BSONObjectTooLarge, and the update-result variants). */
const TOO_LARGE_CODES: ReadonlySet<number> = new Set([10334, 17419, 17420]);

/** True for a duplicate-key error (E11000), including a bulk write where every failure is one. */
export function isDuplicateKey(error: unknown): boolean {
  if (!(error instanceof MongoServerError)) return false;
  const writeErrors: unknown = (error as { writeErrors?: unknown }).writeErrors;
  if (Array.isArray(writeErrors) && writeErrors.length > 0) {
    return writeErrors.every((e) => (e as { code?: unknown }).code === 11000);
  }
  return error.code === 11000;
}

/**
 * Maps a driver error to a Warren error: network, server selection, closed client and write
 * concern failures become retryable `StoreUnavailableError`; "too large" becomes
 * `DocumentTooLargeError` (size unknown: reported as just over the hard limit). Warren errors pass through.
 */
export function toStoreError(operation: string, collection: string, error: unknown): Error {
  if (error instanceof WarrenError) return error;
  const message = error instanceof Error ? error.message : String(error);
  if (
    (error instanceof MongoServerError && typeof error.code === 'number' && TOO_LARGE_CODES.has(error.code)) ||
    (error instanceof MongoInvalidArgumentError && /larger than the maximum size/.test(message))
  ) {
    return new DocumentTooLargeError(collection, MONGO_MAX_DOCUMENT_BYTES + 1, MONGO_MAX_DOCUMENT_BYTES);
  }
  const transient =
    error instanceof MongoNetworkError ||
    error instanceof MongoServerSelectionError ||
    error instanceof MongoWriteConcernError ||
    (error instanceof MongoError && (error.hasErrorLabel('RetryableWriteError') || error.hasErrorLabel('ResetPool')));
  if (error instanceof MongoNotConnectedError || error instanceof MongoTopologyClosedError) {
    return new StoreUnavailableError(`mongo ${operation} failed: the store is closed`, { cause: error, retryable: false });
  }
  return new StoreUnavailableError(`mongo ${operation} on ${collection} failed: ${message}`, { cause: error, retryable: transient });
}

/** Runs a driver call and maps its failure with `toStoreError`. */
export async function mongoCall<T>(operation: string, collection: string, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    throw toStoreError(operation, collection, error);
  }
}
