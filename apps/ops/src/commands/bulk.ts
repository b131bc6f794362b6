import type { Skipped } from '../admin-types';
import type { CliContext } from '../cli-context';
import { UsageError } from '../cli-errors';
import { type DeadLetterFilter, hasFilter } from '../filter-options';

/** Most ids one admin call takes. */
export const BATCH = 1000;

/** What a bulk command works on: ids, or a filter (`--all`: every record). */
export type Target = { ids: string[] } | { filter: DeadLetterFilter };

/** Ids or filter flags (or `--all`), not both and not neither. */
export function targetOf(ids: string[], filter: DeadLetterFilter, all: boolean, command: string): Target {
  if (ids.length > 0 && (hasFilter(filter) || all)) throw new UsageError(`${command}: give ids or filter flags, not both`);
  if (ids.length > 0) return { ids };
  if (!hasFilter(filter) && !all) throw new UsageError(`${command}: give ids, filter flags (--code, --type, …) or --all`);
  return { filter };
}

/** Splits ids into batches the API takes. */
export function batches(ids: string[]): string[][] {
  const out: string[][] = [];
  for (let i = 0; i < ids.length; i += BATCH) out.push(ids.slice(i, i + BATCH));
  return out;
}

/** Failures (as opposed to records left alone on purpose) make the exit code 1. */
export function isFailure(s: Skipped): boolean {
  return s.reason.startsWith('not replayed') || s.reason.startsWith('held back') || s.reason === 'not found';
}

/** Prints the skipped records (the first 20) with their reasons. */
export function printSkipped(ctx: CliContext, skipped: Skipped[]): void {
  for (const s of skipped.slice(0, 20)) ctx.out(`  skipped ${s.id}: ${s.reason}`);
  if (skipped.length > 20) ctx.out(`  … and ${skipped.length - 20} more (use --json for all)`);
}
