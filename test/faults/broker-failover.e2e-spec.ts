// A RabbitMQ cluster of three private nodes (own ports, data and cookie; stopped at the end).
// Warren gets one URL listing all three, connects to the first, and when that node stops it fails
// over to the next: pending asks fail at once with ConnectionLostError, the loss and the recovery
// are logged, and tells and asks work again (quorum queues keep their majority on two nodes).
import type { RuntimeLogger } from '@warren/actors';
import { ConnectionLostError } from '@warren/contracts';
import { Add, CounterActor, EchoWorker, GetCount, Say } from '../fixtures/test-actors';
import { eventually } from '../support/broker';
import { type PrivateRabbit, startPrivateCluster } from '../support/private-rabbit';
import { type InProcessRuntime, startRuntime } from '../support/runtime';

const VHOST = 'failover';
let nodes: PrivateRabbit[] = [];
let node: InProcessRuntime | undefined;
const logged: string[] = [];
const logger: RuntimeLogger = {
  debug: () => undefined,
  info: (obj, msg) => logged.push(`${msg} ${JSON.stringify(obj)}`),
  warn: (obj, msg) => logged.push(`${msg} ${JSON.stringify(obj)}`),
  error: (obj, msg) => logged.push(`${msg} ${JSON.stringify(obj)}`),
};

beforeAll(async () => {
  nodes = await startPrivateCluster('broker-failover', 3);
  await nodes[0].addVhost(VHOST);
}, 240_000);

afterAll(async () => {
  await node?.stop();
  for (const n of nodes) await n.dispose();
}, 120_000);

test('AMQP_URL listing three nodes: the node Warren is connected to stops, Warren reconnects to another and tell/ask work again', async () => {
  const url = `amqp://guest:guest@${nodes.map((n) => n.hostPort).join(',')}/${VHOST}`;
  node = await startRuntime(url, [{ instance: new CounterActor() }, { instance: new EchoWorker(), options: { keys: ['a'] } }], {
    amqp: { shardCount: 2, nodeId: 'failover-node', workerRetryTiersMs: [200] },
    logger,
  });
  const first = node.transport.brokerNode;
  expect(first).toBe(nodes[0].hostPort);
  const counter = node.runtime.ref('counter/c1');
  await counter.tell(Object.assign(new Add(), { by: 1 }), { messageId: 'before-failover' });
  expect(await counter.ask<{ count: number }>(new GetCount())).toMatchObject({ count: 1 });

  // An ask in flight when the node goes fails at once, typed.
  const pending = node.runtime
    .ref('echo/a')
    .ask(Object.assign(new Say(), { text: 'slow', delayMs: 10_000 }), { timeoutMs: 30_000 })
    .catch((e: unknown) => e);
  await nodes[0].stop();
  const stoppedAt = Date.now();
  expect(await pending).toBeInstanceOf(ConnectionLostError);

  await eventually(() => node?.transport.connected && node.transport.brokerNode !== first, 'a connection to another node', 30_000);
  expect([nodes[1].hostPort, nodes[2].hostPort]).toContain(node.transport.brokerNode);
  expect(logged.join('\n')).toMatch(/connection to RabbitMQ lost; reconnecting .*"node":"127\.0\.0\.1:\d+"/);
  expect(logged.join('\n')).toMatch(/connection to RabbitMQ restored/);

  // The quorum queues elect leaders on the two nodes left; a tell may wait for that, then goes through.
  await eventually(
    () => counter.tell(Object.assign(new Add(), { by: 1 }), { messageId: 'after-failover' }).then(() => true),
    'a tell after the failover',
    30_000,
    500,
  );
  const after = await eventually(
    async () => {
      const s = await counter.ask<{ count: number }>(new GetCount(), { timeoutMs: 5000 });
      return s.count === 2 ? s : undefined;
    },
    'the counter to have both adds',
    30_000,
    500,
  );
  expect(after.count).toBe(2);
  expect(await node.runtime.ref('echo/a').ask(Object.assign(new Say(), { text: 'hi' }))).toBe('a: hi');
  // Recovered within the heartbeat-free path: the broker closed the connection as it stopped.
  expect(Date.now() - stoppedAt).toBeLessThan(60_000);
});
