import { createServer, type Server } from 'node:http';
import { installContextManager } from '../context-manager';
import { resolveLogOptions } from '../logging/log-options';
import { createWarrenLogger } from '../logging/warren-logger';
import { WarrenMetrics } from '../metrics/warren-metrics';
import { observeHttpServer, requestSpanOf, setHttpRoute } from './http-observer';

describe('observeHttpServer()', () => {
  const lines: string[] = [];
  const metrics = new WarrenMetrics({ defaultMetrics: false });
  let server: Server;
  let base: string;

  beforeAll(async () => {
    installContextManager();
    server = createServer((req, res) => {
      if (req.url?.startsWith('/known')) {
        setHttpRoute(req, '/known/:id');
        const span = requestSpanOf(req);
        if (span) span.taskId = 'task-7';
        res.end('ok');
      } else if (req.url === '/health') res.end('{}');
      else {
        res.statusCode = 404;
        res.end();
      }
    });
    const log = createWarrenLogger(resolveLogOptions({ env: {}, format: 'json', level: 'debug' }), {
      write: (s: string) => void lines.push(s),
    });
    observeHttpServer(server, { log, metrics });
    observeHttpServer(server, { log, metrics }); // idempotent
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const address = server.address();
    base = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  /** Waits for the access line of a request (written when its response closes). */
  async function accessLine(path: string): Promise<Record<string, unknown>> {
    for (let i = 0; i < 100; i++) {
      const found = lines.map((l) => JSON.parse(l) as Record<string, unknown>).find((r) => r.path === path);
      if (found) return found;
      await new Promise((r) => setTimeout(r, 10));
    }
    throw new Error(`no access line for ${path}`);
  }

  it('writes one access line per request with its route, status, time, task and trace; probes at debug', async () => {
    const res = await fetch(`${base}/known/1?key=secret`, { headers: { traceparent: `00-${'a'.repeat(32)}-${'b'.repeat(16)}-01` } });
    expect(res.headers.get('traceparent')).toMatch(new RegExp(`^00-${'a'.repeat(32)}-[0-9a-f]{16}-0[01]$`));
    const line = await accessLine('/known/1');
    expect(line).toMatchObject({
      level: 'info',
      method: 'GET',
      route: '/known/:id',
      status: 200,
      taskId: 'task-7',
      trace_id: 'a'.repeat(32),
    });
    expect(JSON.stringify(line)).not.toContain('secret');
    await fetch(`${base}/health`);
    expect(await accessLine('/health')).toMatchObject({ level: 'debug', status: 200 });
    expect(lines.filter((l) => l.includes('"path":"/known/1"'))).toHaveLength(1);
  });

  it('counts a 404 no route took as route="unmatched", without its path in the labels', async () => {
    await fetch(`${base}/wp-login.php`);
    await accessLine('/wp-login.php');
    const text = await metrics.metrics();
    expect(text).toContain('warren_gateway_requests_total{route="unmatched",method="GET",status="404"} 1');
    expect(text).toContain('warren_gateway_requests_total{route="/known/:id",method="GET",status="200"} 1');
    expect(text).not.toContain('wp-login');
  });
});
