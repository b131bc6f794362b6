import { InvalidOptionsError } from '@warren/contracts';

/** Which adapter backs the store. */
export type StoreKind = 'embedded' | 'mongo';

/** Store options as written in configuration; every key is optional. */
export interface StoreOptions {
  /** Adapter. @default 'mongo' when `mongoUrl` is set, else 'embedded' */
  kind?: StoreKind;
  /** MongoDB connection string (`MONGO_URL`); ignored by the embedded adapter. @default undefined */
  mongoUrl?: string;
  /** Database name. @default the database in `mongoUrl`, else 'warren' */
  mongoDatabase?: string;
  /** Directory of the embedded store (`WARREN_DATA_DIR`); created when missing. @default './.warren-data' */
  dataDir?: string;
  /** Processed message ids remembered per actor for redelivery detection. @default 256 */
  processedWindow?: number;
  /** Largest document accepted (UTF-8 JSON bytes); MongoDB's own hard limit is 16 MiB. @default 1048576 */
  maxDocumentBytes?: number;
  /** Embedded: how long a write waits for another process's lock before failing. @default 5000 */
  busyTimeoutMs?: number;
  /** MongoDB: how long to look for a usable server. @default 5000 */
  serverSelectionTimeoutMs?: number;
  /** MongoDB: TCP connect timeout. @default 10000 */
  connectTimeoutMs?: number;
  /** MongoDB: socket inactivity timeout. @default 30000 */
  socketTimeoutMs?: number;
  /** MongoDB: how long a majority write may wait for replication (`wtimeoutMS`). @default 10000 */
  writeTimeoutMs?: number;
  /** MongoDB: connections per server. @default 20 */
  maxPoolSize?: number;
}

/** Fully resolved options: what the adapters receive. */
export interface ResolvedStoreOptions {
  readonly kind: StoreKind;
  readonly mongoUrl: string | undefined;
  readonly mongoDatabase: string;
  readonly dataDir: string;
  readonly processedWindow: number;
  readonly maxDocumentBytes: number;
  readonly busyTimeoutMs: number;
  readonly serverSelectionTimeoutMs: number;
  readonly connectTimeoutMs: number;
  readonly socketTimeoutMs: number;
  readonly writeTimeoutMs: number;
  readonly maxPoolSize: number;
}

/** MongoDB refuses documents above 16 MiB whatever the configuration says. */
export const MONGO_MAX_DOCUMENT_BYTES = 16 * 1024 * 1024;

/** Defaults of every option that has one. */
export const STORE_DEFAULTS = Object.freeze({
  dataDir: './.warren-data',
  mongoDatabase: 'warren',
  processedWindow: 256,
  maxDocumentBytes: 1024 * 1024,
  busyTimeoutMs: 5_000,
  serverSelectionTimeoutMs: 5_000,
  connectTimeoutMs: 10_000,
  socketTimeoutMs: 30_000,
  writeTimeoutMs: 10_000,
  maxPoolSize: 20,
});

type IntegerKey = Exclude<keyof typeof STORE_DEFAULTS, 'dataDir' | 'mongoDatabase'>;

/** Inclusive ranges of the numeric options. */
const RANGES: Readonly<Record<IntegerKey, readonly [number, number]>> = {
  processedWindow: [1, 100_000],
  maxDocumentBytes: [1024, MONGO_MAX_DOCUMENT_BYTES],
  busyTimeoutMs: [0, 600_000],
  serverSelectionTimeoutMs: [1, 600_000],
  connectTimeoutMs: [1, 600_000],
  socketTimeoutMs: [0, 3_600_000],
  writeTimeoutMs: [0, 600_000],
  maxPoolSize: [1, 1_000],
};

const KNOWN_KEYS: ReadonlySet<string> = new Set(['kind', 'mongoUrl', 'mongoDatabase', 'dataDir', ...Object.keys(RANGES)]);

