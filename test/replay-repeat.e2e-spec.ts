// A replay sent twice (the gateway died between the publish and the mark, so the record still
// reads `open`) carries the same message id both times, and the entity actor applies it once.
import type { DeadLetterStatusChange, DeadLetterStore, NewDeadLetter } from '@warren/store';
import { DeadLetterReplayer } from '../apps/gateway/src/admin/dead-letter-replayer';
import { CounterActor, GetCount } from './fixtures/test-actors';
import { autoTeardown, useVhost } from './support/broker';
import { type InProcessRuntime, startRuntime } from './support/runtime';

const vhost = useVhost('replay-repeat');

let node: InProcessRuntime;

beforeAll(async () => {
  node = await startRuntime(vhost.url, [{ instance: new CounterActor() }]);
  autoTeardown(node);
});

function deadAdd(messageId: string, address: string): NewDeadLetter {
  const at = new Date();
  const [, key] = address.split('/');
  return {
    messageId,
    actorType: 'counter',
    address,
    taskId: `task-${messageId}`,
    errorCode: 'WARREN_HANDLER_FAILED',
    errorClass: 'Error',
    errorMessage: 'boom',
    handler: 'CounterActor.add',
    node: 'node-1',
    firstFailureAt: at,
    lastFailureAt: at,
    origin: { exchange: 'warren.actors.counter', routingKey: key as string },
    envelope: { specversion: '1.0', id: messageId, source: 'test/replay-repeat', type: 'test.counter.add', data: { by: 5 } },
    headers: {},
    attempts: [{ at, code: 'WARREN_HANDLER_FAILED', errorClass: 'Error', message: 'boom' }],
    at,
  };
}

async function stored(id: string) {
  const record = await node.store.deadLetters.get(id);
  if (!record) throw new Error(`no dead letter ${id}`);
  return record;
}

test('the second copy of a replay whose mark failed is recognised and not applied again', async () => {
  const address = 'counter/replayed-twice';
  await node.store.deadLetters.insertIfAbsent(deadAdd('dead-add-1', address));
  let marks = 0;
  // The real store, except that the first mark fails as if the gateway had died after the publish.
  const store: DeadLetterStore = Object.create(node.store.deadLetters, {
    updateStatus: {
      value: (id: string, change: DeadLetterStatusChange) => {
        marks++;
        if (marks === 1) return Promise.reject(new Error('gateway died'));
        return node.store.deadLetters.updateStatus(id, change);
      },
    },
  });
  const replayer = new DeadLetterReplayer(store, node.transport);

  const first = await replayer.replay([await stored('dead-add-1')], {});
  expect(first.replayed).toEqual([]);
  const record = await stored('dead-add-1');
  expect(record.status).toBe('open'); // nothing says it went out
  const second = await replayer.replay([record], {});
  expect(second.replayed).toHaveLength(1);
  const replayId = second.replayed[0]?.newId as string;

  // The counter saw the replay id once, and adding 5 happened once, whatever order the copies came in.
  // The ask goes through the same shard queue after both confirmed copies, so it is answered after both.
  const seen = await node.runtime.ref(address).ask<{ count: number; applied: string[] }>(new GetCount());
  expect(seen).toEqual({ count: 5, applied: [replayId] });
  expect(await node.store.deadLetters.get('dead-add-1')).toMatchObject({ status: 'replayed', replayedAs: [replayId] });
});
