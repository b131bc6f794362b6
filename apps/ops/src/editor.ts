import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CliError } from './cli-errors';

/**
 * Opens `$VISUAL`/`$EDITOR` (else `vi`) on a temp file holding `initial` and returns the file's
 * text once the editor exits; the file is removed. A failing editor is a `CliError`.
 */
export function editInEditor(initial: string, env: NodeJS.ProcessEnv): string {
  const editor = env.VISUAL || env.EDITOR || 'vi';
  const dir = mkdtempSync(join(tmpdir(), 'warren-edit-'));
  const file = join(dir, 'data.json');
  try {
    writeFileSync(file, initial);
    // Through the shell, so EDITOR may carry arguments ("code --wait").
    const result = spawnSync(`${editor} "${file}"`, { stdio: 'inherit', shell: true });
    if (result.error) throw new CliError(`cannot start the editor ${editor}: ${result.error.message}`);
    if (result.status !== 0) throw new CliError(`the editor ${editor} exited with ${result.status}; nothing was sent`);
    return readFileSync(file, 'utf8');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Parses the edited text as a JSON object, or a `CliError` saying why not. */
export function parseEditedData(text: string, where: string): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new CliError(`${where} is not JSON (${(error as Error).message}); nothing was sent`);
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value))
    throw new CliError(`${where} must hold a JSON object (the message's data); nothing was sent`);
  return value as Record<string, unknown>;
}
