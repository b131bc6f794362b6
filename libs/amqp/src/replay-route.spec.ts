import { WARREN_HEADERS } from '@warren/contracts';
import { replayDestination } from './replay-route';

const originHeaders = {
  [WARREN_HEADERS.TASK_ID]: 't1',
  'x-warren-origin-exchange': 'warren.actors.session',
  'x-warren-origin-routing-key': 'dev~s1',
  'x-warren-origin-queue': 'warren.session.shard.1',
};

describe('replayDestination()', () => {
  it('is the recorded origin first', () => {
    expect(replayDestination({ origin: { exchange: 'warren.actors.session', routingKey: 'dev~s1' }, headers: {} })).toEqual({
      exchange: 'warren.actors.session',
      routingKey: 'dev~s1',
    });
  });

  it('else the origin headers', () => {
    expect(replayDestination({ headers: originHeaders })).toEqual({ exchange: 'warren.actors.session', routingKey: 'dev~s1' });
  });

  it('sends a message that died coming back from a retry tier straight to its queue', () => {
    expect(
      replayDestination({
        origin: { exchange: 'warren.retry.1000', routingKey: 'warren.worker.model.local', queue: 'warren.worker.model.local' },
        headers: {},
      }),
    ).toEqual({ exchange: '', routingKey: 'warren.worker.model.local' });
  });

  it('else derives it from the address: entity exchange with the key, or the workers exchange for a worker queue', () => {
    expect(replayDestination({ address: 'counter/c-1', headers: {} })).toEqual({ exchange: 'warren.actors.counter', routingKey: 'c-1' });
    expect(replayDestination({ address: 'model/local', queue: 'warren.worker.model.local', headers: {} })).toEqual({
      exchange: 'warren.workers',
      routingKey: 'model.local',
    });
    expect(replayDestination({ headers: { [WARREN_HEADERS.TARGET]: 'session/dev~s2' } })).toEqual({
      exchange: 'warren.actors.session',
      routingKey: 'dev~s2',
    });
  });

  it('is undefined when nothing says where it was going', () => {
    expect(replayDestination({ headers: {} })).toBeUndefined();
    expect(replayDestination({ address: 'not an address', headers: {} })).toBeUndefined();
  });
});
