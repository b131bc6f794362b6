import type { Command } from 'commander';
import { UsageError } from './cli-errors';

/** The admin API's filter fields. */
export interface DeadLetterFilter {
  status?: 'open' | 'replayed' | 'discarded';
  errorCode?: string;
  errorClass?: string;
  actorType?: string;
  address?: string;
  from?: string;
  to?: string;
  text?: string;
}

/** Adds the filter flags (`--status --code --class --type --address --from --to --text`) to a command. */
export function withFilterOptions(cmd: Command): Command {
  return cmd
    .option('--status <status>', 'open, replayed or discarded')
    .option('--code <code>', 'error code, e.g. WARREN_HANDLER_FAILED')
    .option('--class <class>', 'error class, e.g. TypeError')
    .option('--type <actorType>', 'actor type, e.g. session')
    .option('--address <address>', 'actor address, e.g. session/dev~s1')
    .option('--from <time>', 'dead-lettered at or after (ISO 8601, e.g. 2026-05-03T10:00:00Z)')
    .option('--to <time>', 'dead-lettered before (ISO 8601)')
    .option('--text <text>', 'text in the error message (case-insensitive)');
}

const STATUSES: readonly string[] = ['open', 'replayed', 'discarded'];

/** The filter of the parsed flags, checked; undefined fields are left out. */
export function filterOf(opts: Record<string, unknown>): DeadLetterFilter {
  const f: DeadLetterFilter = {};
  const str = (name: string): string | undefined => (typeof opts[name] === 'string' ? (opts[name] as string) : undefined);
  const status = str('status');
  if (status !== undefined) {
    if (!STATUSES.includes(status)) throw new UsageError(`--status must be one of ${STATUSES.join(', ')} (got ${status})`);
    f.status = status as DeadLetterFilter['status'];
  }
  for (const [flag, field] of [
    ['code', 'errorCode'],
    ['class', 'errorClass'],
    ['type', 'actorType'],
    ['address', 'address'],
    ['text', 'text'],
  ] as const) {
    const v = str(flag);
    if (v !== undefined) f[field] = v;
  }
  for (const flag of ['from', 'to'] as const) {
    const v = str(flag);
    if (v === undefined) continue;
    const at = new Date(v);
    if (Number.isNaN(at.getTime())) throw new UsageError(`--${flag} must be a time in ISO 8601, e.g. 2026-05-03T10:00:00Z (got ${v})`);
    f[flag] = at.toISOString();
  }
  return f;
}

/** `value` without its undefined fields (query strings and bodies leave them out). */
export function defined<T extends object>(value: T): { [K in keyof T]: Exclude<T[K], undefined> } {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as { [K in keyof T]: Exclude<T[K], undefined> };
}

/** True when any filter flag was given. */
export function hasFilter(filter: DeadLetterFilter): boolean {
  return Object.keys(filter).length > 0;
}

/** A positive integer flag, or a usage error naming it. */
export function positiveInt(flag: string, value: unknown, max = Number.MAX_SAFE_INTEGER): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > max)
    throw new UsageError(`--${flag} must be a whole number from 1 to ${max} (got ${String(value)})`);
  return n;
}

/** A positive number flag (rates may be fractional), or a usage error naming it. */
export function positiveNumber(flag: string, value: unknown): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) throw new UsageError(`--${flag} must be a number above 0 (got ${String(value)})`);
  return n;
}
