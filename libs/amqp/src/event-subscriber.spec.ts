import { EventEmitter } from 'node:events';
import type { ChannelModel, ConsumeMessage } from 'amqplib';
import { type EventConnection, EventSubscriber } from './event-subscriber';

/** A channel stand-in recording declarations and bindings; `deliver` plays the broker. */
class FakeChannel extends EventEmitter {
  readonly calls: string[] = [];
  consumer: ((msg: ConsumeMessage | null) => void) | undefined;
  constructor(readonly queue: string) {
    super();
  }
  async assertQueue(name: string, opts: object) {
    this.calls.push(`assertQueue ${name || '(server-named)'} ${JSON.stringify(opts)}`);
    return { queue: this.queue };
  }
  async consume(queue: string, fn: (msg: ConsumeMessage | null) => void, opts: { noAck: boolean }) {
    this.calls.push(`consume ${queue} noAck=${opts.noAck}`);
    this.consumer = fn;
    return { consumerTag: 'c' };
  }
  async bindQueue(queue: string, exchange: string, pattern: string) {
    this.calls.push(`bind ${queue} ${exchange} ${pattern}`);
  }
  async unbindQueue(queue: string, exchange: string, pattern: string) {
    this.calls.push(`unbind ${queue} ${exchange} ${pattern}`);
  }
  async close() {
    this.calls.push('close');
    this.emit('close');
  }
  deliver(routingKey: string, body: unknown, headers: Record<string, unknown> = {}) {
    const content = Buffer.from(typeof body === 'string' ? body : JSON.stringify(body));
    this.consumer?.({ content, fields: { routingKey }, properties: { headers } } as unknown as ConsumeMessage);
  }
}

/** A connection whose (re)connections the test drives. */
class FakeConnection implements EventConnection {
  connected = false;
  hooks: ((model: ChannelModel) => Promise<void>)[] = [];
  channels: FakeChannel[] = [];
  onConnect(hook: (model: ChannelModel) => Promise<void>) {
    this.hooks.push(hook);
  }
  op<T>(_model: ChannelModel, operation: Promise<T>): Promise<T> {
    return operation;
  }
  async closeQuietly(closable: { close(): Promise<unknown> } | undefined) {
    await closable?.close();
  }
  async whenConnected(): Promise<ChannelModel> {
    return this.model();
  }
  /** A new connection: every hook runs on it, as ConnectionManager does. */
  async connect() {
    this.connected = false;
    const model = this.model();
    for (const hook of this.hooks) await hook(model);
    this.connected = true;
  }
  private model(): ChannelModel {
    return {
      createChannel: async () => {
        const ch = new FakeChannel(`amq.gen-${this.channels.length + 1}`);
        this.channels.push(ch);
        return ch;
      },
    } as unknown as ChannelModel;
  }
  get last(): FakeChannel {
    return this.channels[this.channels.length - 1] as FakeChannel;
  }
}

const event = (id: string) => ({ specversion: '1.0', id, source: 'warren://node/n1', type: 'warren.session.delta', data: { seq: 0 } });

describe('EventSubscriber', () => {
  it('declares one exclusive, auto-delete, non-durable, server-named queue consumed without acks', async () => {
    const conn = new FakeConnection();
    new EventSubscriber(conn, () => undefined);
    await conn.connect();
    expect(conn.last.calls).toEqual([
      'assertQueue (server-named) {"exclusive":true,"autoDelete":true,"durable":false}',
      'consume amq.gen-1 noAck=true',
    ]);
  });

  it('binds a pattern on its first reference and unbinds it after its last', async () => {
    const conn = new FakeConnection();
    const sub = new EventSubscriber(conn, () => undefined);
    await conn.connect();
    await sub.bind('session.s1.*');
    await sub.bind('session.s1.*');
    await sub.unbind('session.s1.*');
    expect(conn.last.calls.filter((c) => /bind/.test(c))).toEqual(['bind amq.gen-1 warren.events session.s1.*']);
    await sub.unbind('session.s1.*');
    await sub.unbind('session.s1.*'); // one too many: ignored
    expect(conn.last.calls.filter((c) => /bind/.test(c))).toEqual([
      'bind amq.gen-1 warren.events session.s1.*',
      'unbind amq.gen-1 warren.events session.s1.*',
    ]);
    expect(sub.patterns).toEqual([]);
  });

  it('opens at once when the transport is already connected', async () => {
    const conn = new FakeConnection();
    conn.connected = true;
    const sub = new EventSubscriber(conn, () => undefined);
    await sub.bind('session.s9.*');
    expect(conn.last.calls).toContain('bind amq.gen-1 warren.events session.s9.*');
  });

  it('binds after a reconnection what is still referenced, on the new queue', async () => {
    const conn = new FakeConnection();
    const sub = new EventSubscriber(conn, () => undefined);
    await sub.bind('session.early.*'); // before any connection: bound once connected
    await conn.connect();
    await sub.bind('session.s1.*');
    await sub.bind('session.s2.*');
    await sub.unbind('session.s2.*');
    conn.last.emit('close'); // connection lost
    await conn.connect();
    expect(conn.channels).toHaveLength(2);
    expect(conn.last.calls.filter((c) => /bind/.test(c))).toEqual([
      'bind amq.gen-2 warren.events session.early.*',
      'bind amq.gen-2 warren.events session.s1.*',
    ]);
  });

  it('hands parsed CloudEvents with string headers to the listener and skips bodies that are not CloudEvents', async () => {
    const conn = new FakeConnection();
    const seen: unknown[] = [];
    new EventSubscriber(conn, (key, ev, headers) => seen.push({ key, id: ev.id, headers }));
    await conn.connect();
    conn.last.deliver('session.s1.delta', 'not json');
    conn.last.deliver('session.s1.delta', { hello: 'world' });
    conn.last.deliver('session.s1.delta', event('e1'), { 'x-warren-sender': Buffer.from('session/dev~s1'), 'x-warren-attempt': 1 });
    expect(seen).toEqual([
      { key: 'session.s1.delta', id: 'e1', headers: { 'x-warren-sender': 'session/dev~s1', 'x-warren-attempt': '1' } },
    ]);
  });

  it("a listener's exception does not escape into the consumer", async () => {
    const conn = new FakeConnection();
    new EventSubscriber(conn, () => {
      throw new Error('listener bug');
    });
    await conn.connect();
    expect(() => conn.last.deliver('session.s1.reply', event('e2'))).not.toThrow();
  });

  it('close() closes the channel and stays closed after a reconnection', async () => {
    const conn = new FakeConnection();
    const sub = new EventSubscriber(conn, () => undefined);
    await conn.connect();
    await sub.bind('session.s1.*');
    await sub.close();
    expect(conn.last.calls).toContain('close');
    await conn.connect();
    expect(conn.channels).toHaveLength(1);
    expect(sub.patterns).toEqual([]);
  });
});
