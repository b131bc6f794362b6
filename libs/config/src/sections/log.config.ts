import { IsIn } from 'class-validator';

/** Log levels, most verbose first (pino's names). */
export const LOG_LEVELS = Object.freeze(['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'] as const);

/** One of {@link LOG_LEVELS}. */
export type LogLevel = (typeof LOG_LEVELS)[number];

/** Output formats of the logs: `auto` is pretty on a terminal, JSON otherwise (always JSON in production). */
export const LOG_FORMATS = Object.freeze(['auto', 'json', 'pretty'] as const);

/** One of {@link LOG_FORMATS}. */
export type LogFormat = (typeof LOG_FORMATS)[number];

/** Logging settings (`log:` in the config file). */
export class LogConfig {
  /**
   * Minimum level written. Overridden by `LOG_LEVEL`.
   * @default 'info'
   */
  @IsIn(LOG_LEVELS, { message: `must be one of ${LOG_LEVELS.join(', ')}` })
  level: LogLevel = 'info';

  /**
   * `json` (one object a line), `pretty` (readable, coloured unless `NO_COLOR`), or `auto`: pretty
   * when stdout is a terminal, JSON otherwise. `NODE_ENV=production` always writes JSON. Overridden
   * by `LOG_FORMAT`.
   * @default 'auto'
   */
  @IsIn(LOG_FORMATS, { message: `must be one of ${LOG_FORMATS.join(', ')}` })
  format: LogFormat = 'auto';
}
