import type { Delivery } from '@warren/actors';
import { ConnectionLostError, InvalidMessageError, parseCloudEvent } from '@warren/contracts';
import type { ChannelModel, ConsumeMessage, Options } from 'amqplib';
import type { ConfirmPublisher } from './confirm-publisher';
import { QueueConsumer } from './queue-consumer';
import { WRAPPED_DEAD_LETTER_TYPE, type WrappedDeadLetterData } from './safe-dead-letter';

/** A channel that records settlements and hands messages to the consumer on demand. */
class FakeChannel {
  acked: ConsumeMessage[] = [];
  nacked: { msg: ConsumeMessage; requeue: boolean }[] = [];
  onMessage: ((msg: ConsumeMessage | null) => void) | undefined;
  on(): void {}
  async prefetch(): Promise<void> {}
  async consume(_q: string, fn: (msg: ConsumeMessage | null) => void): Promise<void> {
    this.onMessage = fn;
  }
  ack(msg: ConsumeMessage): void {
    this.acked.push(msg);
  }
  nack(msg: ConsumeMessage, _allUpTo: boolean, requeue: boolean): void {
    this.nacked.push({ msg, requeue });
  }
}

interface Published {
  routingKey: string;
  body: Buffer;
  options: Options.Publish;
}

function message(
  body: string | Buffer,
  props: Partial<ConsumeMessage['properties']> = {},
  routingKey = 'session.s1.message',
): ConsumeMessage {
  return {
    content: Buffer.isBuffer(body) ? body : Buffer.from(body),
    fields: { deliveryTag: 1, redelivered: false, exchange: 'warren.ingress', routingKey, consumerTag: 'c' },
    properties: { headers: {}, ...props },
  } as unknown as ConsumeMessage;
}

async function consumer(queue: string, publish: (p: Published) => Promise<void>) {
  const ch = new FakeChannel();
  const deliveries: Delivery[] = [];
  const published: Published[] = [];
  const publisher = {
    publish: async (_exchange: string, routingKey: string, body: Buffer, options: Options.Publish) => {
      const p = { routingKey, body, options };
      published.push(p);
      await publish(p);
    },
  } as unknown as ConfirmPublisher;
  const c = new QueueConsumer(
    {
      queue,
      prefetch: 10,
      keyOf: (m) => m.fields.routingKey.split('.')[1] ?? '',
      onDelivery: (d) => deliveries.push(d),
      onLost: () => undefined,
    },
    publisher,
    'node-1',
  );
  // Broker operations that simply run (the consumer may take them as a second argument to bound each call).
  const ops = { op: <T>(_model: unknown, work: Promise<T>) => work, closeQuietly: async () => undefined };
  await (c.open as (model: ChannelModel, ops: unknown) => Promise<void>).call(
    c,
    { createChannel: async () => ch } as unknown as ChannelModel,
    ops,
  );
  return { ch, deliveries, published, feed: (msg: ConsumeMessage) => ch.onMessage?.(msg) };
}

const event = (id: unknown) =>
  JSON.stringify({ specversion: '1.0', id, source: 'rtc://e', type: 'warren.session.message', data: { text: 'hi' } });

describe('QueueConsumer deliveries', () => {
  it('a body that is not a CloudEvent reaches the runtime with a placeholder envelope and the parse error', async () => {
    const c = await consumer('warren.ingress.shard.0', async () => undefined);
    c.feed(message('not json', { messageId: 'garbage-1' }));
    c.feed(message(event(42), { messageId: 'amqp-id' }));
    c.feed(message(event('x'.repeat(300))));
    c.feed(message('also not json'));
    const [garbage, numeric, long, anonymous] = c.deliveries;
    expect(garbage?.unreadable?.error).toBeInstanceOf(InvalidMessageError);
    expect(garbage?.envelope).toMatchObject({ id: 'garbage-1', type: 'warren.unreadable' });
    expect(numeric?.unreadable?.claimedId).toBe('amqp-id');
    // An id over the AMQP limit is claimed as sent; the envelope gets a usable digest instead.
    expect(long?.unreadable?.claimedId).toBe('x'.repeat(300));
    expect(long?.envelope.id).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(anonymous?.unreadable?.claimedId).toBeUndefined();
    expect(anonymous?.envelope.id).toMatch(/^sha256:/);
    expect(garbage?.key).toBe('s1');
  });

  it('a reply-to on an ingress message is not an ask (raw producers send tells); elsewhere it is', async () => {
    const ingress = await consumer('warren.ingress.shard.3', async () => undefined);
    const shard = await consumer('warren.session.shard.3', async () => undefined);
    const props = { replyTo: 'amq.rabbitmq.reply-to.abc', correlationId: 'c1' };
    ingress.feed(message(event('m1'), props));
    shard.feed(message(event('m1'), props));
    expect(ingress.deliveries[0]?.replyTo).toBeUndefined();
    expect(shard.deliveries[0]?.replyTo).toEqual({ replyTo: 'amq.rabbitmq.reply-to.abc', correlationId: 'c1' });
  });
});

