import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { apiErrorOf, createWarrenHttpClient, parseSse, streamSessionEvents, unwrap, WarrenApiError } from './index';

const ROOT = join(__dirname, '..', '..', '..');

describe('@warren/client', () => {
  it('is generated from docs/openapi.json as committed (run `npm run openapi` to regenerate)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'warren-client-'));
    try {
      const out = join(dir, 'schema.d.ts');
      execFileSync(
        join(ROOT, 'node_modules', '.bin', 'openapi-typescript'),
        [join(ROOT, 'docs', 'openapi.json'), '-o', out, '--default-non-nullable', 'false'],
        { stdio: 'pipe' },
      );
      expect(readFileSync(join(__dirname, 'schema.d.ts'), 'utf8')).toBe(readFileSync(out, 'utf8'));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('calls typed routes with the key, and unwrap() throws the problem details as a WarrenApiError', async () => {
    const server = createServer((req, res) => {
      if (req.url === '/v1/tasks/t1' && req.headers.authorization === 'Bearer k1') {
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ taskId: 't1', status: 'completed' }));
        return;
      }
      res.writeHead(404, { 'content-type': 'application/problem+json' }).end(
        JSON.stringify({
          type: 'urn:warren:problem:not-found',
          title: 'Not found',
          status: 404,
          detail: 'task t2 not found',
          code: 'WARREN_NOT_FOUND',
        }),
      );
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const client = createWarrenHttpClient({ baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`, apiKey: 'k1' });
      const task = await unwrap(client.GET('/v1/tasks/{taskId}', { params: { path: { taskId: 't1' } } }));
      expect(task).toMatchObject({ taskId: 't1', status: 'completed' });
      const error = await unwrap(client.GET('/v1/tasks/{taskId}', { params: { path: { taskId: 't2' } } })).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(WarrenApiError);
      expect(error).toMatchObject({ status: 404, code: 'WARREN_NOT_FOUND', message: 'task t2 not found' });
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it("reads OpenAI's error shape too, and anything else as HTTP_<status>", () => {
    const openAi = apiErrorOf(400, {
      error: { message: 'bad', type: 'invalid_request_error', param: 'model', code: 'WARREN_INVALID_MESSAGE' },
    });
    expect(openAi).toMatchObject({ code: 'WARREN_INVALID_MESSAGE', message: 'bad', fields: [{ field: 'model', constraints: [] }] });
    expect(apiErrorOf(502, 'Bad Gateway from a proxy')).toMatchObject({ code: 'HTTP_502', message: 'Bad Gateway from a proxy' });
  });

  it('parses Server-Sent Events: fields, comments, CRLF, events split across chunks', async () => {
    const text =
      ': connected\r\n\r\nid: e1\nevent: delta\ndata: {"taskId":"t","seq":0,"text":"He"}\n\n: heartbeat\n\nid: e2\nevent: reply\ndata: {"taskId":"t","text":"Hello"}\n\n';
    const bytes = new TextEncoder().encode(text);
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        for (let i = 0; i < bytes.length; i += 7) controller.enqueue(bytes.slice(i, i + 7));
        controller.close();
      },
    });
    const events = [];
    for await (const e of parseSse(body)) events.push(e);
    expect(events).toEqual([
      { id: 'e1', event: 'delta', data: { taskId: 't', seq: 0, text: 'He' } },
      { id: 'e2', event: 'reply', data: { taskId: 't', text: 'Hello' } },
    ]);
  });

  it('follows a session stream until aborted, with the key and the task filter', async () => {
    let url: string | undefined;
    const server = createServer((req, res) => {
      url = req.url;
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.write('id: a\nevent: delta\ndata: {"text":"x"}\n\n');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const ac = new AbortController();
      const seen = [];
      for await (const e of streamSessionEvents({
        baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
        apiKey: 'k',
        sessionId: 's 1',
        taskId: 't1',
        signal: ac.signal,
      })) {
        seen.push(e);
        ac.abort();
      }
      expect(seen).toEqual([{ id: 'a', event: 'delta', data: { text: 'x' } }]);
      expect(url).toBe('/v1/sessions/s%201/events?taskId=t1');
    } finally {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
