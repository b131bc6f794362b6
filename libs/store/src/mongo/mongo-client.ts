import type { MongoClientOptions, WriteConcernSettings } from 'mongodb';
import type { ResolvedStoreOptions } from '../store-options';

/**
 * Client options: retryable reads and writes (a save retried after a network error is applied
 * once, the server remembers it), bounded timeouts, and `ignoreUndefined` so an absent field is
 * not stored as null.
 */
export function mongoClientOptions(options: ResolvedStoreOptions): MongoClientOptions {
  return {
    appName: 'warren',
    retryWrites: true,
    retryReads: true,
    ignoreUndefined: true,
    serverSelectionTimeoutMS: options.serverSelectionTimeoutMs,
    connectTimeoutMS: options.connectTimeoutMs,
    socketTimeoutMS: options.socketTimeoutMs,
    maxPoolSize: options.maxPoolSize,
    waitQueueTimeoutMS: options.serverSelectionTimeoutMs,
  };
}

/**
 * Write concern of `actors` and `tasks`: acknowledged by a majority and journaled, so an
 * acknowledged save survives a primary failover (the message is acked only after it).
 */
export function majorityWriteConcern(options: ResolvedStoreOptions): WriteConcernSettings {
  return { w: 'majority', journal: true, wtimeoutMS: options.writeTimeoutMs };
}
