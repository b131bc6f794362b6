import { AskTimeoutError, InvalidMessageError } from '@warren/contracts';
import { failureHeader, ORIGIN_HEADERS } from './failure-headers';

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

describe('ORIGIN_HEADERS', () => {
  it('ORIGIN_HEADERS names the x-warren-origin-* headers', () => {
    expect(ORIGIN_HEADERS.EXCHANGE).toBe('x-warren-origin-exchange');
    expect(ORIGIN_HEADERS.ROUTING_KEY).toBe('x-warren-origin-routing-key');
    expect(ORIGIN_HEADERS.QUEUE).toMatch(/^x-warren-/);
    expect(Object.isFrozen(ORIGIN_HEADERS)).toBe(true);
  });
});
