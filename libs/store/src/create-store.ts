import { EmbeddedStore } from './embedded/embedded-store';
import { MongoStore } from './mongo/mongo-store';
import { resolveStoreOptions, type StoreOptions } from './store-options';
import type { WarrenStore } from './warren-store';

/**
 * Creates the store chosen by the options: MongoDB when `mongoUrl` is set (or `kind: 'mongo'`),
 * else the embedded SQLite store in `dataDir`. Call `init()` before use and `close()` at shutdown.
 * Throws `InvalidOptionsError` for bad options and `StoreUnavailableError` when the data
 * directory cannot be opened.
 */
export function createStore(options: StoreOptions = {}): WarrenStore {
  const resolved = resolveStoreOptions(options);
  return resolved.kind === 'mongo' ? new MongoStore(resolved) : new EmbeddedStore(resolved);
}
