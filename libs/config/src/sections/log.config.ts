import { IsIn } from 'class-validator';

/** Log levels, most verbose first (pino's names). */
export const LOG_LEVELS = Object.freeze(['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'] as const);

/** One of {@link LOG_LEVELS}. */
export type LogLevel = (typeof LOG_LEVELS)[number];

/** Logging settings (`log:` in the config file). */
export class LogConfig {
  /**
   * Minimum level written. Overridden by `LOG_LEVEL`.
   * @default 'info'
   */
  @IsIn(LOG_LEVELS, { message: `must be one of ${LOG_LEVELS.join(', ')}` })
  level: LogLevel = 'info';
}
