// The ops CLI as installed (bin/warren-ops.js, which runs the compiled dist/apps/ops/src/main.js) against the running all-in-one app: ls --json,
// stats, replay --dry-run and replay, discard/restore, a refused edit from --file, the 403 of a
// tenant key, and its usage errors.
import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { WARREN_HEADERS } from '@warren/contracts';
import type { NewDeadLetter, WarrenStore } from '@warren/store';
import { useVhost } from './support/broker';
import { tempDir } from './support/runtime';
import { startSystem } from './support/system';

jest.setTimeout(120_000);

const vhost = useVhost('ops-cli');
const CLI = join(__dirname, '..', 'bin', 'warren-ops.js');
let store: WarrenStore;
let url: string;

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the compiled CLI; WARREN_URL and WARREN_ADMIN_KEY come from `env` only. */
function ops(args: string[], env: Record<string, string> = {}): Promise<Run> {
  return new Promise((resolve) => {
    const { WARREN_URL: _u, WARREN_ADMIN_KEY: _k, ...rest } = process.env;
    execFile(process.execPath, [CLI, ...args], { env: { ...rest, NO_COLOR: '1', ...env } }, (error, stdout, stderr) => {
      resolve({ code: error ? Number((error as { code?: number }).code ?? 1) : 0, stdout, stderr });
    });
  });
}
const admin = (args: string[]) => ops(args, { WARREN_URL: url, WARREN_ADMIN_KEY: 'dev-admin-key' });

/** A dead letter to a session of `dev` (its envelope is a valid `warren.session.message`). */
function sessionDeadLetter(n: number, sessionId: string): NewDeadLetter {
  const id = `cli-${randomUUID()}`;
  const at = new Date(Date.parse('2026-02-01T00:00:00Z') + n);
  return {
    messageId: id,
    actorType: 'session',
    address: `session/dev~${sessionId}`,
    taskId: id,
    tenant: 'dev',
    errorCode: 'WARREN_MODEL_UNAVAILABLE',
    errorClass: 'ModelUnavailableError',
    errorMessage: `model local failed (${n})`,
    handler: 'message',
    firstFailureAt: at,
    lastFailureAt: at,
    envelope: { specversion: '1.0', id, source: 'test/cli', type: 'warren.session.message', data: { text: `hi ${n}` } },
    headers: { [WARREN_HEADERS.TASK_ID]: id, [WARREN_HEADERS.ERROR]: { code: 'WARREN_MODEL_UNAVAILABLE' } },
    attempts: [{ at, code: 'WARREN_MODEL_UNAVAILABLE', errorClass: 'ModelUnavailableError', message: 'model local failed' }],
    at,
  };
}

const ids: string[] = [];
beforeAll(async () => {
  const sys = await startSystem('warren', vhost.url);
  store = sys.store;
  url = sys.app.url;
  for (let i = 0; i < 3; i++) {
    const dl = sessionDeadLetter(i, `cli${i}`);
    ids.push(dl.messageId);
    await store.deadLetters.insertIfAbsent(dl);
  }
});

