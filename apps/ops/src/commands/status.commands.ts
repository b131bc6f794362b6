import type { Command } from 'commander';
import type { StatusChangeResult } from '../admin-types';
import type { CliContext } from '../cli-context';
import { EXIT, UsageError } from '../cli-errors';
import { defined, filterOf, withFilterOptions } from '../filter-options';
import { startProgress } from '../progress';
import { batches, printSkipped, targetOf } from './bulk';

/** `dlq discard`, `dlq restore`, `dlq purge`. */
export function addStatusCommands(dlq: Command, ctx: CliContext): void {
  withFilterOptions(
    dlq
      .command('discard')
      .description('discard dead letters with a reason (kept for the retention period, restorable, then purged)')
      .argument('[ids...]', 'dead message ids'),
  )
    .option('--all', 'every dead letter matching (no filter: all of them)')
    .requiredOption('--reason <text>', 'why (kept on the records and in the audit log)')
    .option('--json', 'print the JSON result')
    .action(async (ids: string[], opts: Record<string, unknown>, cmd: Command) => {
      const reason = String(opts.reason ?? '').trim();
      if (!reason) throw new UsageError('discard: --reason must not be empty');
      const target = targetOf(ids, filterOf(opts), opts.all === true, 'discard');
      const client = ctx.client(cmd);
      const all: StatusChangeResult = { changed: [], skipped: [] };
      if ('ids' in target) {
        for (const chunk of batches(target.ids)) merge(all, await client.discard({ ids: chunk, reason }));
      } else {
        const total = (await client.stats(target.filter)).total;
        const progress = opts.json || total === 0 ? undefined : startProgress('discard', total, ctx.interactive, ctx.err);
        let cursor: string | undefined;
        try {
          do {
            const r = await client.discard(defined({ filter: target.filter, cursor, reason }));
            merge(all, r);
            progress?.advance(r.changed.length, r.skipped.length);
            cursor = r.nextCursor;
          } while (cursor);
        } finally {
          progress?.stop();
        }
      }
      report(ctx, 'discarded', all, opts.json === true);
    });

  dlq
    .command('restore')
    .description('open discarded dead letters again')
    .argument('<ids...>', 'dead message ids')
    .option('--json', 'print the JSON result')
    .action(async (ids: string[], opts: { json?: boolean }, cmd: Command) => {
      const client = ctx.client(cmd);
      const all: StatusChangeResult = { changed: [], skipped: [] };
      for (const chunk of batches(ids)) merge(all, await client.restore(chunk));
      report(ctx, 'restored', all, opts.json === true);
    });

  dlq
    .command('purge')
    .description('delete discarded dead letters older than the retention (gateway.deadLetterRetentionDays)')
    .option('--json', 'print the JSON result')
    .action(async (opts: { json?: boolean }, cmd: Command) => {
      const r = await ctx.client(cmd).purge();
      ctx.out(opts.json ? JSON.stringify(r, null, 2) : `purged ${r.purged} dead letter(s) discarded before ${r.discardedBefore}`);
    });
}

function merge(into: StatusChangeResult, r: StatusChangeResult): void {
  into.changed.push(...r.changed);
  into.skipped.push(...r.skipped);
}

function report(ctx: CliContext, verb: string, r: StatusChangeResult, json: boolean): void {
  if (json) ctx.out(JSON.stringify(r, null, 2));
  else {
    ctx.out(`${verb} ${r.changed.length}, skipped ${r.skipped.length}`);
    printSkipped(ctx, r.skipped);
  }
  if (r.skipped.some((s) => s.reason === 'not found')) process.exitCode = EXIT.ERROR;
}
