import { WARREN_HEADERS } from '@warren/contracts';
import { headersAsJson, headersJsonText, isFailureHeader, readDeadLetterHeaders } from './dead-letter-headers';

describe('isFailureHeader()', () => {
  it.each(['x-warren-error', 'X-Death', 'x-first-death-exchange', 'x-last-death-queue', 'x-warren-origin-queue', 'x-delivery-count'])(
    '%s is a failure header',
    (name) => expect(isFailureHeader(name)).toBe(true),
  );
  it.each(['traceparent', 'x-warren-task-id', 'x-warren-target', 'x-warren-sender'])('%s is not', (name) =>
    expect(isFailureHeader(name)).toBe(false),
  );
});

describe('readDeadLetterHeaders()', () => {
  it("reads a node's dead letter: error table, attempts, origin and the message's own headers", () => {
    const h = readDeadLetterHeaders({
      [WARREN_HEADERS.ERROR]: { code: 'WARREN_HANDLER_FAILED', target: Buffer.from('session/dev~s1'), attempt: 3 },
      [WARREN_HEADERS.ATTEMPTS]: [{ class: 'E', code: 'C', attempt: 1 }],
      [WARREN_HEADERS.ORIGIN_EXCHANGE]: 'warren.actors.session',
      [WARREN_HEADERS.ORIGIN_ROUTING_KEY]: Buffer.from('dev~s1'),
      [WARREN_HEADERS.ORIGIN_QUEUE]: 'warren.session.shard.1',
      [WARREN_HEADERS.SENDER]: 'rtc://edge',
      [WARREN_HEADERS.TASK_ID]: 't1',
      [WARREN_HEADERS.REPLAY_OF]: 'm0',
    });
    expect(h).toMatchObject({
      error: { code: 'WARREN_HANDLER_FAILED', attempt: 3 },
      attempts: [expect.objectContaining({ class: 'E', code: 'C', attempt: 1 })],
      origin: { exchange: 'warren.actors.session', routingKey: 'dev~s1', queue: 'warren.session.shard.1' },
      originQueue: 'warren.session.shard.1',
      deaths: [],
      target: 'session/dev~s1',
      sender: 'rtc://edge',
      taskId: 't1',
      replayOf: 'm0',
    });
    expect(h.deliveryCount).toBeUndefined();
  });

  it("reads the broker's x-death (amqplib timestamps) and x-delivery-count", () => {
    const h = readDeadLetterHeaders({
      'x-death': [
        {
          reason: 'delivery_limit',
          queue: 'warren.session.shard.3',
          exchange: 'warren.actors.session',
          'routing-keys': [Buffer.from('dev~s9')],
          count: 1,
          time: { '!': 'timestamp', value: 1_700_000_000 },
        },
        'not a table',
      ],
      'x-delivery-count': 20,
    });
    expect(h.deaths).toEqual([
      {
        reason: 'delivery_limit',
        queue: 'warren.session.shard.3',
        exchange: 'warren.actors.session',
        routingKeys: ['dev~s9'],
        count: 1,
        time: new Date(1_700_000_000_000),
      },
    ]);
    expect(h.deliveryCount).toBe(20);
    expect(h.origin).toBeUndefined();
    expect(h.error).toBeUndefined();
  });
});

describe('headersAsJson()', () => {
  it('turns buffers into text and bigints into numbers, keeping tables and arrays', () => {
    expect(headersAsJson({ a: Buffer.from('x'), b: [{ c: Buffer.from('y') }], d: BigInt(7), e: 1 })).toEqual({
      a: 'x',
      b: [{ c: 'y' }],
      d: 7,
      e: 1,
    });
  });
});

describe('headersJsonText()', () => {
  it('writes buffers as text and big integers as strings, and never throws', () => {
    expect(JSON.parse(headersJsonText({ a: Buffer.from('x'), n: BigInt(2) ** BigInt(70), t: { b: Buffer.from('y') } }))).toEqual({
      a: 'x',
      n: '1180591620717411303424',
      t: { b: 'y' },
    });
    const loop: Record<string, unknown> = {};
    loop.self = loop;
    expect(JSON.parse(headersJsonText(loop))).toEqual({ unserialisable: expect.stringContaining('TypeError') });
  });
});
