import { randomUUID } from 'node:crypto';
import { runStoreContract } from '../contract/store.contract';
import { createStore } from '../create-store';
import { resolveStoreOptions, type StoreOptions, storeOptionsFromEnv } from '../store-options';
import { MongoStore } from './mongo-store';

const MONGO_URL = storeOptionsFromEnv().mongoUrl;

if (MONGO_URL === undefined) {
  process.stdout.write(
    '[libs/store] MongoDB store contract SKIPPED: MONGO_URL is not set (no MongoDB server can be installed on this ' +
      'machine; docker-compose.yml provides one: MONGO_URL=mongodb://localhost:27017/warren?directConnection=true).\n',
  );
}

// describe.skip when there is no server: jest reports the contract as skipped, not passed.
(MONGO_URL === undefined ? describe.skip : describe)('MongoStore against MONGO_URL', () => {
  runStoreContract('mongo', async () => {
    const base: StoreOptions = { kind: 'mongo', mongoUrl: MONGO_URL, mongoDatabase: `warren_test_${randomUUID().slice(0, 8)}` };
    return {
      open: async (overrides?: StoreOptions) => createStore({ ...base, ...overrides }),
      destroy: async () => {
        const store = new MongoStore(resolveStoreOptions(base));
        try {
          await store.dropDatabase();
        } finally {
          await store.close();
        }
      },
    };
  });
});