describe('ops dlq', () => {
  it('ls --json prints the page for scripts; ls without it a table', async () => {
    const json = await admin(['dlq', 'ls', '--json', '--type', 'session', '--asc']);
    expect(json.code).toBe(0);
    expect(JSON.parse(json.stdout).items.map((d: { messageId: string }) => d.messageId)).toEqual(ids);
    const table = await admin(['dlq', 'ls', '--code', 'WARREN_MODEL_UNAVAILABLE', '--limit', '2']);
    expect(table.code).toBe(0);
    expect(table.stdout).toMatch(/^ID\s+STATUS\s+TARGET\s+CODE/);
    expect(table.stdout).toContain('session/dev~cli2');
    expect(table.stdout).toContain('more: dlq ls … --cursor ');
  });

  it('stats groups them', async () => {
    const r = await admin(['dlq', 'stats']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/3\s+WARREN_MODEL_UNAVAILABLE\s+ModelUnavailableError\s+session\s+message/);
    expect(r.stdout).toContain('3 dead letter(s)');
  });

  it('show prints the record with its attempts and lineage', async () => {
    const r = await admin(['dlq', 'show', ids[0] as string]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`id:          ${ids[0]}`);
    expect(r.stdout).toContain('attempts (1):');
    expect(r.stdout).toContain('replay of:   -');
  });

  it('replay --dry-run sends nothing; replay sends and a second one is skipped without --force', async () => {
    const dry = await admin(['dlq', 'replay', '--dry-run', '--address', 'session/dev~cli0']);
    expect(dry.code).toBe(0);
    expect(dry.stdout).toContain(`would replay ${ids[0]} → warren.actors.session dev~cli0 (session/dev~cli0)`);
    expect(dry.stdout).toContain('dry run: 1 would be replayed, 0 skipped; nothing was sent');
    expect((await store.deadLetters.get(ids[0] as string))?.status).toBe('open');

    const sent = await admin(['dlq', 'replay', ids[0] as string]);
    expect(sent.code).toBe(0);
    expect(sent.stdout).toMatch(/^replayed 1, skipped 0/);
    expect((await store.deadLetters.get(ids[0] as string))?.status).toBe('replayed');
    const again = await admin(['dlq', 'replay', ids[0] as string]);
    expect(again.code).toBe(0);
    expect(again.stdout).toContain('pass force to replay it again');
  });

  it('discard needs a reason; discarded records are restored', async () => {
    const noReason = await admin(['dlq', 'discard', ids[1] as string]);
    expect(noReason.code).toBe(2);
    expect(noReason.stderr).toContain("required option '--reason <text>' not specified");
    const discarded = await admin(['dlq', 'discard', ids[1] as string, '--reason', 'test']);
    expect(discarded.code).toBe(0);
    expect(discarded.stdout).toContain('discarded 1, skipped 0');
    expect((await store.deadLetters.get(ids[1] as string))?.status).toBe('discarded');
    const restored = await admin(['dlq', 'restore', ids[1] as string]);
    expect(restored.stdout).toContain('restored 1, skipped 0');
    expect((await store.deadLetters.get(ids[1] as string))?.status).toBe('open');
  });

  it('edit --file with invalid data is refused with the fields; the record is kept', async () => {
    const file = join(tempDir('ops'), 'data.json');
    writeFileSync(file, JSON.stringify({ text: '' }));
    const r = await admin(['dlq', 'edit', ids[2] as string, '--file', file]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('refused: the edited data is invalid; the dead letter is kept as it was');
    expect(r.stderr).toMatch(/ {2}data\.text: /);
    expect(r.stderr).toMatch(/error: WARREN_INVALID_MESSAGE: /);
    expect(await store.deadLetters.get(ids[2] as string)).toMatchObject({ status: 'open', replayedAs: [] });
  });

  it("a tenant key gets the gateway's 403 in one line; no key is a usage error saying what to pass", async () => {
    const tenant = await ops(['dlq', 'ls', '--url', url, '--key', 'dev-key']);
    expect(tenant.code).toBe(1);
    expect(tenant.stderr.trim()).toBe(
      'error: WARREN_FORBIDDEN: this is a tenant API key; the admin API needs an admin key (gateway.admins)',
    );
    const none = await ops(['dlq', 'ls', '--url', url]);
    expect(none.code).toBe(2);
    expect(none.stderr).toContain('--key dev-admin-key');
    const usage = await admin(['dlq', 'replay']);
    expect(usage.code).toBe(2);
    expect(usage.stderr).toContain('give ids, filter flags (--code, --type, …) or --all');
  });

  it('audit lists what the CLI did, by dev-admin', async () => {
    const r = await admin(['audit', '--json']);
    expect(r.code).toBe(0);
    const actions = JSON.parse(r.stdout).items.map((e: { actor: string; action: string }) => `${e.actor} ${e.action}`);
    expect(actions).toEqual(expect.arrayContaining(['dev-admin dlq.replay', 'dev-admin dlq.discard', 'dev-admin dlq.restore']));
  });
});