describe('QueueConsumer dead letters', () => {
  it('publishes the dead letter as it is with x-warren-error, then acks', async () => {
    const c = await consumer('warren.ingress.shard.0', async () => undefined);
    c.feed(message(event('m1'), { messageId: 'm1', headers: { traceparent: 't' } }));
    await c.deliveries[0]?.deadLetter({ error: new InvalidMessageError('bad'), attempt: 1, target: 'ingress/s1' });
    expect(c.published).toHaveLength(1);
    expect(c.published[0]?.routingKey).toBe('warren.dead');
    expect(c.published[0]?.options.messageId).toBe('m1');
    expect(c.published[0]?.options.headers).toMatchObject({ traceparent: 't', 'x-warren-target': 'ingress/s1' });
    expect(c.ch.acked).toHaveLength(1);
  });

  it('a dead letter amqplib cannot encode goes in the wrapped safe form: body base64, reason, usable id', async () => {
    let calls = 0;
    const c = await consumer('warren.ingress.shard.0', async () => {
      if (calls++ === 0) throw new RangeError('headers over 64 KiB');
    });
    const body = event('m2');
    const big = { 'x-big': 'z'.repeat(70_000), 'x-warren-sender': 'rtc://edge-1', 'x-warren-task-id': 'q'.repeat(600) };
    c.feed(message(body, { messageId: 'm2', headers: big, contentType: 'application/cloudevents+json' }));
    await c.deliveries[0]?.deadLetter({ error: new InvalidMessageError('bad data'), attempt: 1, target: 'ingress/s1' });
    expect(c.published).toHaveLength(2);
    const safe = c.published[1] as Published;
    expect(safe.options).toMatchObject({ messageId: 'm2', type: WRAPPED_DEAD_LETTER_TYPE });
    expect(safe.options.headers).toMatchObject({
      'x-warren-error': expect.objectContaining({ code: 'WARREN_INVALID_MESSAGE' }),
      'x-warren-origin-routing-key': 'session.s1.message',
      'x-warren-target': 'ingress/s1',
      'x-warren-sender': 'rtc://edge-1',
    });
    // A header value too long to copy stays in the wrapped headers text only.
    expect(safe.options.headers?.['x-warren-task-id']).toBeUndefined();
    expect(JSON.stringify(safe.options.headers).length).toBeLessThan(40_000);
    const wrapper = parseCloudEvent(safe.body);
    const data = wrapper.data as WrappedDeadLetterData;
    expect(Buffer.from(data.body.base64, 'base64').toString()).toBe(body);
    expect(data.reason).toMatch(/RangeError: headers over 64 KiB/);
    expect(data.properties).toMatchObject({ messageId: 'm2', contentType: 'application/cloudevents+json' });
    expect(data.headersTruncated).toBe(true);
    expect(c.ch.acked).toHaveLength(1);
  });

  it('when even the safe form cannot be published, the broker dead-letters the message (reject without requeue)', async () => {
    const c = await consumer('warren.ingress.shard.0', async () => {
      throw new TypeError("Field 'messageId' is the wrong type");
    });
    c.feed(message(event('m3')));
    await c.deliveries[0]?.deadLetter({ error: new InvalidMessageError('bad'), attempt: 1 });
    expect(c.ch.acked).toHaveLength(0);
    expect(c.ch.nacked).toEqual([{ msg: expect.anything(), requeue: false }]);
  });

  it('a failure that may pass is tried again; in the end the message goes back to its queue and the promise says so', async () => {
    jest.useFakeTimers();
    try {
      const c = await consumer('warren.session.shard.0', async () => {
        throw new ConnectionLostError('confirm channel closed');
      });
      c.feed(message(event('m4'), { messageId: 'm4' }));
      const done = c.deliveries[0]?.deadLetter({ error: new Error('boom'), attempt: 4 }).catch((e: unknown) => e);
      await jest.advanceTimersByTimeAsync(10_000);
      const error = await done;
      expect(c.published).toHaveLength(4);
      expect(String(error)).toMatch(/went back to the queue/);
      expect(c.ch.nacked).toEqual([{ msg: expect.anything(), requeue: true }]);
    } finally {
      jest.useRealTimers();
    }
  });

  it('a worker retry that cannot be encoded is dead-lettered instead', async () => {
    let calls = 0;
    const c = await consumer('warren.worker.model.local', async () => {
      if (calls++ === 0) throw new RangeError('too big');
    });
    c.feed(message(event('m5'), { messageId: 'm5' }));
    await c.deliveries[0]?.retryLater({ error: new Error('flaky'), attempt: 1 }, 1000);
    expect(c.published.map((p) => p.routingKey)).toEqual(['warren.worker.model.local', 'warren.dead']);
    expect(c.ch.acked).toHaveLength(1);
  });
});

describe('QueueConsumer of a coordinated shard', () => {
  it('want() during an open that found it unwanted still opens it (set-up and the shard coordinator racing)', async () => {
    let channels = 0;
    const model = {
      createChannel: async () => {
        channels++;
        return new FakeChannel();
      },
    } as unknown as ChannelModel;
    const ops = { op: <T>(_model: unknown, work: Promise<T>) => work, closeQuietly: async () => undefined };
    const spec = { queue: 'warren.relay.shard.1', prefetch: 10, keyOf: () => 'k', onDelivery: () => undefined, onLost: () => undefined };
    const c = new QueueConsumer(spec, {} as ConfirmPublisher, 'node-1', false);
    const open = c.open as (model: ChannelModel, ops: unknown) => Promise<void>;
    const want = c.want as (model: ChannelModel, ops: unknown) => Promise<void>;
    // Set-up opens every consumer (this one is not wanted yet); the coordinator takes the shard meanwhile.
    const setUp = open.call(c, model, ops);
    const taken = want.call(c, model, ops);
    await Promise.all([setUp, taken]);
    expect(channels).toBe(1);
    // Asked again on the same connection: still one channel.
    await open.call(c, model, ops);
    expect(channels).toBe(1);
  });
});
