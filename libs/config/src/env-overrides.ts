import { toPlain } from './validation/to-plain';

/** Environment variables as `process.env` holds them. */
export type ConfigEnv = Readonly<Record<string, string | undefined>>;

/** Documented environment variables and the setting each one overrides. */
export const CONFIG_ENV_VARS = Object.freeze({
  AMQP_URL: 'amqp.url',
  MONGO_URL: 'store.mongoUrl',
  WARREN_DATA_DIR: 'store.dataDir',
  PORT: 'gateway.port',
  LOG_LEVEL: 'log.level',
  LOG_FORMAT: 'log.format',
} as const);

/** Prefix of the generic form `WARREN__SECTION__KEY=value`. */
export const GENERIC_ENV_PREFIX = 'WARREN__';

/** Documented variables whose value is a number, not a string. */
const NUMERIC_ENV_VARS: ReadonlySet<string> = new Set(['PORT']);

/** One setting taken from the environment. */
export interface EnvOverride {
  /** Dotted path, e.g. `amqp.shardCount`. */
  path: string;
  value: unknown;
  /** The variable's name, for error messages. */
  variable: string;
}

/**
 * Settings the environment overrides, in the order they apply: the documented names first,
 * then the generic `WARREN__SECTION__KEY` form (so the explicit generic form wins).
 * Empty values are ignored: `MONGO_URL=` means unset.
 */
export function readEnvOverrides(env: ConfigEnv): EnvOverride[] {
  const out: EnvOverride[] = [];
  for (const [variable, path] of Object.entries(CONFIG_ENV_VARS)) {
    const text = env[variable];
    if (text === undefined || text === '') continue;
    out.push({ path, variable, value: NUMERIC_ENV_VARS.has(variable) ? parseJsonOrString(text) : text });
  }
  const generic = Object.keys(env)
    .filter((name) => name.startsWith(GENERIC_ENV_PREFIX) && name.length > GENERIC_ENV_PREFIX.length)
    .sort();
  for (const variable of generic) {
    const text = env[variable];
    if (text === undefined || text === '') continue;
    const path = variable.slice(GENERIC_ENV_PREFIX.length).split('__').map(toCamelCase).join('.');
    out.push({ path, variable, value: parseJsonOrString(text) });
  }
  return out;
}

/**
 * Writes overrides into a copy of `raw` (a parsed config file), creating sections as needed.
 * Returns the merged object and, per overridden path, the variable that set it.
 */
export function applyEnvOverrides(
  raw: Record<string, unknown>,
  overrides: readonly EnvOverride[],
): { merged: Record<string, unknown>; origins: Map<string, string> } {
  const merged = toPlain(raw);
  const origins = new Map<string, string>();
  for (const { path, value, variable } of overrides) {
    const keys = path.split('.');
    const last = keys.pop() as string;
    let node = merged;
    for (const key of keys) {
      const next = node[key];
      if (typeof next !== 'object' || next === null || Array.isArray(next)) setOwn(node, key, {});
      node = node[key] as Record<string, unknown>;
    }
    setOwn(node, last, value);
    origins.set(path, variable);
  }
  return { merged, origins };
}

/** `SHARD_COUNT` → `shardCount`; a segment with lower-case letters is kept as written. */
export function toCamelCase(segment: string): string {
  if (/[a-z]/.test(segment)) return segment;
  return segment.toLowerCase().replace(/_+([a-z0-9])/g, (_m, c: string) => c.toUpperCase());
}

// An own property even for `__proto__`, so validation sees (and refuses) the key.
function setOwn(node: Record<string, unknown>, key: string, value: unknown): void {
  Object.defineProperty(node, key, { value, writable: true, enumerable: true, configurable: true });
}

function parseJsonOrString(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}
