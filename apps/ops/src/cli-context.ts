import type { Command } from 'commander';
import { AdminClient, resolveClientOptions } from './admin-client';

/** What commands use: the admin API client (built from --url/--key or the environment) and the output streams. */
export interface CliContext {
  client(cmd: Command): AdminClient;
  out(line: string): void;
  err(line: string): void;
  /** Interactive stderr: progress bars are drawn. */
  interactive: boolean;
  env: NodeJS.ProcessEnv;
}

/** The context of a real run: process streams and environment. */
export function processContext(): CliContext {
  return {
    client: (cmd) => new AdminClient(resolveClientOptions(cmd.optsWithGlobals<{ url?: string; key?: string }>(), process.env)),
    out: (line) => process.stdout.write(`${line}\n`),
    err: (line) => process.stderr.write(`${line}\n`),
    interactive: process.stderr.isTTY === true,
    env: process.env,
  };
}
