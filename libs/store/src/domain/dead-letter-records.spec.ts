import { InvalidMessageError } from '@warren/contracts';
import { at } from '../contract/contract-kit.contract';
import type { DeadLetterRecord, NewDeadLetter } from '../ports/dead-letter.port';
import { newDeadLetterRecord, resolveDeadLetterChange, upgradeDeadLetterRecord } from './dead-letter-records';

const INPUT: NewDeadLetter = {
  messageId: 'm1',
  actorType: 'session',
  address: 'session/acme~s1',
  errorCode: 'WARREN_HANDLER_FAILED',
  errorClass: 'HandlerFailedError',
  errorMessage: 'boom',
  handler: 'onMessage',
  node: 'node-1',
  sender: 'rtc:eu-1',
  origin: { exchange: 'warren.actors.session', routingKey: 'acme~s1', queue: 'warren.session.shard.3' },
  firstFailureAt: at(1),
  lastFailureAt: at(2),
  envelope: { id: 'm1' },
  headers: {},
  attempts: [{ at: at(1), code: 'WARREN_HANDLER_FAILED', errorClass: 'HandlerFailedError', message: 'boom', stackHead: 'Error: boom' }],
  at: at(3),
};

function fieldOf(work: () => unknown): string | undefined {
  try {
    work();
  } catch (error) {
    expect(error).toBeInstanceOf(InvalidMessageError);
    return (error as InvalidMessageError & { details?: Array<{ field: string }> }).message.split(' ')[0];
  }
  return undefined;
}

describe('dead letter records', () => {
  it('newDeadLetterRecord() keeps every field and opens the record at `at`', () => {
    const { at: created, ...rest } = INPUT;
    expect(newDeadLetterRecord(INPUT)).toEqual({ ...rest, status: 'open', replayedAs: [], createdAt: created, updatedAt: created });
  });

  it.each<[string, Partial<NewDeadLetter>]>([
    ['errorMessage', { errorMessage: undefined as never }],
    ['firstFailureAt', { firstFailureAt: 'yesterday' as never }],
    ['lastFailureAt', { lastFailureAt: at(0) }],
    ['origin.exchange', { origin: { routingKey: 'k' } as never }],
    ['origin.routingKey', { origin: { exchange: '' } as never }],
    ['attempts[0].stackHead', { attempts: [{ ...INPUT.attempts[0], stackHead: 5 as never }] }],
    ['handler', { handler: '' }],
    ['sender', { sender: 7 as never }],
  ])('newDeadLetterRecord() refuses a bad %s with InvalidMessageError naming it', (field, override) => {
    expect(fieldOf(() => newDeadLetterRecord({ ...INPUT, ...override }))).toBe(field);
  });

  it("newDeadLetterRecord() accepts the default exchange ('') as origin", () => {
    expect(newDeadLetterRecord({ ...INPUT, origin: { exchange: '', routingKey: 'warren.worker.model' } }).origin).toEqual({
      exchange: '',
      routingKey: 'warren.worker.model',
    });
  });

  it('resolveDeadLetterChange() requires replayedAs with replayed, and only then', () => {
    expect(fieldOf(() => resolveDeadLetterChange({ status: 'replayed' }))).toBe('replayedAs');
    expect(fieldOf(() => resolveDeadLetterChange({ status: 'discarded', replayedAs: 'r' }))).toBe('replayedAs');
    expect(resolveDeadLetterChange({ status: 'replayed', replayedAs: 'r' }, at(5))).toEqual({
      status: 'replayed',
      replayedAs: 'r',
      at: at(5),
    });
  });

  it('upgradeDeadLetterRecord() fills the fields records written before issue 7 lack from their attempts', () => {
    const old = {
      messageId: 'm',
      attempts: [
        { at: at(1), message: 'first' },
        { at: at(2), message: 'last' },
      ],
      createdAt: at(3),
      replayedAs: [],
    } as unknown as DeadLetterRecord;
    expect(upgradeDeadLetterRecord(old)).toMatchObject({ errorMessage: 'last', firstFailureAt: at(1), lastFailureAt: at(2) });
    const bare = { messageId: 'm', attempts: [], createdAt: at(3) } as unknown as DeadLetterRecord;
    expect(upgradeDeadLetterRecord(bare)).toMatchObject({ errorMessage: '', firstFailureAt: at(3), lastFailureAt: at(3), replayedAs: [] });
  });
});
