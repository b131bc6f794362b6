import type { Command } from 'commander';
import type { CliContext } from '../cli-context';
import { defined, filterOf, positiveInt, withFilterOptions } from '../filter-options';
import { auditTable, deadLetterDetail, deadLetterTable, statsTable } from '../format';

/** `dlq stats`, `dlq ls`, `dlq show <id>` and `audit`: reading commands. */
export function addReadCommands(dlq: Command, root: Command, ctx: CliContext): void {
  withFilterOptions(dlq.command('stats').description('counts grouped by error class/code, actor type and handler, with first/last seen'))
    .option('--json', 'print the JSON answer')
    .action(async (opts: Record<string, unknown>, cmd: Command) => {
      const stats = await ctx.client(cmd).stats(filterOf(opts));
      ctx.out(opts.json ? JSON.stringify(stats, null, 2) : statsTable(stats));
    });

  withFilterOptions(dlq.command('ls').description('list dead letters, newest first (filters and paging)'))
    .option('--limit <n>', 'records per page (1-1000, default 50)')
    .option('--cursor <cursor>', 'the next page: the cursor a previous ls printed')
    .option('--asc', 'oldest first (dead-lettering order)')
    .option('--json', 'print the JSON page ({ items, nextCursor }) for scripts')
    .action(async (opts: Record<string, unknown>, cmd: Command) => {
      const page = await ctx.client(cmd).list(
        defined({
          ...filterOf(opts),
          limit: positiveInt('limit', opts.limit, 1000),
          cursor: opts.cursor as string | undefined,
          order: opts.asc ? ('asc' as const) : undefined,
        }),
      );
      if (opts.json) {
        ctx.out(JSON.stringify(page, null, 2));
        return;
      }
      ctx.out(deadLetterTable(page.items));
      if (page.nextCursor) ctx.out(`\nmore: dlq ls … --cursor ${page.nextCursor}`);
    });

  dlq
    .command('show')
    .description('one dead letter: envelope, headers, every attempt, replay lineage')
    .argument('<id>', "the dead message's id")
    .option('--json', 'print the JSON record')
    .action(async (id: string, opts: Record<string, unknown>, cmd: Command) => {
      const record = await ctx.client(cmd).get(id);
      ctx.out(opts.json ? JSON.stringify(record, null, 2) : deadLetterDetail(record));
    });

  root
    .command('audit')
    .description('the audit log of operator actions, newest first')
    .option('--limit <n>', 'entries per page (1-1000, default 50)')
    .option('--cursor <cursor>', 'the next page')
    .option('--json', 'print the JSON page')
    .action(async (opts: Record<string, unknown>, cmd: Command) => {
      const page = await ctx
        .client(cmd)
        .audit(defined({ limit: positiveInt('limit', opts.limit, 1000), cursor: opts.cursor as string | undefined }));
      if (opts.json) {
        ctx.out(JSON.stringify(page, null, 2));
        return;
      }
      ctx.out(auditTable(page.items));
      if (page.nextCursor) ctx.out(`\nmore: audit --cursor ${page.nextCursor}`);
    });
}
