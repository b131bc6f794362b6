import { ConnectionLostError } from '@warren/contracts';
import { Add, CounterActor, EchoWorker, GetCount, Say } from './fixtures/test-actors';
import { closeVhostConnections, eventually, useVhost } from './support/broker';
import { type InProcessRuntime, startRuntime } from './support/runtime';

const vhost = useVhost('resilience');
let node: InProcessRuntime;

beforeAll(async () => {
  node = await startRuntime(vhost.url, [{ instance: new CounterActor() }, { instance: new EchoWorker(), options: { keys: ['a'] } }], {
    logger: { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined },
  });
});

describe('broker connection dropped', () => {
  test('pending asks fail at once with ConnectionLostError, the runtime reconnects, and no told message is lost or applied twice', async () => {
    const ref = node.runtime.ref('counter/drop-1');
    const pending = node.runtime
      .ref('echo/a')
      .ask(Object.assign(new Say(), { text: 'slow', delayMs: 5000 }), { timeoutMs: 20_000 })
      .catch((e: unknown) => e);
    // Tells before, during and after the drop; each must be applied exactly once.
    const sent: Promise<void>[] = [];
    for (let i = 0; i < 50; i++) sent.push(ref.tell(Object.assign(new Add(), { by: 1 }), { messageId: `drop-before-${i}` }));
    await Promise.all(sent);
    await new Promise((r) => setTimeout(r, 100));

    closeVhostConnections(vhost.name); // rabbitmqctl: takes a second or more on a busy machine
    const dropped = Date.now();
    const err = await pending;
    expect(err).toBeInstanceOf(ConnectionLostError);
    expect((err as ConnectionLostError).code).toBe('WARREN_CONNECTION_LOST');
    // At once, not after the echo's 5 s or the ask's 20 s timeout.
    expect(Date.now() - dropped).toBeLessThan(2000);

    // A tell while reconnecting waits for the connection instead of vanishing.
    for (let i = 0; i < 50; i++) await ref.tell(Object.assign(new Add(), { by: 1 }), { messageId: `drop-after-${i}` });
    await eventually(() => node.transport.connected, 'the reconnection', 15_000);
    const state = await eventually(
      async () => {
        const s = await ref.ask<{ count: number; applied: string[] }>(new GetCount());
        return s.count >= 100 ? s : undefined;
      },
      'all 100 adds to be applied',
      20_000,
    );
    expect(state.count).toBe(100);
    expect(new Set(state.applied).size).toBe(100);
  });

  test('a message sent again with the same id is recognised and not applied again', async () => {
    const ref = node.runtime.ref('counter/drop-2');
    // Same message id sent twice: the second is a duplicate.
    await ref.tell(Object.assign(new Add(), { by: 3 }), { messageId: 'dup-1' });
    await ref.tell(Object.assign(new Add(), { by: 3 }), { messageId: 'dup-1' });
    // The ask goes through the same shard queue after both confirmed tells: it is answered after both.
    expect((await ref.ask<{ count: number }>(new GetCount())).count).toBe(3);
  });
});
