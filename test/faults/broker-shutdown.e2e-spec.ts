// Shutdown never hangs: SIGTERM with a broker that stopped answering ends within the drain limit
// plus the grace, logging its progress; past the hard limit the process exits 1 by itself; and
// `npm start` hands SIGTERM to node and waits for it (no node left running under pid 1).
// Compiled apps (`npm run build` first).
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { AmqpProxy } from '../support/amqp-proxy';
import { AppProcess } from '../support/app-process';
import { autoTeardown, eventually, useVhost } from '../support/broker';
import { tempDir } from '../support/runtime';

const vhost = useVhost('broker-shutdown');
const BROKER = { host: '127.0.0.1', port: Number(new URL(process.env.AMQP_URL ?? 'amqp://127.0.0.1:5672').port || 5672) };
const ROOT = join(__dirname, '..', '..');

async function runtimeBehind(proxy: AmqpProxy, env: Record<string, string>): Promise<AppProcess> {
  const app = autoTeardown(
    new AppProcess('runtime', {
      AMQP_URL: proxy.url(vhost.name),
      WARREN_DATA_DIR: tempDir('broker-shutdown'),
      WARREN__AMQP__SHARD_COUNT: '2',
      ...env,
    }),
  );
  await app.whenReady();
  return app;
}

test('SIGTERM with a frozen broker: every close is bounded, the process exits 0 well within drain + grace and logs each step', async () => {
  const proxy = await AmqpProxy.start(BROKER);
  autoTeardown({ close: () => proxy.close() });
  const app = await runtimeBehind(proxy, {
    WARREN__RUNTIME__DRAIN_TIMEOUT_MS: '2000',
    WARREN__RUNTIME__SHUTDOWN_GRACE_MS: '5000',
    WARREN__AMQP__CLOSE_TIMEOUT_MS: '1000',
  });
  proxy.freeze();
  const started = Date.now();
  const code = await app.stop();
  const ms = Date.now() - started;
  const output = app.output.join('\n');
  expect(code).toBe(0);
  expect(ms).toBeLessThan(7000);
  expect(output).toMatch(/SIGTERM received: shutting down \(drain limit 2000 ms, hard limit 7000 ms\)/);
  expect(output).toMatch(/shutdown: draining actors/);
  expect(output).toMatch(/shutdown: actors drained and consumers closed/);
  expect(output).toMatch(/broker connection closed .*"unresponsive":true/);
  expect(output).toMatch(/shutdown finished in \d+ ms \(exit code 0\)/);
});

test('past drainTimeoutMs + shutdownGraceMs the process exits 1 by itself, saying so', async () => {
  const proxy = await AmqpProxy.start(BROKER);
  autoTeardown({ close: () => proxy.close() });
  // Each close may wait 4 s for the frozen broker; the hard limit (0.5 s) comes first.
  const app = await runtimeBehind(proxy, {
    WARREN__RUNTIME__DRAIN_TIMEOUT_MS: '500',
    WARREN__RUNTIME__SHUTDOWN_GRACE_MS: '0',
    WARREN__AMQP__CLOSE_TIMEOUT_MS: '4000',
  });
  proxy.freeze();
  const started = Date.now();
  const code = await app.stop();
  expect(code).toBe(1);
  expect(Date.now() - started).toBeLessThan(3000);
  expect(app.output.join('\n')).toMatch(/shutdown did not finish within 500 ms; exiting now/);
});

test('a second SIGTERM during the shutdown exits 1 at once', async () => {
  const proxy = await AmqpProxy.start(BROKER);
  autoTeardown({ close: () => proxy.close() });
  const app = await runtimeBehind(proxy, { WARREN__AMQP__CLOSE_TIMEOUT_MS: '20000' });
  proxy.freeze(); // the first close now waits up to 20 s
  process.kill(app.pid as number, 'SIGTERM');
  await eventually(() => app.output.some((l) => /SIGTERM received: shutting down/.test(l)), 'the first SIGTERM to be taken');
  const again = Date.now();
  process.kill(app.pid as number, 'SIGTERM');
  expect(await app.whenExited()).toBe(1);
  expect(Date.now() - again).toBeLessThan(3000);
  expect(app.output.join('\n')).toMatch(/SIGTERM received again during the shutdown; exiting now/);
});

test('npm start forwards SIGTERM to node and waits for it: npm exits 0 and no node process is left', async () => {
  const npm = spawn('npm', ['start', '--ignore-scripts'], {
    cwd: ROOT,
    env: {
      ...process.env,
      AMQP_URL: vhost.url,
      PORT: '0',
      WARREN_DATA_DIR: tempDir('broker-shutdown-npm'),
      WARREN__AMQP__SHARD_COUNT: '2',
      NO_COLOR: '1',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exited = new Promise<number | null>((resolve) => npm.once('exit', (code) => resolve(code)));
  autoTeardown({ stop: () => npm.exitCode === null && npm.signalCode === null && npm.kill('SIGKILL') });
  const lines: string[] = [];
  const nodePid = new Promise<number>((resolve) => {
    for (const stream of [npm.stdout, npm.stderr])
      createInterface({ input: stream }).on('line', (line) => {
        lines.push(line);
        // "warren <hostname>-<pid> ready on port <n>": the node id ends with node's pid.
        const m = /-(\d+) ready on port \d+/.exec(line);
        if (m) resolve(Number(m[1]));
      });
  });
  const pid = await Promise.race([
    nodePid,
    exited.then((code) => {
      throw new Error(`npm start exited (${code}) before Warren was ready:\n${lines.join('\n')}`);
    }),
  ]);
  expect(pid).not.toBe(npm.pid); // node runs under npm, as its child
  npm.kill('SIGTERM');
  expect(await exited).toBe(0);
  const alive = () => {
    try {
      process.kill(pid, 0);
      return true;
    } catch {
      return false;
    }
  };
  await eventually(() => !alive(), `node (pid ${pid}) to be gone once npm exited`, 2000);
  expect(lines.join('\n')).toMatch(/SIGTERM received: shutting down/);
});
