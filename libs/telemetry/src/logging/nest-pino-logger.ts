import type { LoggerService } from '@nestjs/common';
import type { WarrenLogger } from './warren-logger';

type Level = 'trace' | 'debug' | 'info' | 'warn' | 'error' | 'fatal';

/**
 * Nest's own start-up chatter (a line per module, per controller and per route: about forty on the
 * gateway), written at debug instead of info.
 */
const CHATTY_CONTEXTS: ReadonlySet<string> = new Set([
  'InstanceLoader',
  'RoutesResolver',
  'RouterExplorer',
  'NestFactory',
  'NestMicroservice',
  'NestApplication',
]);

/**
 * Nest's `LoggerService` on Warren's pino logger, so `new Logger('Gateway').warn(…)` in a Nest app
 * writes the same structured lines as the runtime: the Nest context as `context`, an object
 * message as fields, an error's stack under `err`. Nest's `log` is pino's `info`, `verbose` its `trace`.
 */
export class NestPinoLogger implements LoggerService {
  constructor(private readonly logger: WarrenLogger) {}

  log(message: unknown, ...params: unknown[]): void {
    this.write('info', message, params);
  }

  error(message: unknown, ...params: unknown[]): void {
    this.write('error', message, params, true);
  }

  warn(message: unknown, ...params: unknown[]): void {
    this.write('warn', message, params);
  }

  debug(message: unknown, ...params: unknown[]): void {
    this.write('debug', message, params);
  }

  verbose(message: unknown, ...params: unknown[]): void {
    this.write('trace', message, params);
  }

  fatal(message: unknown, ...params: unknown[]): void {
    this.write('fatal', message, params, true);
  }

  private write(level: Level, message: unknown, params: unknown[], withStack = false): void {
    // Nest's Logger appends its context as the last parameter; `error` may carry a stack before it.
    const rest = [...params];
    const context = rest.length > 0 && typeof rest[rest.length - 1] === 'string' ? (rest.pop() as string) : undefined;
    const stack = withStack && typeof rest[0] === 'string' ? (rest.shift() as string) : undefined;
    const effective: Level = level === 'info' && context !== undefined && CHATTY_CONTEXTS.has(context) ? 'debug' : level;
    const fields: Record<string, unknown> = context === undefined ? {} : { context };
    if (message instanceof Error) {
      this.logger[effective]({ ...fields, err: message }, message.message);
    } else if (message !== null && typeof message === 'object') {
      const { msg, message: text, ...more } = message as Record<string, unknown>;
      this.logger[effective]({ ...fields, ...more }, String(msg ?? text ?? ''));
    } else {
      if (stack !== undefined) fields.stack = stack;
      this.logger[effective](fields, String(message));
    }
  }
}
