import type { RuntimeLogger } from '@warren/actors';

/**
 * The transport's logger when none is given: warnings and errors to stderr (a lost connection must
 * never go unseen), nothing else. Nest apps pass Nest's logger instead (`WarrenModule`).
 */
export const WARNINGS_TO_CONSOLE: RuntimeLogger = Object.freeze({
  debug: () => undefined,
  info: () => undefined,
  warn: (obj: object, msg?: string) => console.warn(`warren: ${msg ?? ''} ${JSON.stringify(obj)}`),
  error: (obj: object, msg?: string) => console.error(`warren: ${msg ?? ''} ${JSON.stringify(obj)}`),
});
