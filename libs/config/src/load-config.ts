import { existsSync, readFileSync } from 'node:fs';
import { extname, isAbsolute, relative, resolve } from 'node:path';
import { InvalidOptionsError, WARREN_ERROR_CODES } from '@warren/contracts';
import { parse as parseYaml } from 'yaml';
import { applyEnvOverrides, type ConfigEnv, readEnvOverrides } from './env-overrides';
import { resolveWarrenConfig } from './resolve-config';
import type { WarrenConfig } from './warren-config.schema';

/** Options of {@link loadConfig}. */
export interface LoadConfigOptions {
  /**
   * Environment to read `WARREN_CONFIG`, `NODE_ENV` and the overrides from.
   * @default process.env
   */
  env?: ConfigEnv;
  /**
   * Directory a relative `WARREN_CONFIG` is resolved against.
   * @default process.cwd()
   */
  cwd?: string;
}

/** Extensions tried, in order, after the `WARREN_CONFIG` path. */
export const CONFIG_EXTENSIONS = Object.freeze(['.yaml', '.yml', '.json'] as const);

/** Config file (without extension) used when `WARREN_CONFIG` is unset. */
export const DEFAULT_CONFIG_PATH = 'config/default';

/** Config file (without extension) used when `WARREN_CONFIG` is unset and `NODE_ENV=production`. */
export const PRODUCTION_CONFIG_PATH = 'config/production';

/**
 * Loads the configuration every app starts with: the file named by `WARREN_CONFIG`
 * (`config/default`, or `config/production` when `NODE_ENV=production`; `.yaml`, `.yml`
 * or `.json`), then environment overrides (`AMQP_URL`, `MONGO_URL`, `WARREN_DATA_DIR`,
 * `PORT`, `LOG_LEVEL`, and `WARREN__SECTION__KEY=value`), then defaults and validation.
 * @throws InvalidOptionsError (`WARREN_INVALID_CONFIG`) when the file is missing or unreadable,
 *   or a setting is invalid; the message names the key path and the file.
 */
export function loadConfig(options: LoadConfigOptions = {}): WarrenConfig {
  const env = options.env ?? process.env;
  const cwd = options.cwd ?? process.cwd();
  const file = findConfigFile(env, cwd);
  const shown = showPath(file, cwd);
  const raw = readConfigFile(file, shown);
  const { merged, origins } = applyEnvOverrides(raw, readEnvOverrides(env));
  return resolveWarrenConfig(merged, { file: shown, envOrigins: origins });
}

/** The config file `loadConfig` reads for this environment, as an absolute path. */
export function findConfigFile(env: ConfigEnv, cwd: string): string {
  // An empty WARREN_CONFIG counts as unset, like the other variables.
  const configured = env.WARREN_CONFIG === '' ? undefined : env.WARREN_CONFIG;
  const base = configured ?? (env.NODE_ENV === 'production' ? PRODUCTION_CONFIG_PATH : DEFAULT_CONFIG_PATH);
  const absolute = resolve(cwd, base);
  // A path that already names a file with a known extension is taken as is.
  const candidates = (CONFIG_EXTENSIONS as readonly string[]).includes(extname(absolute))
    ? [absolute]
    : CONFIG_EXTENSIONS.map((ext) => `${absolute}${ext}`);
  const found = candidates.find((candidate) => existsSync(candidate));
  if (found !== undefined) return found;
  const key = configured === undefined ? 'config' : 'WARREN_CONFIG';
  const tried = candidates.map((c) => showPath(c, cwd)).join(', ');
  throw new InvalidOptionsError(key, `no config file found (tried ${tried})`, WARREN_ERROR_CODES.INVALID_CONFIG);
}

function readConfigFile(file: string, shown: string): Record<string, unknown> {
  let parsed: unknown;
  try {
    const text = readFileSync(file, 'utf8');
    parsed = extname(file) === '.json' ? JSON.parse(text) : parseYaml(text);
  } catch (cause) {
    const reason = cause instanceof Error ? cause.message.split('\n')[0] : String(cause);
    throw new InvalidOptionsError(shown, `cannot read config file: ${reason}`, WARREN_ERROR_CODES.INVALID_CONFIG);
  }
  if (parsed === null || parsed === undefined) return {};
  if (typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new InvalidOptionsError(shown, 'a config file must hold a mapping of sections', WARREN_ERROR_CODES.INVALID_CONFIG);
  }
  return parsed as Record<string, unknown>;
}

// Relative to cwd when inside it, so messages read `config/default.yaml`.
function showPath(file: string, cwd: string): string {
  const rel = relative(cwd, file);
  return rel && !rel.startsWith('..') && !isAbsolute(rel) ? rel : file;
}
