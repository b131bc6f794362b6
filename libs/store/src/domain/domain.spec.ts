import { InvalidOptionsError, InvalidTransitionError } from '@warren/contracts';
import type { TaskStatus } from '../ports/task.port';
import { decodeCursor, encodeCursor } from './cursor';
import { DEAD_LETTER_TRANSITIONS } from './dead-letter-transitions';
import { TASK_TRANSITIONS } from './task-transitions';

describe('TASK_TRANSITIONS', () => {
  const allowed: Array<[TaskStatus, TaskStatus]> = [
    ['accepted', 'queued'],
    ['accepted', 'running'],
    ['queued', 'running'],
    ['running', 'completed'],
    ['running', 'failed'],
    ['running', 'interrupted'],
    ['queued', 'interrupted'],
    ['failed', 'compensated'],
    ['failed', 'running'],
    ['compensated', 'running'],
    ['running', 'running'],
    ['completed', 'completed'],
  ];
  it.each(allowed)('TASK_TRANSITIONS allows %s → %s', (from, to) => {
    expect(TASK_TRANSITIONS.canMove(from, to)).toBe(true);
  });

  const forbidden: Array<[TaskStatus, TaskStatus]> = [
    ['completed', 'running'],
    ['completed', 'failed'],
    ['interrupted', 'running'],
    ['compensated', 'completed'],
    ['compensated', 'failed'],
    ['running', 'queued'],
    ['running', 'accepted'],
    ['running', 'compensated'],
  ];
  it.each(forbidden)('TASK_TRANSITIONS#assertMove() refuses %s → %s with InvalidTransitionError', (from, to) => {
    expect(() => TASK_TRANSITIONS.assertMove(from, to)).toThrow(InvalidTransitionError);
  });

  it('TASK_TRANSITIONS#sourcesOf() lists the statuses an atomic update may start from', () => {
    expect(TASK_TRANSITIONS.sourcesOf('running')).toEqual(['accepted', 'queued', 'running', 'failed', 'compensated']);
    expect(TASK_TRANSITIONS.sourcesOf('accepted')).toEqual(['accepted']);
  });

  it('TASK_TRANSITIONS#assertStatus() refuses unknown statuses, including inherited property names', () => {
    expect(() => TASK_TRANSITIONS.assertStatus('toString')).toThrow(InvalidOptionsError);
    expect(TASK_TRANSITIONS.isStatus('running')).toBe(true);
  });

  it('DEAD_LETTER_TRANSITIONS allows open → replayed | discarded, forced re-replay, replayed → discarded and restore', () => {
    expect(DEAD_LETTER_TRANSITIONS.sourcesOf('replayed')).toEqual(['open', 'replayed']);
    expect(DEAD_LETTER_TRANSITIONS.sourcesOf('discarded')).toEqual(['open', 'replayed', 'discarded']);
    expect(DEAD_LETTER_TRANSITIONS.sourcesOf('open')).toEqual(['open', 'discarded']);
    expect(DEAD_LETTER_TRANSITIONS.canMove('discarded', 'replayed')).toBe(false);
    expect(DEAD_LETTER_TRANSITIONS.canMove('replayed', 'open')).toBe(false);
  });
});

describe('cursors', () => {
  it('decodeCursor() reads what encodeCursor() wrote', () => {
    expect(decodeCursor(encodeCursor({ at: 5, key: 'm-1' }), 'string')).toEqual({ at: 5, key: 'm-1' });
    expect(decodeCursor(encodeCursor({ at: 5, key: 9 }), 'number')).toEqual({ at: 5, key: 9 });
  });

  it.each(['', 'not base64 !', Buffer.from('{"a":1}').toString('base64url'), encodeCursor({ at: 1, key: 'x' })])(
    'decodeCursor(%p) for a number key throws InvalidOptionsError',
    (cursor) => {
      expect(() => decodeCursor(cursor, 'number')).toThrow(InvalidOptionsError);
    },
  );
});
