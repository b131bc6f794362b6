import { Logger } from '@nestjs/common';
import type { RuntimeLogger } from '@warren/actors';

/** Adapts Nest's Logger to the runtime's structured logger (object first, message second). */
export function nestRuntimeLogger(context = 'Warren'): RuntimeLogger {
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
