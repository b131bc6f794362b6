import { Command, Option } from 'commander';
import type { CliContext } from './cli-context';
import { addEditCommand } from './commands/edit.command';
import { addReadCommands } from './commands/read.commands';
import { addReplayCommand } from './commands/replay.command';
import { addStatusCommands } from './commands/status.commands';

const ABOUT =
  "Warren operator tools: a client of the gateway's admin API (/v1/admin), so it works against a running Warren whatever its store.";

const AFTER = `
Run it as  warren-ops <command>  (the package's bin; npx warren-ops in the repository) or  npm run ops -- <command>,
e.g.  warren-ops dlq stats --key dev-admin-key
It runs the compiled CLI (dist/apps/ops/src/main.js): npm run build (or npm start) compiles it.

Environment:
  WARREN_URL        the gateway (default http://localhost:3000), like --url
  WARREN_ADMIN_KEY  an admin API key (gateway.admins), like --key; in development: dev-admin-key

Exit codes: 0 done, 1 error (the gateway's WARREN_* code and message are printed), 2 wrong usage.`;

/** The `warren-ops` command line: `dlq stats|ls|show|replay|edit|discard|restore|purge` and `audit`. */
export function buildProgram(ctx: CliContext): Command {
  const program = new Command('warren-ops')
    .description(ABOUT)
    .addOption(new Option('--url <url>', 'gateway base URL (default: $WARREN_URL or http://localhost:3000)'))
    .addOption(new Option('--key <key>', 'admin API key (default: $WARREN_ADMIN_KEY)'))
    .addHelpText('after', AFTER)
    .showHelpAfterError('(add --help for usage)')
    .configureOutput({ writeOut: (s) => ctx.out(s.trimEnd()), writeErr: (s) => ctx.err(s.trimEnd()) });
  const dlq = program.command('dlq').description('dead letters: stats, ls, show, replay, edit, discard, restore, purge');
  dlq.addHelpText('after', AFTER);
  addReadCommands(dlq, program, ctx);
  addReplayCommand(dlq, ctx);
  addEditCommand(dlq, ctx);
  addStatusCommands(dlq, ctx);
  for (const cmd of [program, dlq, ...dlq.commands, ...program.commands]) cmd.exitOverride();
  return program;
}