/**
 * Validates raw store options (from configuration) and fills in the defaults.
 * Throws `InvalidOptionsError` naming the key for unknown keys, wrong types and out-of-range values.
 */
export function resolveStoreOptions(raw: StoreOptions = {}): ResolvedStoreOptions {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    throw new InvalidOptionsError('store', 'options must be an object');
  }
  for (const key of Object.keys(raw)) {
    if (!KNOWN_KEYS.has(key)) throw new InvalidOptionsError(key, 'unknown store option');
  }
  const mongoUrl = optionalString(raw, 'mongoUrl');
  if (mongoUrl !== undefined && !/^mongodb(\+srv)?:\/\//.test(mongoUrl)) {
    throw new InvalidOptionsError('mongoUrl', 'must start with mongodb:// or mongodb+srv://');
  }
  const kind = raw.kind ?? (mongoUrl === undefined ? 'embedded' : 'mongo');
  if (kind !== 'embedded' && kind !== 'mongo') throw new InvalidOptionsError('kind', 'must be "embedded" or "mongo"');
  if (kind === 'mongo' && mongoUrl === undefined) throw new InvalidOptionsError('mongoUrl', 'is required when kind is "mongo"');
  const mongoDatabase = optionalString(raw, 'mongoDatabase') ?? databaseFromUrl(mongoUrl) ?? STORE_DEFAULTS.mongoDatabase;
  if (!/^[^/\\. "$*<>:|?\0]{1,63}$/.test(mongoDatabase)) {
    throw new InvalidOptionsError('mongoDatabase', `"${mongoDatabase}" is not a valid MongoDB database name`);
  }
  return {
    kind,
    mongoUrl,
    mongoDatabase,
    dataDir: optionalString(raw, 'dataDir') ?? STORE_DEFAULTS.dataDir,
    processedWindow: integer(raw, 'processedWindow'),
    maxDocumentBytes: integer(raw, 'maxDocumentBytes'),
    busyTimeoutMs: integer(raw, 'busyTimeoutMs'),
    serverSelectionTimeoutMs: integer(raw, 'serverSelectionTimeoutMs'),
    connectTimeoutMs: integer(raw, 'connectTimeoutMs'),
    socketTimeoutMs: integer(raw, 'socketTimeoutMs'),
    writeTimeoutMs: integer(raw, 'writeTimeoutMs'),
    maxPoolSize: integer(raw, 'maxPoolSize'),
  };
}

/**
 * Raw store options from the environment: `MONGO_URL` and `WARREN_DATA_DIR`.
 * An empty variable counts as unset (shells and compose files often export `MONGO_URL=`).
 */
export function storeOptionsFromEnv(env: NodeJS.ProcessEnv = process.env): StoreOptions {
  const options: StoreOptions = {};
  const mongoUrl = env.MONGO_URL?.trim();
  const dataDir = env.WARREN_DATA_DIR?.trim();
  if (mongoUrl) options.mongoUrl = mongoUrl;
  if (dataDir) options.dataDir = dataDir;
  return options;
}

/** The database named in the path of a MongoDB URL (`mongodb://h1,h2/db?x=1` → `db`), if any. */
export function databaseFromUrl(url: string | undefined): string | undefined {
  const match = url === undefined ? null : /^mongodb(?:\+srv)?:\/\/[^/]*\/([^?]+)/.exec(url);
  return match ? decodeURIComponent(match[1]) : undefined;
}

function optionalString(raw: StoreOptions, key: 'mongoUrl' | 'mongoDatabase' | 'dataDir'): string | undefined {
  const value: unknown = raw[key];
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || value.trim() === '') throw new InvalidOptionsError(key, 'must be a non-empty string');
  return value;
}

function integer(raw: StoreOptions, key: IntegerKey): number {
  const value: unknown = raw[key] ?? STORE_DEFAULTS[key];
  const [min, max] = RANGES[key];
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw new InvalidOptionsError(key, `must be an integer from ${min} to ${max}`);
  }
  return value;
}
