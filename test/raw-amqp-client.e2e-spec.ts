// A producer with no Warren code: plain amqplib, the documented exchanges, routing keys and envelope.
import { randomUUID } from 'node:crypto';
import { type Channel, type ChannelModel, connect } from 'amqplib';
import { CounterActor, EchoWorker } from './fixtures/test-actors';
import { autoTeardown, useVhost } from './support/broker';
import { startRuntime } from './support/runtime';

const vhost = useVhost('raw');
let conn: ChannelModel;
let ch: Channel;
const replies = new Map<string, (body: { type: string; data: unknown }) => void>();

beforeAll(async () => {
  await startRuntime(vhost.url, [{ instance: new CounterActor() }, { instance: new EchoWorker(), options: { keys: ['a'] } }]);
  conn = await connect(vhost.url, { noDelay: true });
  autoTeardown({ close: () => conn.close() });
  ch = await conn.createChannel();
  await ch.consume(
    'amq.rabbitmq.reply-to',
    (m) => {
      if (m) replies.get(m.properties.correlationId)?.(JSON.parse(m.content.toString()));
    },
    { noAck: true },
  );
});

function request(exchange: string, routingKey: string, type: string, data: unknown): Promise<{ type: string; data: unknown }> {
  const correlationId = randomUUID();
  const reply = new Promise<{ type: string; data: unknown }>((resolve) => replies.set(correlationId, resolve));
  const event = { specversion: '1.0', id: randomUUID(), source: 'rtc://edge-1', type, data };
  ch.publish(exchange, routingKey, Buffer.from(JSON.stringify(event)), {
    replyTo: 'amq.rabbitmq.reply-to',
    correlationId,
    contentType: 'application/cloudevents+json',
    persistent: true,
  });
  return reply;
}

describe('raw amqplib client', () => {
  test('tells and asks an entity actor through warren.actors.<type> with routing key = actor key', async () => {
    const first = await request('warren.actors.counter', 'raw-1', 'test.counter.add', { by: 4 });
    expect(first).toMatchObject({ type: 'warren.reply.ok', data: { ok: true, value: 4 } });
    const second = await request('warren.actors.counter', 'raw-1', 'test.counter.add', { by: 1 });
    expect(second.data).toEqual({ ok: true, value: 5 });
  });

  test('asks a worker pool through warren.workers with routing key <type>.<key>', async () => {
    expect((await request('warren.workers', 'echo.a', 'test.echo.say', { text: 'hello' })).data).toEqual({ ok: true, value: 'a: hello' });
  });

  test("an actor's ctx.emit() reaches a raw consumer of warren.events, and ctx.userId is the broker-checked AMQP user_id", async () => {
    const { queue } = await ch.assertQueue('', { exclusive: true });
    await ch.bindQueue(queue, 'warren.events', 'test.raw-3.*');
    const received = new Promise<{ body: Record<string, unknown>; headers: Record<string, unknown> }>((resolve) =>
      ch.consume(queue, (m) => m && resolve({ body: JSON.parse(m.content.toString()), headers: m.properties.headers ?? {} }), {
        noAck: true,
      }),
    );
    const correlationId = randomUUID();
    const reply = new Promise<{ type: string; data: unknown }>((resolve) => replies.set(correlationId, resolve));
    const id = randomUUID();
    ch.publish(
      'warren.actors.counter',
      'raw-3',
      Buffer.from(JSON.stringify({ specversion: '1.0', id, source: 'rtc://edge-1', type: 'test.counter.announce', data: { text: 'hey' } })),
      {
        replyTo: 'amq.rabbitmq.reply-to',
        correlationId,
        userId: 'guest',
        traceparent: undefined,
        headers: { traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01' },
      } as never,
    );
    expect((await reply).data).toEqual({ ok: true, value: { userId: 'guest' } });
    const event = await received;
    expect(event.body).toMatchObject({
      specversion: '1.0',
      type: 'test.counter.announced',
      subject: 'raw-3',
      data: { text: 'hey' },
      id: `${id}:1`,
    });
    expect(String(event.headers.traceparent)).toMatch(/^00-4bf92f3577b34da6a3ce929d0e0e4736-/);
  });

  test('gets a typed error body for an invalid message', async () => {
    const reply = await request('warren.actors.counter', 'raw-2', 'test.counter.add', { by: 'x' });
    expect(reply.type).toBe('warren.reply.error');
    expect(reply.data).toMatchObject({ ok: false, error: { code: 'WARREN_INVALID_MESSAGE' } });
  });
});
