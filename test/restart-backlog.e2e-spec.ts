// A runtime that restarts with messages waiting in its queues handles them all: every hosted
// type is routable before the first consumer starts (none is refused as an unknown actor type).
import { randomUUID } from 'node:crypto';
import { AppProcess } from './support/app-process';
import { autoTeardown, eventually, useVhost } from './support/broker';
import { startSystem } from './support/system';

const vhost = useVhost('restart-backlog');

test('turns published while the runtime was down are all answered after it starts, none dead-lettered', async () => {
  const { app, tap, store, dataDir } = await startSystem('runtime', vhost.url);
  await app.stop();
  const ids = await Promise.all(Array.from({ length: 20 }, (_, i) => tap.say(`b${i}`, 'hello', { id: randomUUID() })));
  const again = autoTeardown(
    new AppProcess('runtime', {
      AMQP_URL: vhost.url,
      WARREN_DATA_DIR: dataDir,
      WARREN__AMQP__SHARD_COUNT: '4',
      WARREN__MODELS__LOCAL__LATENCY_MS: '2',
      WARREN__MODELS__LOCAL__PER_DELTA_MS: '1',
    }),
  );
  await again.whenReady();
  await eventually(() => ids.every((id) => tap.ofTask(id).some((e) => e.kind === 'reply')), 'all 20 replies', 30_000);
  expect((await store.deadLetters.stats()).total).toBe(0);
});
