// A frozen runtime (SIGSTOP) loses its broker connection, and with it its shards, within the
// documented time: the other node declares it dead after runtime.clusterFailureTimeoutMs (5 s) and
// consumes its shards as single-active-consumer standby; RabbitMQ closes a connection it heard
// nothing from for two to three heartbeat timeouts (amqp.heartbeatSeconds, default 5 s: 10-15 s),
// and then hands each of those shards to the other node, which handles the actors' messages.
import { execFileSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { AMQP_DEFAULTS } from '@warren/amqp';
import { Append, ReadLog } from '../fixtures/test-actors';
import { autoTeardown, eventually, useVhost } from '../support/broker';
import { NodeProcess } from '../support/node-process';
import { startRuntime, tempDir } from '../support/runtime';

const vhost = useVhost('frozen-process');
const dataDir = tempDir('frozen-process');
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

function connectionNames(): string[] {
  const out = execFileSync('rabbitmqctl', ['-q', 'list_connections', '-p', vhost.name, 'client_properties'], { encoding: 'utf8' });
  return [...out.matchAll(/connection_name","?(?:longstr",)?"?([^"}]+)"/g)].map((m) => m[1]);
}

/** The node name owning the active consumer of each counter shard (from its connection name). */
function activeShardOwners(): string[] {
  const out = execFileSync('rabbitmqctl', ['-q', 'list_consumers', '-p', vhost.name, 'queue_name', 'channel_pid', 'active'], {
    encoding: 'utf8',
  });
  const channels = execFileSync('rabbitmqctl', ['-q', 'list_channels', '-p', vhost.name, 'pid', 'connection'], { encoding: 'utf8' });
  const connections = execFileSync('rabbitmqctl', ['-q', 'list_connections', '-p', vhost.name, 'pid', 'client_properties'], {
    encoding: 'utf8',
  });
  const nameOfConnection = new Map<string, string>();
  for (const line of connections.split('\n')) {
    const pid = line.trim().split(/\s+/)[0];
    const name = /warren ([\w.-]+)/.exec(line)?.[1];
    if (pid && name) nameOfConnection.set(pid, name);
  }
  const connectionOfChannel = new Map<string, string>();
  for (const line of channels.split('\n')) {
    const [pid, conn] = line.trim().split(/\s+/);
    if (pid && conn) connectionOfChannel.set(pid, conn);
  }
  const owners: string[] = [];
  for (const line of out.split('\n')) {
    const [queue, channel, active] = line.trim().split(/\s+/);
    if (queue?.startsWith('warren.counter.shard.') && active === 'true')
      owners.push(nameOfConnection.get(connectionOfChannel.get(channel) ?? '') ?? '?');
  }
  return owners;
}

test('SIGSTOP: the frozen node loses its connection and shards within 3 x heartbeatSeconds; the standby takes over', async () => {
  const heartbeat = AMQP_DEFAULTS.heartbeatSeconds;
  const env = { AMQP_URL: vhost.url, WARREN_DATA_DIR: dataDir, SHARDS: '4' };
  const frozen = autoTeardown(new NodeProcess('frozen-a', env));
  await frozen.whenReady();
  const standby = autoTeardown(new NodeProcess('standby-b', env));
  await standby.whenReady();
  const client = await startRuntime(vhost.url, [], { kinds: { counter: 'entity' }, dataDir, amqp: { shardCount: 4, nodeId: 'client' } });
  // Each node consumes the shards the allocator gives it: two of the four each (bounded loads).
  const expected = ['frozen-a', 'frozen-a', 'standby-b', 'standby-b'];
  await eventually(() => {
    const now = activeShardOwners().sort().join(',');
    if (now !== expected.join(',')) throw new Error(`owners now ${now}, expected ${expected.join(',')}`);
    return true;
  }, 'the shards to split between the two nodes');

  frozen.signal('SIGSTOP');
  autoTeardown({ stop: () => frozen.signal('SIGCONT') }); // so that its own teardown can stop it
  const stoppedAt = Date.now();
  await eventually(() => !connectionNames().includes('warren frozen-a'), 'the broker to drop the frozen connection', 30_000, 250);
  const lostAfter = Date.now() - stoppedAt;
  // RabbitMQ checks every heartbeat timeout and gives up after two silent checks: 2 to 3 timeouts.
  expect(lostAfter).toBeGreaterThan((2 * heartbeat - 1) * 1000);
  expect(lostAfter).toBeLessThan((3 * heartbeat + 2) * 1000);
  await eventually(
    () => activeShardOwners().join(',') === 'standby-b,standby-b,standby-b,standby-b',
    'standby-b to own every shard',
    5_000,
  );

  // The standby handles the actors now.
  await client.runtime.ref('counter/after-freeze').tell(Object.assign(new Append(), { value: 'x' }));
  await eventually(async () => (await client.runtime.ref('counter/after-freeze').ask<string[]>(new ReadLog())).length === 1, 'the append');
  expect(standby.handled.some((h) => h.address === 'counter/after-freeze')).toBe(true);
  expect(frozen.handled.some((h) => h.address === 'counter/after-freeze')).toBe(false);
});
