import type { Command } from 'commander';
import type { ReplayResult, Skipped } from '../admin-types';
import type { CliContext } from '../cli-context';
import { EXIT } from '../cli-errors';
import { defined, filterOf, positiveNumber, withFilterOptions } from '../filter-options';
import { pace, startProgress } from '../progress';
import { BATCH, batches, isFailure, printSkipped, targetOf } from './bulk';

/** `dlq replay <id…> | --filter flags | --all`. */
export function addReplayCommand(dlq: Command, ctx: CliContext): void {
  withFilterOptions(
    dlq
      .command('replay')
      .description(
        'republish dead letters to where they were going (new message id, same task id, x-warren-replay-of); ' +
          'per-actor order kept. With filter flags (or --all): open records (open and replayed with --force)',
      )
      .argument('[ids...]', 'dead message ids'),
  )
    .option('--all', 'every open dead letter (every one not discarded with --force)')
    .option('--dry-run', 'send nothing; list what would be replayed')
    .option('--force', 'replay records that were replayed already')
    .option('--rate <n>', 'at most n records per second')
    .option('--json', 'print the JSON result')
    .action(async (ids: string[], opts: Record<string, unknown>, cmd: Command) => {
      const target = targetOf(ids, filterOf(opts), opts.all === true, 'replay');
      const rate = positiveNumber('rate', opts.rate);
      const dryRun = opts.dryRun === true;
      const force = opts.force === true;
      const client = ctx.client(cmd);
      const all: ReplayResult = { dryRun, replayed: [], skipped: [] };

      let total: number;
      if ('ids' in target) total = new Set(target.ids).size;
      else {
        const counted = target.filter.status || force ? target.filter : { ...target.filter, status: 'open' as const };
        total = (await client.stats(counted)).total;
      }
      const progress = !dryRun && !opts.json && total > 0 ? startProgress('replay', total, ctx.interactive, ctx.err) : undefined;
      const started = Date.now();
      const pageSize = rate ? Math.max(1, Math.min(BATCH, Math.floor(rate))) : BATCH;
      const take = (r: ReplayResult) => {
        all.replayed.push(...r.replayed);
        all.skipped.push(...r.skipped);
        progress?.advance(r.replayed.length, r.skipped.length);
      };
      try {
        if ('ids' in target) {
          for (const chunk of rate ? splitBy(target.ids, pageSize) : batches(target.ids)) {
            take(await client.replay({ ids: chunk, dryRun, force }));
            await pace(all.replayed.length + all.skipped.length, started, rate);
          }
        } else {
          let cursor: string | undefined;
          do {
            const r = await client.replay(defined({ filter: target.filter, limit: pageSize, cursor, dryRun, force }));
            take(r);
            cursor = r.nextCursor;
            if (cursor) await pace(all.replayed.length + all.skipped.length, started, rate);
          } while (cursor);
        }
      } finally {
        progress?.stop();
      }
      const seconds = (Date.now() - started) / 1000;
      if (opts.json) ctx.out(JSON.stringify(all, null, 2));
      else if (dryRun) {
        for (const r of all.replayed)
          ctx.out(`would replay ${r.id} → ${r.exchange || '(default exchange)'} ${r.routingKey}${r.address ? ` (${r.address})` : ''}`);
        ctx.out(`dry run: ${all.replayed.length} would be replayed, ${all.skipped.length} skipped; nothing was sent`);
        printSkipped(ctx, all.skipped);
      } else {
        ctx.out(`replayed ${all.replayed.length}, skipped ${all.skipped.length} in ${seconds.toFixed(1)} s`);
        if (all.replayed.length > 0 && all.replayed.length <= 20) for (const r of all.replayed) ctx.out(`  ${r.id} → ${r.newId}`);
        printSkipped(ctx, all.skipped);
      }
      if (all.skipped.some((s: Skipped) => isFailure(s))) process.exitCode = EXIT.ERROR;
    });
}

function splitBy<T>(items: T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}
