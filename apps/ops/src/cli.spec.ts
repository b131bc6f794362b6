import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AdminClient, resolveClientOptions } from './admin-client';
import type { CliContext } from './cli-context';
import { AdminApiError, CliError, errorLine, exitCodeOf, UsageError } from './cli-errors';
import { batches, targetOf } from './commands/bulk';
import { defined, filterOf, positiveInt, positiveNumber } from './filter-options';
import { clip, deadLetterTable, statsTable, table } from './format';
import { buildProgram } from './program';

describe('resolveClientOptions()', () => {
  it('takes flags first, then the environment, then the default URL', () => {
    expect(resolveClientOptions({ key: 'k' }, {})).toEqual({ url: 'http://localhost:3000', key: 'k' });
    expect(resolveClientOptions({}, { WARREN_URL: 'http://h:1/', WARREN_ADMIN_KEY: 'e' })).toEqual({ url: 'http://h:1', key: 'e' });
    expect(resolveClientOptions({ url: 'https://x', key: 'f' }, { WARREN_URL: 'http://h', WARREN_ADMIN_KEY: 'e' })).toEqual({
      url: 'https://x',
      key: 'f',
    });
  });

  it('says to pass --key dev-admin-key in development when there is no key; refuses a non-http URL', () => {
    expect(() => resolveClientOptions({}, {})).toThrow(UsageError);
    expect(() => resolveClientOptions({}, {})).toThrow('--key dev-admin-key');
    expect(() => resolveClientOptions({ url: 'amqp://x', key: 'k' }, {})).toThrow('--url must be an http(s) URL');
  });
});

describe('filters and flags', () => {
  it('maps the flags to the API filter and checks them', () => {
    expect(
      filterOf({ status: 'open', code: 'C', class: 'E', type: 'session', address: 'session/dev~s', text: 't', from: '2026-01-01' }),
    ).toEqual({
      status: 'open',
      errorCode: 'C',
      errorClass: 'E',
      actorType: 'session',
      address: 'session/dev~s',
      text: 't',
      from: '2026-01-01T00:00:00.000Z',
    });
    expect(() => filterOf({ status: 'gone' })).toThrow('--status must be one of open, replayed, discarded');
    expect(() => filterOf({ to: 'yesterday' })).toThrow('--to must be a time in ISO 8601');
    expect(positiveInt('limit', '20', 1000)).toBe(20);
    expect(() => positiveInt('limit', '0', 1000)).toThrow('--limit must be a whole number from 1 to 1000');
    expect(positiveNumber('rate', '0.5')).toBe(0.5);
    expect(() => positiveNumber('rate', 'fast')).toThrow('--rate must be a number above 0');
  });

  it('a bulk command takes ids or filter flags (or --all), not both and not neither', () => {
    expect(targetOf(['a'], {}, false, 'replay')).toEqual({ ids: ['a'] });
    expect(targetOf([], { errorCode: 'C' }, false, 'replay')).toEqual({ filter: { errorCode: 'C' } });
    expect(targetOf([], {}, true, 'replay')).toEqual({ filter: {} });
    expect(() => targetOf(['a'], { errorCode: 'C' }, false, 'replay')).toThrow('not both');
    expect(() => targetOf([], {}, false, 'replay')).toThrow('or --all');
    expect(batches(Array.from({ length: 2500 }, (_, i) => String(i))).map((b) => b.length)).toEqual([1000, 1000, 500]);
  });

  it('leaves undefined values out of queries and bodies', () => {
    expect(defined({ a: 'x y', b: undefined, c: 3 })).toEqual({ a: 'x y', c: 3 });
  });
});

