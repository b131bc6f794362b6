import { hostname } from 'node:os';
import { InvalidOptionsError, WARREN_ERROR_CODES } from '@warren/contracts';
import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import { type ConfigViolation, flattenViolations } from './validation/config-violations';
import { toPlain } from './validation/to-plain';
import { CONFIG_SECTIONS, type WarrenConfig, WarrenConfigSchema } from './warren-config.schema';

/** Where the raw configuration came from, so errors point at the right place. */
export interface ConfigSource {
  /** The config file, as shown in errors (relative to cwd when inside it). */
  file?: string;
  /** Dotted paths set from environment variables, with the variable's name. */
  envOrigins?: ReadonlyMap<string, string>;
}

const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

/**
 * Applies defaults to raw configuration (a parsed file with overrides), validates it and
 * returns it frozen. A `null` value means "use the default".
 * @throws InvalidOptionsError (`WARREN_INVALID_CONFIG`) naming the full key path and the source.
 */
export function resolveWarrenConfig(raw: unknown, source: ConfigSource = {}): WarrenConfig {
  const plain = raw === null || raw === undefined ? {} : raw;
  if (!isPlainObject(plain)) {
    throw configError([{ path: 'config', reason: `must be a mapping of sections (${Object.keys(CONFIG_SECTIONS).join(', ')})` }], source);
  }
  const cleaned = withoutNulls(plain, '', source);
  const instance = plainToInstance(WarrenConfigSchema, cleaned);
  const errors = validateSync(instance, {
    whitelist: true,
    forbidNonWhitelisted: true,
    forbidUnknownValues: true,
    validationError: { target: true, value: true },
  });
  if (errors.length > 0) throw configError(flattenViolations(errors), source);

  const resolved = toPlain(instance) as unknown as Mutable<WarrenConfig>;
  resolved.runtime = { ...resolved.runtime, nodeId: instance.runtime.nodeId ?? defaultNodeId() };
  return deepFreeze(resolved) as WarrenConfig;
}

/** `<hostname>-<pid>`: unique per process on a machine, readable in logs. */
export function defaultNodeId(): string {
  const host = hostname().replace(/[^\w.:-]/g, '_') || 'node';
  return `${host}-${process.pid}`.slice(0, 128);
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

function configError(violations: readonly ConfigViolation[], source: ConfigSource): InvalidOptionsError {
  const described = violations.map((v) => ({ ...v, reason: `${v.reason} ${whence(v.path, source)}` }));
  const [first, ...rest] = described;
  const more = rest.map((v) => `; ${v.path}: ${v.reason}`).join('');
  return new InvalidOptionsError(first.path, `${first.reason}${more}`, WARREN_ERROR_CODES.INVALID_CONFIG);
}

function whence(path: string, source: ConfigSource): string {
  const file = source.file ?? '(no file)';
  let env: string | undefined;
  for (const [prefix, name] of source.envOrigins ?? []) {
    if (path === prefix || path.startsWith(`${prefix}.`)) env = name;
  }
  return env === undefined ? `in ${file}` : `from env ${env} (config file ${file})`;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

// Removes null values from mappings (arrays are left whole) and refuses keys that
// would reach an object's prototype when class-transformer copies them.
function withoutNulls(value: Record<string, unknown>, parent: string, source: ConfigSource): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, child] of Object.entries(value)) {
    const path = parent ? `${parent}.${key}` : key;
    if (FORBIDDEN_KEYS.has(key)) throw configError([{ path, reason: 'unknown key' }], source);
    if (child === null || child === undefined) continue;
    out[key] = isPlainObject(child) ? withoutNulls(child, path, source) : child;
  }
  return out;
}

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null) {
    for (const child of Object.values(value)) deepFreeze(child);
    Object.freeze(value);
  }
  return value;
}
