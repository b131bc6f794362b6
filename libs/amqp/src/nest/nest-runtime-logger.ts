import { Logger } from '@nestjs/common';
import type { RuntimeLogger } from '@warren/actors';
import { rootLogger } from '@warren/telemetry';

/**
 * The runtime's structured logger (fields first, message second) under `context`: the app's pino
 * logger when its main installed one (`runWarrenApp`: every field kept, JSON lines), else Nest's
 * Logger with the fields as JSON after the message (apps and tests built without `runWarrenApp`).
 */
export function nestRuntimeLogger(context = 'Warren'): RuntimeLogger {
  const root = rootLogger();
  if (root) {
    const pino = root.child({ context });
    return {
      debug: (obj, msg) => pino.debug(obj, msg),
      info: (obj, msg) => pino.info(obj, msg),
      warn: (obj, msg) => pino.warn(obj, msg),
      error: (obj, msg) => pino.error(obj, msg),
    };
  }
  const logger = new Logger(context);
  const fmt = (obj: object, msg?: string) => `${msg ?? ''} ${JSON.stringify(obj, errorReplacer)}`.trim();
  return {
    debug: (obj, msg) => logger.debug(fmt(obj, msg)),
    info: (obj, msg) => logger.log(fmt(obj, msg)),
    warn: (obj, msg) => logger.warn(fmt(obj, msg)),
    error: (obj, msg) => logger.error(fmt(obj, msg)),
  };
}

function errorReplacer(_key: string, value: unknown): unknown {
  if (value instanceof Error) return { name: value.name, message: value.message, code: (value as { code?: unknown }).code };
  return value;
}
