import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import type { EditResult } from '../admin-types';
import type { CliContext } from '../cli-context';
import { AdminApiError, CliError } from '../cli-errors';
import { editInEditor, parseEditedData } from '../editor';

/** `dlq edit <id> [--file f]`: replay with new data, validated by the gateway first. */
export function addEditCommand(dlq: Command, ctx: CliContext): void {
  dlq
    .command('edit')
    .description("replay a dead letter with changed data (the message's `data` as JSON, from --file or in $EDITOR), validated first")
    .argument('<id>', "the dead message's id")
    .option('--file <json>', 'the new data from this file instead of $EDITOR')
    .option('--dry-run', 'validate only; send nothing')
    .action(async (id: string, opts: { file?: string; dryRun?: boolean }, cmd: Command) => {
      const client = ctx.client(cmd);
      let data: Record<string, unknown>;
      if (opts.file) {
        let text: string;
        try {
          text = readFileSync(opts.file, 'utf8');
        } catch (error) {
          throw new CliError(`cannot read ${opts.file}: ${(error as Error).message}`);
        }
        data = parseEditedData(text, opts.file);
      } else {
        const record = await client.get(id);
        const current = JSON.stringify((record.envelope as { data?: unknown } | null)?.data ?? {}, null, 2);
        const edited = editInEditor(`${current}\n`, ctx.env);
        if (edited.trim() === current.trim()) {
          ctx.out('no change: nothing was sent');
          return;
        }
        data = parseEditedData(edited, 'the edited data');
      }
      let result: EditResult;
      try {
        result = await client.edit(id, { data, dryRun: opts.dryRun === true });
      } catch (error) {
        if (error instanceof AdminApiError && error.fields.length > 0) {
          ctx.err('refused: the edited data is invalid; the dead letter is kept as it was');
          for (const f of error.fields) ctx.err(`  ${f.field}: ${f.constraints.join('; ')}`);
        }
        throw error;
      }
      if (result.dryRun)
        ctx.out(`valid: would replay ${id} → ${result.exchange || '(default exchange)'} ${result.routingKey}; nothing was sent`);
      else ctx.out(`replayed ${id} with the edited data as ${result.newId}`);
    });
}
