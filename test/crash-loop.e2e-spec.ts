import { rmSync } from 'node:fs';
import { type ConsumeMessage, connect } from 'amqplib';
import { Add, Crash, GetCount } from './fixtures/test-actors';
import { autoTeardown, eventually, useVhost } from './support/broker';
import { NodeProcess } from './support/node-process';
import { type InProcessRuntime, startRuntime, tempDir } from './support/runtime';

const vhost = useVhost('crashloop');
const dataDir = tempDir('crashloop');
let client: InProcessRuntime;
const dead: ConsumeMessage[] = [];

afterAll(() => rmSync(dataDir, { recursive: true, force: true }));
beforeAll(async () => {
  client = await startRuntime(vhost.url, [], {
    kinds: { counter: 'entity', echo: 'worker' },
    dataDir,
    amqp: { shardCount: 4, deliveryLimit: 2 },
  });
  const conn = await connect(vhost.url, { noDelay: true });
  autoTeardown({ close: () => conn.close() });
  const ch = await conn.createChannel();
  await ch.consume('warren.dead', (m) => {
    if (m) {
      dead.push(m);
      ch.ack(m);
    }
  });
});

const node = (name: string) =>
  autoTeardown(
    new NodeProcess(name, {
      AMQP_URL: vhost.url,
      WARREN_DATA_DIR: dataDir,
      SHARDS: '4',
      DELIVERY_LIMIT: '2',
      WARREN_TEST_ALLOW_CRASH: '1',
    }),
  );

test('a message that crashes its consumer again and again ends in warren.dead (x-delivery-limit) and the actor serves the next messages', async () => {
  await client.runtime.ref('counter/crashy').tell(new Crash(), { messageId: 'crash-msg-1' });
  // Each node takes the poison message and dies; the broker counts the returns.
  for (let i = 0; i < 3 && !dead.some((m) => m.properties.messageId === 'crash-msg-1'); i++) {
    const n = node(`crash-${i}`);
    await n.whenReady().catch(() => undefined);
    await Promise.race([n.whenExited(), new Promise((r) => setTimeout(r, 3000))]);
  }
  const letter = await eventually(
    () => dead.find((m) => m.properties.messageId === 'crash-msg-1'),
    'the broker to dead-letter the poison message',
    15_000,
  );
  // Dead-lettered by the broker (not by a node): x-death says why; there is no x-warren-error.
  const death = (letter.properties.headers?.['x-death'] as { reason: string }[] | undefined)?.[0];
  expect(death?.reason).toBe('delivery_limit');
  // (Messages prefetched by the crashing nodes are returned with it and count too: they would be
  // dead-lettered alongside, replayable, never lost. So the next message is sent after the loop.)
  const survivor = node('crash-survivor');
  await survivor.whenReady();
  await client.runtime.ref('counter/crashy').tell(Object.assign(new Add(), { by: 1 }));
  await eventually(
    async () => (await client.runtime.ref('counter/crashy').ask<{ count: number }>(new GetCount())).count === 1,
    'the next message',
  );
  await survivor.stop();
});
