import { InvalidOptionsError } from '@warren/contracts';
import { databaseFromUrl, resolveStoreOptions, STORE_DEFAULTS, storeOptionsFromEnv } from './store-options';

describe('resolveStoreOptions()', () => {
  it('resolveStoreOptions() defaults to the embedded store in ./.warren-data', () => {
    expect(resolveStoreOptions()).toEqual({ kind: 'embedded', mongoUrl: undefined, ...STORE_DEFAULTS });
  });

  it('resolveStoreOptions() picks mongo when mongoUrl is set, and the database from the URL', () => {
    expect(resolveStoreOptions({ mongoUrl: 'mongodb+srv://u:p@cluster/app?retryWrites=true' })).toMatchObject({
      kind: 'mongo',
      mongoDatabase: 'app',
    });
    expect(resolveStoreOptions({ mongoUrl: 'mongodb://localhost:27017' }).mongoDatabase).toBe('warren');
    expect(resolveStoreOptions({ mongoUrl: 'mongodb://localhost', mongoDatabase: 'other' }).mongoDatabase).toBe('other');
    expect(resolveStoreOptions({ kind: 'embedded', mongoUrl: 'mongodb://localhost' }).kind).toBe('embedded');
  });

  it('resolveStoreOptions() keeps a deliberate 0 where 0 is allowed', () => {
    expect(resolveStoreOptions({ busyTimeoutMs: 0, socketTimeoutMs: 0 })).toMatchObject({ busyTimeoutMs: 0, socketTimeoutMs: 0 });
  });

  it.each([
    [{ colour: 'blue' }, 'colour'],
    [{ kind: 'redis' }, 'kind'],
    [{ kind: 'mongo' }, 'mongoUrl'],
    [{ mongoUrl: 'http://x' }, 'mongoUrl'],
    [{ mongoUrl: '' }, 'mongoUrl'],
    [{ dataDir: '' }, 'dataDir'],
    [{ processedWindow: 0 }, 'processedWindow'],
    [{ processedWindow: 2.5 }, 'processedWindow'],
    [{ maxDocumentBytes: 17 * 1024 * 1024 }, 'maxDocumentBytes'],
    [{ busyTimeoutMs: '100' }, 'busyTimeoutMs'],
    [{ mongoUrl: 'mongodb://h', mongoDatabase: 'a.b' }, 'mongoDatabase'],
  ])('resolveStoreOptions(%p) throws InvalidOptionsError naming %s', (raw, key) => {
    expect(() => resolveStoreOptions(raw as never)).toThrow(InvalidOptionsError);
    try {
      resolveStoreOptions(raw as never);
    } catch (error) {
      expect(error).toMatchObject({ key, code: 'WARREN_INVALID_OPTIONS' });
    }
  });

  it('storeOptionsFromEnv() reads MONGO_URL and WARREN_DATA_DIR, treating empty values as unset', () => {
    expect(storeOptionsFromEnv({ MONGO_URL: 'mongodb://h/db', WARREN_DATA_DIR: '/var/warren' })).toEqual({
      mongoUrl: 'mongodb://h/db',
      dataDir: '/var/warren',
    });
    expect(storeOptionsFromEnv({ MONGO_URL: '', WARREN_DATA_DIR: ' ' })).toEqual({});
  });

  it('databaseFromUrl() reads the path of single and multi-host URLs', () => {
    expect(databaseFromUrl('mongodb://a:1,b:2/db?replicaSet=rs')).toBe('db');
    expect(databaseFromUrl('mongodb://a/')).toBeUndefined();
    expect(databaseFromUrl(undefined)).toBeUndefined();
  });
});
