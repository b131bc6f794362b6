import type { DeadLetterRecord, DeadLetterStatusChange, DeadLetterStore } from '@warren/store';
import { DeadLetterReplayer, type Republisher } from './dead-letter-replayer';

function record(messageId: string, replayedAs: string[] = []): DeadLetterRecord {
  return {
    messageId,
    replayedAs,
    status: replayedAs.length > 0 ? 'replayed' : 'open',
    address: 'counter/c1',
    origin: { exchange: 'warren.actors.counter', routingKey: 'c1' },
    headers: {},
    envelope: { specversion: '1.0', id: messageId, source: 'test', type: 'test.add', data: { by: 1 } },
  } as unknown as DeadLetterRecord;
}

/** Publishes into a list; marks through `mark`, which a test can make fail (the gateway "dies" between the two). */
function harness(mark: (id: string, change: DeadLetterStatusChange) => Promise<void>) {
  const sent: string[] = [];
  const publisher: Republisher = {
    republish: async (_exchange, _key, _body, properties) => {
      sent.push(properties.messageId);
    },
  };
  const store = {
    updateStatus: async (id: string, change: DeadLetterStatusChange) => {
      await mark(id, change);
      return record(id, change.replayedAs ? [change.replayedAs] : []);
    },
  } as unknown as DeadLetterStore;
  return { sent, replayer: new DeadLetterReplayer(store, publisher) };
}

describe('DeadLetterReplayer', () => {
  test('a replay sent again after its mark failed carries the first copy’s id', async () => {
    let failMark = true;
    const { sent, replayer } = harness(async () => {
      if (failMark) throw new Error('store down');
    });
    const first = await replayer.replay([record('d1')], {});
    expect(first.replayed).toEqual([]);
    expect(first.skipped[0]?.reason).toMatch(/published as replay-1-.*not marked replayed: store down/);
    failMark = false;
    const second = await replayer.replay([record('d1')], {});
    expect(second.replayed).toHaveLength(1);
    expect(sent).toHaveLength(2);
    expect(sent[1]).toBe(sent[0]);
    expect(second.replayed[0]?.newId).toBe(sent[0]);
  });

  test('a dry run sends nothing; a forced replay of a record already marked gets a new id', async () => {
    const { sent, replayer } = harness(async () => undefined);
    const dry = await replayer.replay([record('d2')], { dryRun: true });
    const done = await replayer.replay([record('d2')], {});
    expect(dry.replayed[0]?.newId).toBeUndefined();
    expect(dry.replayed).toHaveLength(1);
    const firstId = done.replayed[0]?.newId as string;
    expect(sent).toEqual([firstId]); // the dry run published nothing
    expect((await replayer.replay([record('d2', [firstId])], {})).skipped[0]?.reason).toMatch(/already replayed/);
    const forced = await replayer.replay([record('d2', [firstId])], { force: true });
    expect(forced.replayed[0]?.newId).toMatch(/^replay-2-/);
    expect(forced.replayed[0]?.newId).not.toBe(firstId);
  });
});
