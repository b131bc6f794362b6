// Start-up against a broker that does not answer: compiled apps (`npm run build` first) must not
// wait forever. A broker that accepts TCP and says nothing, a channel that never gets its
// queue.declare-ok or basic.consume-ok: each ends the start with one clear line and exit code 1
// (a supervisor restarts the process). Also: several URLs joined with commas are refused with
// their passwords masked, and the runtime listens on its own port, not the gateway's PORT.
import { createServer, type Server, type Socket } from 'node:net';
import { AmqpProxy } from '../support/amqp-proxy';
import { AppProcess } from '../support/app-process';
import { autoTeardown, useVhost } from '../support/broker';
import { tempDir } from '../support/runtime';

const vhost = useVhost('broker-startup');
const BROKER = { host: '127.0.0.1', port: Number(new URL(process.env.AMQP_URL ?? 'amqp://127.0.0.1:5672').port || 5672) };

/** A TCP server that accepts connections and never sends a byte (not even the AMQP handshake). */
async function silentServer(): Promise<{ port: number; accepted: () => number }> {
  const sockets = new Set<Socket>();
  let accepted = 0;
  const server: Server = createServer((s) => {
    accepted++;
    sockets.add(s);
    s.on('error', () => undefined);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  autoTeardown({
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  });
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('no port');
  return { port: address.port, accepted: () => accepted };
}

/** Starts `app` expecting it to fail: resolves with its exit code, output and how long it ran. */
async function failedStart(
  app: 'runtime' | 'warren',
  env: Record<string, string>,
): Promise<{ code: number | null; output: string; ms: number }> {
  const started = Date.now();
  const proc = autoTeardown(
    new AppProcess(app, { WARREN_DATA_DIR: tempDir('broker-startup'), WARREN__AMQP__SHARD_COUNT: '2', LOG_LEVEL: 'info', ...env }),
  );
  const ready = proc.whenReady(60_000).then(
    () => 'ready',
    () => 'failed',
  );
  const code = await proc.whenExited();
  expect(await ready).toBe('failed');
  return { code, output: proc.output.join('\n'), ms: Date.now() - started };
}

test('a broker that accepts TCP and never completes the handshake: the app exits 1 after connectTimeoutMs per attempt, with one line', async () => {
  const silent = await silentServer();
  const { code, output, ms } = await failedStart('runtime', {
    AMQP_URL: `amqp://warren:s3cret-pw@127.0.0.1:${silent.port}/v`,
    WARREN__AMQP__CONNECT_TIMEOUT_MS: '1500',
    WARREN__AMQP__CONNECT_RETRIES: '2',
  });
  expect(code).toBe(1);
  expect(silent.accepted()).toBe(2);
  expect(output).toContain(
    `warren: cannot reach RabbitMQ at amqp://warren:***@127.0.0.1:${silent.port}/v (no AMQP handshake within 1500 ms (connect ETIMEDOUT)).`,
  );
  expect(output).toMatch(/could not connect to RabbitMQ/);
  expect(output).not.toContain('s3cret-pw');
  // Two attempts of 1.5 s and a back-off of about 0.2 s, plus the app's own start (Nest, config).
  expect(ms).toBeLessThan(20_000);
});

test('a URL listing two silent nodes tries both, then fails; comma-joined URLs are refused with their passwords masked', async () => {
  const a = await silentServer();
  const b = await silentServer();
  const both = await failedStart('runtime', {
    AMQP_URL: `amqp://warren:s3cret-pw@127.0.0.1:${a.port},127.0.0.1:${b.port}/v`,
    WARREN__AMQP__CONNECT_TIMEOUT_MS: '1000',
    WARREN__AMQP__CONNECT_RETRIES: '1',
  });
  expect(both.code).toBe(1);
  expect([a.accepted(), b.accepted()]).toEqual([1, 1]);
  expect(both.output).toContain(`amqp://warren:***@127.0.0.1:${a.port},127.0.0.1:${b.port}/v`);

  const joined = await failedStart('runtime', { AMQP_URL: 'amqp://u:first-s3cret@h1/v,amqp://u:second-s3cret@h2/v' });
  expect(joined.code).toBe(1);
  expect(joined.output).toContain('amqp://u:***@h1/v,amqp://u:***@h2/v');
  expect(joined.output).toContain('amqp://user:password@host1,host2:5673,host3/vhost');
  expect(joined.output).not.toMatch(/first-s3cret|second-s3cret/);
});

describe('a broker channel that never answers', () => {
  let proxy: AmqpProxy;
  beforeAll(async () => {
    proxy = await AmqpProxy.start(BROKER);
    autoTeardown({ close: () => proxy.close() });
  });

  test('queue.declare during the topology phase: exit 1 after operationTimeoutMs, naming the queue', async () => {
    proxy.swallowAnswersTo('queue.declare');
    const { code, output, ms } = await failedStart('runtime', {
      AMQP_URL: proxy.url(vhost.name),
      WARREN__AMQP__OPERATION_TIMEOUT_MS: '1500',
    });
    expect(code).toBe(1);
    expect(output).toContain('connecting to RabbitMQ');
    expect(output).toContain('warren: RabbitMQ did not answer queue.declare warren.dead within 1500 ms');
    expect(output).toMatch(/dropping the RabbitMQ connection/);
    expect(ms).toBeLessThan(20_000);
  });

  test("basic.consume of the session shards: exit 1 in the consumers' phase, after the phases before it were logged", async () => {
    proxy.swallowAnswersTo('basic.consume', 'warren.session.shard.');
    const { code, output } = await failedStart('runtime', { AMQP_URL: proxy.url(vhost.name), WARREN__AMQP__OPERATION_TIMEOUT_MS: '1500' });
    expect(code).toBe(1);
    expect(output).toMatch(/topology ready/);
    expect(output).toMatch(/consumers of ingress ready/);
    // The shard coordinator opens the shards it owns a few at a time: whichever stalls first names itself.
    expect(output).toMatch(/warren: RabbitMQ did not answer basic\.consume warren\.session\.shard\.\d+ within 1500 ms/);
    expect(output).not.toMatch(/ready on port/);
  });

  test('a consumer the broker acknowledged but never registered (3.10 sends consume-ok first) is caught by the next answer on its channel', async () => {
    proxy.swallowAnswersAfter('basic.consume', 'warren.intent.shard.');
    const { code, output } = await failedStart('runtime', { AMQP_URL: proxy.url(vhost.name), WARREN__AMQP__OPERATION_TIMEOUT_MS: '1500' });
    expect(code).toBe(1);
    expect(output).toMatch(/consumers of session ready/);
    expect(output).toMatch(
      /warren: RabbitMQ did not answer basic\.qos after basic\.consume warren\.intent\.shard\.\d+ \(the consumer's registration\) within 1500 ms/,
    );
  });

  test('a set-up phase past setupTimeoutMs fails the start even when every single answer comes in time', async () => {
    // 10 ms per queue.declare is far inside the operation limit; the topology phase as a whole is not.
    const slow = await AmqpProxy.start(BROKER);
    autoTeardown({ close: () => slow.close() });
    slow.delayAnswers(40);
    const { code, output } = await failedStart('runtime', { AMQP_URL: slow.url(vhost.name), WARREN__AMQP__SETUP_TIMEOUT_MS: '300' });
    expect(code).toBe(1);
    expect(output).toContain('warren: RabbitMQ did not answer the topology set-up phase within 300 ms');
  });
});

test('the runtime listens on runtime.metricsPort, so a gateway may hold PORT on the same machine', async () => {
  const gatewayPort = createServer();
  await new Promise<void>((resolve) => gatewayPort.listen(0, '127.0.0.1', resolve));
  autoTeardown({ close: () => new Promise<void>((resolve) => gatewayPort.close(() => resolve())) });
  const taken = (gatewayPort.address() as { port: number }).port;
  const runtime = autoTeardown(
    new AppProcess('runtime', {
      AMQP_URL: vhost.url,
      WARREN_DATA_DIR: tempDir('broker-startup'),
      WARREN__AMQP__SHARD_COUNT: '2',
      PORT: String(taken),
    }),
  );
  await runtime.whenReady();
  expect(runtime.port).not.toBe(taken);
  const health = await fetch(`${runtime.url}/health`);
  expect(health.status).toBe(200);
  expect(runtime.output.join('\n')).toMatch(/start-up: HTTP done/);
});
