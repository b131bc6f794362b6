import { AskTimeoutError, InvalidMessageError } from '@warren/contracts';
import { attemptsHeader, failureHeader, MAX_ATTEMPTS_KEPT, readAttempts } from './failure-headers';

describe('failureHeader()', () => {
  beforeEach(() => {
    jest.useFakeTimers({ now: new Date('2024-05-06T07:08:09.010Z') });
  });
  afterEach(() => {
    jest.useRealTimers();
  });

  it('failureHeader() reports class, code, message, stack head, handler, node, target, attempt and time of a Warren error', () => {
    const error = new AskTimeoutError('model/gpt', 'warren.model.complete', 500);
    const header = failureHeader({ error, handler: 'SessionActor.onMessage', target: 'session/acme~s1', attempt: 3 }, 'node-1');
    expect(header).toEqual({
      class: 'AskTimeoutError',
      code: 'WARREN_ASK_TIMEOUT',
      message: 'ask warren.model.complete to model/gpt got no reply within 500 ms',
      stackHead: expect.stringMatching(/^AskTimeoutError: ask warren\.model\.complete/),
      handler: 'SessionActor.onMessage',
      node: 'node-1',
      target: 'session/acme~s1',
      attempt: 3,
      time: '2024-05-06T07:08:09.010Z',
    });
    expect(Object.keys(header).sort()).toEqual(['attempt', 'class', 'code', 'handler', 'message', 'node', 'stackHead', 'target', 'time']);
  });

  it('failureHeader() reports a plain Error as WARREN_HANDLER_FAILED with its own class name', () => {
    const header = failureHeader({ error: new RangeError('out of range'), attempt: 1 }, 'n');
    expect(header).toMatchObject({ class: 'RangeError', code: 'WARREN_HANDLER_FAILED', message: 'out of range' });
    expect(header.stackHead).toMatch(/^RangeError: out of range\n/);
  });

  it('failureHeader() keeps the code of a validation error', () => {
    expect(failureHeader({ error: new InvalidMessageError('Add is invalid'), attempt: 1 }, 'n').code).toBe('WARREN_INVALID_MESSAGE');
  });

  it('failureHeader() uses empty strings for a missing handler, target and stack', () => {
    const header = failureHeader({ error: 'thrown string', attempt: 2 }, 'n');
    expect(header).toMatchObject({ class: 'Error', message: 'thrown string', stackHead: '', handler: '', target: '', attempt: 2 });
  });

  it('failureHeader() truncates a long message to 2000 characters and the stack head to 4000', () => {
    const error = new Error('x'.repeat(10_000));
    const header = failureHeader({ error, attempt: 1 }, 'n');
    expect(header.message).toBe('x'.repeat(2000));
    expect(header.stackHead.length).toBe(4000);
    expect(header.stackHead.startsWith('Error: xxx')).toBe(true);
  });

  it('failureHeader() keeps a message of exactly 2000 characters whole', () => {
    expect(failureHeader({ error: new Error('y'.repeat(2000)), attempt: 1 }, 'n').message).toHaveLength(2000);
  });

  it('failureHeader() is a flat table of strings and numbers (an AMQP header table)', () => {
    const header = failureHeader({ error: new Error('boom'), handler: 'A.b', target: 'a/b', attempt: 1 }, 'n');
    for (const v of Object.values(header)) expect(['string', 'number']).toContain(typeof v);
  });
});

describe('attemptsHeader()', () => {
  it('attemptsHeader() lists the carried attempts, the in-place ones and the final one, oldest first', () => {
    const carried = [
      {
        class: 'Error',
        code: 'WARREN_HANDLER_FAILED',
        message: 'tier 1',
        stackHead: '',
        handler: 'W.h',
        node: 'n0',
        attempt: 1,
        time: '2024-01-01T00:00:00.000Z',
      },
    ];
    const report = {
      error: new Error('final'),
      handler: 'A.b',
      attempt: 3,
      previous: [{ error: new TypeError('second'), attempt: 2, handler: 'A.b', at: new Date('2024-01-01T00:00:01.000Z') }],
    };
    const final = failureHeader(report, 'n1');
    const entries = attemptsHeader(report, 'n1', final, carried);
    expect(entries.map((e) => [e.attempt, e.class, e.message, e.node])).toEqual([
      [1, 'Error', 'tier 1', 'n0'],
      [2, 'TypeError', 'second', 'n1'],
      [3, 'Error', 'final', 'n1'],
    ]);
    expect(entries[1]?.time).toBe('2024-01-01T00:00:01.000Z');
    expect(entries[2]?.time).toBe(final.time);
    for (const e of entries) for (const v of Object.values(e)) expect(['string', 'number']).toContain(typeof v);
  });

  it('attemptsHeader() keeps the last MAX_ATTEMPTS_KEPT attempts and truncates messages and stack heads', () => {
    const previous = Array.from({ length: 30 }, (_, i) => ({ error: new Error('m'.repeat(5000)), attempt: i + 1, at: new Date() }));
    const report = { error: new Error('last'), attempt: 31, previous };
    const entries = attemptsHeader(report, 'n', failureHeader(report, 'n'), undefined);
    expect(entries).toHaveLength(MAX_ATTEMPTS_KEPT);
    expect(entries[0]?.attempt).toBe(12);
    expect(entries[MAX_ATTEMPTS_KEPT - 1]?.attempt).toBe(31);
    expect(entries[0]?.message.length).toBeLessThanOrEqual(1000);
    expect(entries[0]?.stackHead.length).toBeLessThanOrEqual(800);
  });

  it('readAttempts() reads amqplib-decoded entries and skips what is not a table', () => {
    expect(readAttempts('nope')).toEqual([]);
    expect(readAttempts([42, { class: Buffer.from('E'), code: 'C', attempt: 2 }])).toEqual([
      { class: 'E', code: 'C', message: '', stackHead: '', handler: '', node: '', attempt: 2, time: '' },
    ]);
  });
});
