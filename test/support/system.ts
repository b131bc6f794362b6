import { createStore, type WarrenStore } from '@warren/store';
import { AppProcess } from './app-process';
import { autoTeardown } from './broker';
import { EventTap } from './event-tap';
import { tempDir } from './runtime';

/** A Warren app in a child process, a raw-AMQP client on its vhost, and its store opened here too. */
export interface TestSystem {
  app: AppProcess;
  tap: EventTap;
  store: WarrenStore;
  dataDir: string;
}

/**
 * Starts `app` from compiled output on `url` (4 shards, a fast local model unless `env` says
 * otherwise), then opens an `EventTap` and the same embedded store (SQLite in WAL mode is shared
 * across processes). Everything is torn down before the test file's vhost goes.
 */
export async function startSystem(app: 'runtime' | 'warren', url: string, env: Record<string, string> = {}): Promise<TestSystem> {
  const dataDir = tempDir(app);
  const process = autoTeardown(
    new AppProcess(app, {
      AMQP_URL: url,
      WARREN_DATA_DIR: dataDir,
      WARREN__AMQP__SHARD_COUNT: '4',
      WARREN__MODELS__LOCAL__LATENCY_MS: '2',
      WARREN__MODELS__LOCAL__PER_DELTA_MS: '1',
      ...env,
    }),
  );
  await process.whenReady();
  const tap = autoTeardown(await EventTap.open(url));
  const store = createStore({ dataDir });
  await store.init();
  autoTeardown({ close: () => store.close() });
  return { app: process, tap, store, dataDir };
}
