import { DeadLettered } from '@warren/contracts';
import type { NewDeadLetter } from '@warren/store';
import { compensationNotice, NOTICE_TYPE } from './compensation-notice';

const letter = (over: Partial<NewDeadLetter> = {}): NewDeadLetter => ({
  messageId: 'm1',
  actorType: 'session',
  address: 'session/acme~s1',
  taskId: 't1',
  errorCode: 'WARREN_MODEL_UNAVAILABLE',
  errorClass: 'ModelUnavailableError',
  errorMessage: 'down',
  sender: 'test/rtc',
  firstFailureAt: new Date('2024-01-01T00:00:01.000Z'),
  lastFailureAt: new Date('2024-01-01T00:00:02.000Z'),
  envelope: { specversion: '1.0', id: 'm1', source: 'test/rtc', type: 'warren.session.message' },
  headers: {},
  attempts: [],
  ...over,
});

const known = { knowsType: (t: string) => ['session', 'limiter', 'ingress'].includes(t) };

describe('compensationNotice()', () => {
  it('compensationNotice() goes to the target when the sender is outside Warren, with id dl:<id> and the task id', () => {
    const n = compensationNotice(letter(), 3, known);
    expect(n).toMatchObject({ to: 'session/acme~s1', messageId: 'dl:m1', taskId: 't1' });
    expect(n?.notice).toBeInstanceOf(DeadLettered);
    expect(n?.notice).toMatchObject({
      deadLetterId: 'm1',
      messageType: 'warren.session.message',
      target: 'session/acme~s1',
      taskId: 't1',
      error: { code: 'WARREN_MODEL_UNAVAILABLE', name: 'ModelUnavailableError', message: 'down' },
      attempts: 3,
      firstFailureAt: '2024-01-01T00:00:01.000Z',
      lastFailureAt: '2024-01-01T00:00:02.000Z',
    });
  });

  it('compensationNotice() goes to the sender when it is an actor of a known type', () => {
    expect(compensationNotice(letter({ sender: 'limiter/acme' }), 1, known)?.to).toBe('limiter/acme');
  });

  it('compensationNotice() treats an unknown type or a gateway name as an external sender', () => {
    expect(compensationNotice(letter({ sender: 'gateway:node-1' }), 1, known)?.to).toBe('session/acme~s1');
    expect(compensationNotice(letter({ sender: 'rtc/server-1' }), 1, known)?.to).toBe('session/acme~s1');
  });

  it('compensationNotice() sends nothing for a dead notice, a refused unknown type, or a type that does not compensate', () => {
    expect(compensationNotice(letter({ envelope: { type: NOTICE_TYPE } }), 1, known)).toBeUndefined();
    expect(compensationNotice(letter({ errorCode: 'WARREN_UNKNOWN_MESSAGE_TYPE' }), 1, known)).toBeUndefined();
    expect(compensationNotice(letter(), 1, { ...known, compensates: (t) => t !== 'session' })).toBeUndefined();
    expect(compensationNotice(letter({ address: undefined }), 1, known)).toBeUndefined();
    expect(compensationNotice(letter({ address: 'nope/x' }), 1, known)).toBeUndefined();
  });

  it('compensationNotice() names a poison message type "unknown"', () => {
    expect(compensationNotice(letter({ envelope: '{not json' }), 1, known)?.notice.messageType).toBe('unknown');
  });
});
