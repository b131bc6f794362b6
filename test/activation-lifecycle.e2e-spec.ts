import { Add, CounterActor, GetCount } from './fixtures/test-actors';
import { eventually, useVhost } from './support/broker';
import { type InProcessRuntime, startRuntime } from './support/runtime';

const vhost = useVhost('lifecycle');
let node: InProcessRuntime;

beforeAll(async () => {
  node = await startRuntime(vhost.url, [{ instance: new CounterActor() }], { runtime: { passivateAfterMs: 300, maxActivations: 50 } });
});

test('an idle activation is passivated and its state comes back from the store on the next message', async () => {
  const ref = node.runtime.ref('counter/idle-1');
  expect(await ref.ask(Object.assign(new Add(), { by: 2 }))).toBe(2);
  expect(node.runtime.entities.activeCount).toBeGreaterThan(0);
  await eventually(() => node.runtime.entities.activeCount === 0, 'passivation', 5000);
  expect(await ref.ask(Object.assign(new Add(), { by: 3 }))).toBe(5);
});

test('activations are bounded: past maxActivations the least recently used idle ones go, and nothing is lost', async () => {
  for (let i = 0; i < 120; i++) await node.runtime.ref(`counter/many-${i}`).tell(Object.assign(new Add(), { by: i }));
  await eventually(
    async () => (await node.runtime.ref('counter/many-119').ask<{ count: number }>(new GetCount())).count === 119,
    'the last add',
  );
  expect(node.runtime.entities.activeCount).toBeLessThanOrEqual(50);
  for (const i of [0, 7, 63]) expect((await node.runtime.ref(`counter/many-${i}`).ask<{ count: number }>(new GetCount())).count).toBe(i);
});
