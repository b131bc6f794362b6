// The broker itself stops and starts again under load: a private RabbitMQ node of this test (own
// ports and data; the shared broker is never touched) is stopped with turns in flight and started
// again. Warren's gateway and runtimes reconnect, the user messages kept in the quorum shards are
// delivered again, the turns cut by the stop run again, and every accepted message still ends in
// exactly one terminal event with its task final and its history exact.
import { createStore, type WarrenStore } from '@warren/store';
import { AppProcess } from '../support/app-process';
import { autoTeardown, eventually, runTeardowns } from '../support/broker';
import { EventTap } from '../support/event-tap';
import { FaultLoad, outcomeProblems, waitForOutcomes } from '../support/fault-load';
import { type PrivateRabbit, startPrivateRabbit } from '../support/private-rabbit';
import { tempDir } from '../support/runtime';

jest.setTimeout(240_000);

const VHOST = 'broker-restart';
let node: PrivateRabbit;
const dataDir = tempDir('broker-restart');

beforeAll(async () => {
  node = await startPrivateRabbit('broker-restart');
  await node.addVhost(VHOST);
}, 240_000);

afterAll(async () => {
  // No vhost of the shared broker here: stop the apps, the tap and the store, then the node.
  await runTeardowns();
  await node?.dispose();
}, 120_000);

test('RabbitMQ stopped and started again mid-load: Warren reconnects and every accepted turn ends once', async () => {
  const env = {
    AMQP_URL: node.url(VHOST),
    WARREN_DATA_DIR: dataDir,
    WARREN__AMQP__SHARD_COUNT: '2',
    WARREN__MODELS__LOCAL__LATENCY_MS: '20',
    WARREN__MODELS__LOCAL__PER_DELTA_MS: '5',
  };
  const gateway = autoTeardown(new AppProcess('gateway', env));
  await gateway.whenReady();
  for (const id of ['one', 'two']) await autoTeardown(new AppProcess('runtime', { ...env, WARREN__RUNTIME__NODE_ID: id })).whenReady();
  // A durable tap queue: the events published while the tap reconnects wait for it.
  const tap = autoTeardown(await EventTap.open(node.url(VHOST), 'session.#', { durableQueue: 'test.broker-restart.tap' }));
  const store: WarrenStore = createStore({ dataDir });
  await store.init();
  autoTeardown({ close: () => store.close() });

  const load = new FaultLoad(tap, gateway.url);
  load.start('restart', { sessions: 3, turns: 8, everyMs: 40 });
  await eventually(() => tap.events.some((e) => e.kind === 'delta') || undefined, 'a turn streaming');
  await node.stop();
  await node.start();
  await load.sent();
  expect(load.accepted.length).toBeGreaterThan(0);
  await waitForOutcomes(tap, load.accepted, 120_000);
  await new Promise((r) => setTimeout(r, 500));
  expect(await outcomeProblems(tap, store, load.accepted)).toEqual([]);
  // What the user could not send while the broker was down was refused, not lost: a 503 or a failed publish.
  for (const line of load.refused) expect(line).toMatch(/POST answered 503|not connected|closed|ECONNREFUSED|fetch failed/i);
});
