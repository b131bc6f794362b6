import { CommanderError } from 'commander';
import { processContext } from './cli-context';
import { EXIT, errorLine, exitCodeOf } from './cli-errors';
import { buildProgram } from './program';

/** `npm run ops -- dlq …`: the operator CLI. Exit codes: 0 ok, 1 error, 2 usage. */
async function main(argv: string[]): Promise<number> {
  const ctx = processContext();
  try {
    await buildProgram(ctx).parseAsync(argv);
    return typeof process.exitCode === 'number' ? process.exitCode : EXIT.OK;
  } catch (error) {
    if (error instanceof CommanderError) {
      // Commander has printed what there was to say: --help ends with 0, a wrong command line with 2.
      return error.exitCode === 0 ? EXIT.OK : EXIT.USAGE;
    }
    ctx.err(errorLine(error));
    return exitCodeOf(error);
  }
}

void main(process.argv).then((code) => {
  process.exitCode = code;
});