describe('AdminClient (the generated @warren/client underneath)', () => {
  it('sends the admin key and the query, and reads a problem details answer into an AdminApiError with its code and fields', async () => {
    const seen: { url?: string; auth?: string }[] = [];
    const server = createServer((req, res) => {
      seen.push({ url: req.url, auth: req.headers.authorization });
      if (req.url?.startsWith('/v1/admin/dead-letters/stats')) {
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ total: 2, groups: [] }));
        return;
      }
      res.writeHead(400, { 'content-type': 'application/problem+json' }).end(
        JSON.stringify({
          type: 'urn:warren:problem:invalid-message',
          title: 'Invalid request',
          status: 400,
          detail: 'limit must not be greater than 1000',
          code: 'WARREN_INVALID_MESSAGE',
          fields: [{ field: 'limit', constraints: ['limit must not be greater than 1000'] }],
        }),
      );
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const client = new AdminClient({ url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, key: 'adm' });
      expect(await client.stats({ status: 'open', errorCode: 'WARREN_X' })).toEqual({ total: 2, groups: [] });
      expect(seen[0]).toEqual({ url: '/v1/admin/dead-letters/stats?status=open&errorCode=WARREN_X', auth: 'Bearer adm' });
      const error = await client.list({ limit: 5000 }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(AdminApiError);
      expect(error).toMatchObject({
        status: 400,
        code: 'WARREN_INVALID_MESSAGE',
        message: 'limit must not be greater than 1000',
        fields: [{ field: 'limit', constraints: ['limit must not be greater than 1000'] }],
      });
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it('says where Warren could not be reached', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    const error = await new AdminClient({ url: `http://127.0.0.1:${port}`, key: 'adm' }).audit().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CliError);
    expect((error as Error).message).toBe(
      `cannot reach Warren at http://127.0.0.1:${port} (ECONNREFUSED); is it running? Set --url or WARREN_URL`,
    );
  });
});

describe('errors', () => {
  it('are one line with the code, and map to exit codes 1 and 2', () => {
    const api = new AdminApiError(403, 'WARREN_FORBIDDEN', 'not an admin key');
    expect(errorLine(api)).toBe('error: WARREN_FORBIDDEN: not an admin key');
    expect(exitCodeOf(api)).toBe(1);
    expect(exitCodeOf(new UsageError('x'))).toBe(2);
    expect(exitCodeOf(new Error('x'))).toBe(1);
  });
});

describe('format', () => {
  it('aligns tables and clips long text', () => {
    expect(table(['A', 'BB'], [['xxx', 'y']])).toBe('A    BB\n---  --\nxxx  y');
    expect(clip('a\nb   c', 10)).toBe('a b c');
    expect(clip('abcdefghij', 5)).toBe('abcd…');
  });

  it('says when nothing matches', () => {
    expect(deadLetterTable([])).toBe('no dead letters match');
    expect(statsTable({ total: 0, groups: [] })).toBe('no dead letters match');
  });
});

describe('the program', () => {
  it('mentions how to run and build it in --help', async () => {
    const out: string[] = [];
    const ctx: CliContext = {
      client: () => {
        throw new Error('no calls');
      },
      out: (l) => out.push(l),
      err: (l) => out.push(l),
      interactive: false,
      env: {},
    };
    await expect(buildProgram(ctx).parseAsync(['node', 'warren-ops', '--help'])).rejects.toMatchObject({ exitCode: 0 });
    const help = out.join('\n');
    expect(help).toContain('warren-ops <command>');
    expect(help).toContain('npm run ops -- <command>');
    expect(help).toContain('npm run build (or npm start) compiles it');
    expect(help).toContain('Exit codes: 0 done, 1 error');
  });
});

describe('bin/warren-ops.js', () => {
  it('says to build first, in one line and without a stack, when the compiled CLI is missing', () => {
    const dir = mkdtempSync(join(tmpdir(), 'warren-ops-'));
    try {
      mkdirSync(join(dir, 'bin'));
      copyFileSync(join(__dirname, '..', '..', '..', 'bin', 'warren-ops.js'), join(dir, 'bin', 'warren-ops.js'));
      const run = spawnSync(process.execPath, [join(dir, 'bin', 'warren-ops.js'), 'dlq', 'stats'], { encoding: 'utf8' });
      expect(run.status).toBe(1);
      expect(run.stderr).toMatch(/^warren-ops: the CLI is not built yet .*\nRun `npm run build`/);
      expect(run.stderr).not.toMatch(/MODULE_NOT_FOUND|at Module/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
