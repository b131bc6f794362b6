import { readFileSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { EmbeddedStoreElsewhereError } from '@warren/contracts';

/** File in the data directory naming the machine that uses the embedded store. */
export const HOST_MARKER_FILE = 'host';

/**
 * The identity of this machine for the marker: `WARREN_HOST_ID` when set (containers of one machine
 * sharing one data volume have different host names: give them the same id), else the host name.
 */
export function thisHost(env: NodeJS.ProcessEnv = process.env): string {
  return env.WARREN_HOST_ID?.trim() || hostname();
}

/**
 * The embedded store is one machine's: SQLite over a network file system neither locks nor syncs
 * safely, and runtimes on several machines need MongoDB. The first process to open `dir` writes
 * its host into `<dir>/host`; a process on another host refuses to start on it.
 */
export function claimHost(dir: string, host = thisHost()): void {
  const file = join(dir, HOST_MARKER_FILE);
  let marked: string | undefined;
  try {
    marked = readFileSync(file, 'utf8').trim();
  } catch {
    marked = undefined;
  }
  if (marked && marked !== host) throw new EmbeddedStoreElsewhereError(dir, marked, host);
  if (!marked) writeFileSync(file, `${host}\n`);
}
