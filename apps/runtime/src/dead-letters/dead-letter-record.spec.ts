import type { DeadLetterMessage } from '@warren/amqp';
import { attemptCount, BROKER_DEAD_LETTER_CLASS, toNewDeadLetter } from './dead-letter-record';

const event = (id: string, type = 'warren.session.message') =>
  Buffer.from(JSON.stringify({ specversion: '1.0', id, source: 'test/rtc', type, data: { text: 'hi' } }));

function message(body: Buffer, headers: Record<string, unknown>, messageId?: string): DeadLetterMessage {
  return {
    body,
    properties: { ...(messageId ? { messageId } : {}), timestamp: 1_700_000_000 },
    fields: { exchange: '', routingKey: 'warren.dead', redelivered: false },
    headers,
  };
}

const attempt = (n: number, time: string, message: string) => ({
  class: 'ModelUnavailableError',
  code: 'WARREN_MODEL_UNAVAILABLE',
  message,
  stackHead: `ModelUnavailableError: ${message}\n    at x`,
  handler: 'SessionActor.message',
  node: 'node-a',
  attempt: n,
  time,
});

describe('toNewDeadLetter()', () => {
  it("toNewDeadLetter() reads Warren's shape: every attempt, the final error, origin, sender, task, replay lineage", () => {
    const letter = toNewDeadLetter(
      message(
        event('m1'),
        {
          'x-warren-error': { ...attempt(2, '2024-01-01T00:00:02.000Z', 'second'), target: 'session/acme~s1' },
          'x-warren-attempts': [attempt(1, '2024-01-01T00:00:01.000Z', 'first'), attempt(2, '2024-01-01T00:00:02.000Z', 'second')],
          'x-warren-origin-exchange': 'warren.actors.session',
          'x-warren-origin-routing-key': 'acme~s1',
          'x-warren-origin-queue': 'warren.session.shard.3',
          'x-warren-target': 'session/acme~s1',
          'x-warren-sender': 'test/rtc',
          'x-warren-task-id': 't1',
          'x-warren-replay-of': 'old-1',
        },
        'm1',
      ),
    );
    expect(letter).toMatchObject({
      messageId: 'm1',
      actorType: 'session',
      address: 'session/acme~s1',
      queue: 'warren.session.shard.3',
      taskId: 't1',
      tenant: 'acme',
      errorCode: 'WARREN_MODEL_UNAVAILABLE',
      errorClass: 'ModelUnavailableError',
      errorMessage: 'second',
      handler: 'SessionActor.message',
      node: 'node-a',
      sender: 'test/rtc',
      origin: { exchange: 'warren.actors.session', routingKey: 'acme~s1', queue: 'warren.session.shard.3' },
      firstFailureAt: new Date('2024-01-01T00:00:01.000Z'),
      lastFailureAt: new Date('2024-01-01T00:00:02.000Z'),
      replayOf: 'old-1',
    });
    expect(letter.attempts.map((a) => [a.code, a.errorClass, a.message, a.handler, a.node])).toEqual([
      ['WARREN_MODEL_UNAVAILABLE', 'ModelUnavailableError', 'first', 'SessionActor.message', 'node-a'],
      ['WARREN_MODEL_UNAVAILABLE', 'ModelUnavailableError', 'second', 'SessionActor.message', 'node-a'],
    ]);
    expect((letter.envelope as { id: string }).id).toBe('m1');
  });

  it('toNewDeadLetter() falls back to x-warren-error alone when there is no x-warren-attempts', () => {
    const letter = toNewDeadLetter(message(event('m2'), { 'x-warren-error': attempt(1, '2024-01-01T00:00:05.000Z', 'only') }, 'm2'));
    expect(letter.attempts).toHaveLength(1);
    expect(letter.firstFailureAt).toEqual(letter.lastFailureAt);
    expect(letter.actorType).toBe('unknown');
  });

  it("toNewDeadLetter() reads the broker's shape (x-death delivery_limit): WARREN_DELIVERY_LIMIT, origin from x-death", () => {
    const letter = toNewDeadLetter(
      message(
        event('m3'),
        {
          'x-death': [
            {
              reason: 'delivery_limit',
              queue: 'warren.counter.shard.1',
              exchange: 'warren.actors.counter',
              'routing-keys': ['crashy'],
              count: 1,
              time: { '!': 'timestamp', value: 1_700_000_100 },
            },
          ],
          'x-delivery-count': 2,
          'x-warren-target': 'counter/crashy',
          'x-warren-sender': 'external:n1',
          'x-warren-task-id': 't3',
        },
        'm3',
      ),
    );
    expect(letter).toMatchObject({
      messageId: 'm3',
      actorType: 'counter',
      address: 'counter/crashy',
      queue: 'warren.counter.shard.1',
      errorCode: 'WARREN_DELIVERY_LIMIT',
      errorClass: BROKER_DEAD_LETTER_CLASS,
      origin: { exchange: 'warren.actors.counter', routingKey: 'crashy', queue: 'warren.counter.shard.1' },
      lastFailureAt: new Date(1_700_000_100_000),
      taskId: 't3',
    });
    expect(letter.errorMessage).toMatch(/x-delivery-limit/);
  });

  it('toNewDeadLetter() keeps a body that is not a CloudEvent as its raw text, with a stable id from the body', () => {
    const a = toNewDeadLetter(message(Buffer.from('{not json'), {}));
    const b = toNewDeadLetter(message(Buffer.from('{not json'), {}));
    expect(a.envelope).toBe('{not json');
    expect(a.messageId).toMatch(/^body:[0-9a-f]{64}$/);
    expect(b.messageId).toBe(a.messageId);
    expect(a.errorCode).toBe('WARREN_INVALID_MESSAGE');
  });

  it('toNewDeadLetter() turns buffers in headers into text (the store keeps JSON)', () => {
    const letter = toNewDeadLetter(message(event('m4'), { 'x-custom': Buffer.from('abc') }, 'm4'));
    expect(letter.headers['x-custom']).toBe('abc');
  });
});

describe('attemptCount()', () => {
  it('attemptCount() is the largest attempt number seen', () => {
    const m = message(event('m5'), { 'x-warren-error': { ...attempt(3, '2024-01-01T00:00:00.000Z', 'x') } }, 'm5');
    expect(attemptCount(m, toNewDeadLetter(m))).toBe(3);
  });
});
