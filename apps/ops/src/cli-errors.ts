/** Exit codes of the ops CLI. */
export const EXIT = Object.freeze({ OK: 0, ERROR: 1, USAGE: 2 } as const);

/** A wrong command line (missing argument, conflicting options): exit code 2. */
export class UsageError extends Error {
  readonly exitCode = EXIT.USAGE;
}

/** An error answered by the admin API: its `WARREN_*` code, message and wrong fields. Exit code 1. */
export class AdminApiError extends Error {
  readonly exitCode = EXIT.ERROR;

  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly fields: { field: string; constraints: string[] }[] = [],
  ) {
    super(message);
  }
}

/** Anything else that stops a command (Warren unreachable, a file that is not JSON): exit code 1. */
export class CliError extends Error {
  readonly exitCode = EXIT.ERROR;
}

/** The one line printed for an error. */
export function errorLine(error: unknown): string {
  if (error instanceof AdminApiError) return `error: ${error.code}: ${error.message}`;
  if (error instanceof Error) return `error: ${error.message}`;
  return `error: ${String(error)}`;
}

/** The exit code for an error. */
export function exitCodeOf(error: unknown): number {
  const code = (error as { exitCode?: unknown } | null)?.exitCode;
  return typeof code === 'number' ? code : EXIT.ERROR;
}
