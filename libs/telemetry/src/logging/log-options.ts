import { InvalidOptionsError } from '@warren/contracts';

/** Levels of Warren's logs, most verbose first (pino's names). */
export type WarrenLogLevel = 'trace' | 'debug' | 'info' | 'warn' | 'error' | 'fatal' | 'silent';

/** What the logger is asked for (the configuration's `log:` section and the environment). */
export interface LogOptionsInput {
  /** @default 'info' */
  level?: WarrenLogLevel;
  /** `auto`: pretty on a terminal, JSON otherwise. @default 'auto' */
  format?: 'auto' | 'json' | 'pretty';
  /** Written on every line as `node_id`. @default undefined (no field) */
  nodeId?: string;
  /** Written on every line as `app` (`gateway`, `runtime`, …). @default undefined (no field) */
  app?: string;
  /** Environment read for `NODE_ENV`, `LOG_FORMAT` and `NO_COLOR`. @default process.env */
  env?: Readonly<Record<string, string | undefined>>;
  /** Whether stdout is a terminal. @default process.stdout.isTTY */
  isTTY?: boolean;
}

/** The resolved options of the logger. */
export interface LogOptions {
  level: WarrenLogLevel;
  format: 'json' | 'pretty';
  /** ANSI colours in pretty lines. */
  color: boolean;
  nodeId?: string;
  app?: string;
}

const DEFAULTS = Object.freeze({ level: 'info', format: 'auto' } as const);
const LEVELS: ReadonlySet<string> = new Set(['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent']);
const FORMATS: ReadonlySet<string> = new Set(['auto', 'json', 'pretty']);

/**
 * Resolves the logger's options. The format: `NODE_ENV=production` always JSON (a collector reads
 * it; a terminal there is an accident); else `LOG_FORMAT` when set, else the configured one; `auto`
 * is pretty on a terminal and JSON otherwise. Colours only in pretty lines on a terminal, and never
 * with `NO_COLOR` set to anything but the empty string (no-color.org).
 */
export function resolveLogOptions(input: LogOptionsInput = {}): LogOptions {
  const env = input.env ?? process.env;
  const level = input.level ?? DEFAULTS.level;
  if (!LEVELS.has(level)) throw new InvalidOptionsError('log.level', `must be one of ${[...LEVELS].join(', ')} (got ${level})`);
  const asked = env.LOG_FORMAT || (input.format ?? DEFAULTS.format);
  if (!FORMATS.has(asked)) throw new InvalidOptionsError('log.format', `must be one of ${[...FORMATS].join(', ')} (got ${asked})`);
  const isTTY = input.isTTY ?? process.stdout.isTTY === true;
  const format = env.NODE_ENV === 'production' ? 'json' : asked === 'auto' ? (isTTY ? 'pretty' : 'json') : (asked as 'json' | 'pretty');
  const color = format === 'pretty' && isTTY && !env.NO_COLOR;
  return {
    level,
    format,
    color,
    ...(input.nodeId === undefined ? {} : { nodeId: input.nodeId }),
    ...(input.app === undefined ? {} : { app: input.app }),
  };
}
