import type { ConsumeMessage } from 'amqplib';
import { connect } from 'amqplib';
import { Add, CounterActor, EchoWorker, Explode, Flaky, GetCount } from './fixtures/test-actors';
import { autoTeardown, eventually, useVhost } from './support/broker';
import { type InProcessRuntime, startRuntime } from './support/runtime';

const vhost = useVhost('dead');
let node: InProcessRuntime;
const dead: ConsumeMessage[] = [];

beforeAll(async () => {
  node = await startRuntime(vhost.url, [{ instance: new CounterActor() }, { instance: new EchoWorker(), options: { keys: ['a'] } }], {
    runtime: { retry: { entityBackoffMs: [20, 20], workerTiersMs: [200, 400] } },
    logger: { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined },
  });
  // An operator's view of warren.dead, with plain amqplib.
  const conn = await connect(vhost.url, { noDelay: true });
  const ch = await conn.createChannel();
  await ch.consume('warren.dead', (m) => {
    if (m) {
      dead.push(m);
      ch.ack(m);
    }
  });
  autoTeardown({ close: () => conn.close() });
});

const errorOf = (m: ConsumeMessage) => m.properties.headers?.['x-warren-error'] as Record<string, unknown>;

describe('dead letters', () => {
  test('a handler that always throws is retried in place, then dead-lettered with x-warren-error while later messages still flow', async () => {
    const ref = node.runtime.ref('counter/poison-1');
    await ref.tell(Object.assign(new Explode(), { note: 'always' }), { messageId: 'poison-msg-1', taskId: 'task-poison-1' });
    await ref.tell(Object.assign(new Add(), { by: 5 }));
    await eventually(async () => (await ref.ask<{ count: number }>(new GetCount())).count === 5, 'the message behind the poison one');
    const letter = await eventually(() => dead.find((m) => m.properties.messageId === 'poison-msg-1'), 'the dead letter');
    const error = errorOf(letter);
    expect(error.class).toBe('Error');
    expect(error.code).toBe('WARREN_HANDLER_FAILED');
    expect(error.message).toBe('boom: always');
    expect(String(error.stackHead)).toContain('explode');
    expect(error.handler).toBe('CounterActor.explode');
    expect(error.target).toBe('counter/poison-1');
    expect(error.attempt).toBe(3); // 1 + two in-place retries
    expect(typeof error.node).toBe('string');
    expect(Number.isNaN(Date.parse(String(error.time)))).toBe(false);
    const headers = letter.properties.headers ?? {};
    expect(headers['x-warren-task-id']).toBe('task-poison-1');
    expect(headers['x-warren-origin-exchange']).toBe('warren.actors.counter');
    expect(headers['x-warren-origin-routing-key']).toBe('poison-1');
    // The original envelope travels unchanged.
    expect(JSON.parse(letter.content.toString()).data).toEqual({ note: 'always' });
  });

  test('a non-retryable error is dead-lettered at once', async () => {
    await node.runtime.ref('counter/poison-2').tell(Object.assign(new Explode(), { note: 'invalid' }), { messageId: 'poison-msg-2' });
    const letter = await eventually(() => dead.find((m) => m.properties.messageId === 'poison-msg-2'), 'the dead letter');
    expect(errorOf(letter).code).toBe('TEST_REFUSED');
    expect(errorOf(letter).attempt).toBe(1);
  });

  test('a message that is not JSON is dead-lettered at once and does not block its shard', async () => {
    const conn = await connect(vhost.url, { noDelay: true });
    const ch = await conn.createConfirmChannel();
    ch.publish('warren.actors.counter', 'garbage-1', Buffer.from('{not json'), { messageId: 'garbage-msg-1', persistent: true });
    await ch.waitForConfirms();
    await conn.close();
    const letter = await eventually(() => dead.find((m) => m.properties.messageId === 'garbage-msg-1'), 'the dead letter');
    expect(errorOf(letter).code).toBe('WARREN_INVALID_MESSAGE');
    expect(String(errorOf(letter).message)).toMatch(/not JSON/);
    expect(await node.runtime.ref('counter/garbage-1').ask(Object.assign(new Add(), { by: 1 }))).toBe(1);
  });

  test('an invalid message (fails validation) told to an actor is dead-lettered with the field named', async () => {
    await node.runtime.ref('counter/invalid-tell').tell(Object.assign(new Add(), { by: 5000 }), { messageId: 'invalid-msg-1' });
    const letter = await eventually(() => dead.find((m) => m.properties.messageId === 'invalid-msg-1'), 'the dead letter');
    expect(errorOf(letter).code).toBe('WARREN_INVALID_MESSAGE');
    expect(String(errorOf(letter).message)).toMatch(/by/);
  });
});

describe('worker retries', () => {
  test('a failed tell to a worker goes through a retry tier and succeeds on the next attempt', async () => {
    await node.runtime.ref('echo/a').tell(Object.assign(new Flaky(), { id: 'flaky-1' }));
    // The second attempt adds its attempt number (2) to counter/flaky-1.
    await eventually(
      async () => (await node.runtime.ref('counter/flaky-1').ask<{ count: number }>(new GetCount())).count === 2,
      'the retried attempt',
      5000,
    );
  });
});
