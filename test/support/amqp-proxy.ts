// A TCP proxy between a Warren process and RabbitMQ that can play an unresponsive broker: it
// forwards AMQP frames both ways until told to swallow the broker's answers on one channel (a
// channel process stuck on the broker while the connection and its heartbeats live on), or to
// freeze entirely (a broker VM that stopped, with its sockets still open).
import { createServer, type Server, type Socket, connect as tcpConnect } from 'node:net';

/** AMQP 0-9-1 methods by name, as `[class id, method id]`. */
export const AMQP_METHODS = {
  'channel.open': [20, 10],
  'channel.close': [20, 40],
  'exchange.declare': [40, 10],
  'queue.declare': [50, 10],
  'queue.bind': [50, 20],
  'basic.qos': [60, 10],
  'basic.consume': [60, 20],
  'basic.cancel': [60, 30],
} as const;

export type AmqpMethodName = keyof typeof AMQP_METHODS;

const PROTOCOL_HEADER_LENGTH = 8;
const FRAME_METHOD = 1;
const FRAME_END = 0xce;

/** Splits a byte stream into AMQP frames (after an optional protocol header). */
class FrameReader {
  private buffer = Buffer.alloc(0);
  private headerLeft: number;

  constructor(expectHeader: boolean) {
    this.headerLeft = expectHeader ? PROTOCOL_HEADER_LENGTH : 0;
  }

  /** The complete frames (and the protocol header, as a frame of type -1) in `chunk` and what came before it. */
  push(chunk: Buffer): { type: number; channel: number; payload: Buffer; raw: Buffer }[] {
    this.buffer = Buffer.concat([this.buffer, chunk]);
    const out: { type: number; channel: number; payload: Buffer; raw: Buffer }[] = [];
    if (this.headerLeft > 0) {
      if (this.buffer.length < this.headerLeft) return out;
      out.push({ type: -1, channel: 0, payload: Buffer.alloc(0), raw: this.buffer.subarray(0, this.headerLeft) });
      this.buffer = this.buffer.subarray(this.headerLeft);
      this.headerLeft = 0;
    }
    while (this.buffer.length >= 7) {
      const size = this.buffer.readUInt32BE(3);
      const total = 7 + size + 1;
      if (this.buffer.length < total) break;
      const raw = this.buffer.subarray(0, total);
      if (raw[total - 1] !== FRAME_END) throw new Error('amqp-proxy: frame without frame-end octet');
      out.push({ type: raw[0], channel: raw.readUInt16BE(1), payload: raw.subarray(7, 7 + size), raw });
      this.buffer = this.buffer.subarray(total);
    }
    return out;
  }
}

/** One proxied connection. */
interface Pair {
  client: Socket;
  broker: Socket;
  /** Channels whose broker frames are swallowed. */
  muted: Set<number>;
  /** Channels muted once the broker's next method frame on them has passed. */
  mutedAfterAnswer: Set<number>;
}

/** A frame-aware TCP proxy in front of a broker. */
export class AmqpProxy {
  private readonly pairs = new Set<Pair>();
  private trigger: { id: readonly [number, number]; queuePrefix?: string; afterAnswer: boolean } | undefined;
  private frozen = false;
  private delayMs = 0;
  /** Methods the clients sent, as `class.method` names where known (for assertions). */
  readonly seen: string[] = [];

  private constructor(
    private readonly server: Server,
    readonly port: number,
  ) {}

  /** Listens on a free port of 127.0.0.1 and forwards to `target`. */
  static async start(target: { host: string; port: number }): Promise<AmqpProxy> {
    let proxy: AmqpProxy | undefined;
    const server = createServer((client) => proxy?.accept(client, target));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const address = server.address();
    if (address === null || typeof address === 'string') throw new Error('amqp-proxy: no port');
    proxy = new AmqpProxy(server, address.port);
    return proxy;
  }

  /** `amqp://guest:guest@127.0.0.1:<proxy port>/<vhost>`. */
  url(vhost: string, credentials = 'guest:guest'): string {
    return `amqp://${credentials}@127.0.0.1:${this.port}/${encodeURIComponent(vhost)}`;
  }

  /**
   * From the next time a client sends `method` (on a queue whose name starts with `queuePrefix`,
   * for queue.declare, queue.bind and basic.consume), the broker's frames on that channel are no
   * longer passed on (the method itself reaches the broker): the client waits for an answer that
   * never comes, while the connection and its heartbeats live on.
   */
  swallowAnswersTo(method: AmqpMethodName, queuePrefix?: string): void {
    this.trigger = { id: AMQP_METHODS[method], queuePrefix, afterAnswer: false };
  }

  /**
   * Like `swallowAnswersTo`, but the broker's answer to `method` itself still passes; everything
   * after it on that channel does not (RabbitMQ 3.10 answers basic.consume on a quorum queue, then
   * registers the consumer: a registration that never finishes looks like this).
   */
  swallowAnswersAfter(method: AmqpMethodName, queuePrefix?: string): void {
    this.trigger = { id: AMQP_METHODS[method], queuePrefix, afterAnswer: true };
  }

  /** Every answer of the broker reaches the client `ms` later (a slow broker; order kept). */
  delayAnswers(ms: number): void {
    this.delayMs = ms;
  }

  /** Nothing passes any more, in either direction; sockets stay open (a frozen broker). */
  freeze(): void {
    this.frozen = true;
  }

  /** Closes every proxied connection and the listener. */
  async close(): Promise<void> {
    for (const p of this.pairs) {
      p.client.destroy();
      p.broker.destroy();
    }
    this.pairs.clear();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private accept(client: Socket, target: { host: string; port: number }): void {
    const broker = tcpConnect(target.port, target.host);
    const pair: Pair = { client, broker, muted: new Set(), mutedAfterAnswer: new Set() };
    this.pairs.add(pair);
    const fromClient = new FrameReader(true);
    const fromBroker = new FrameReader(false);
    const end = () => {
      client.destroy();
      broker.destroy();
      this.pairs.delete(pair);
    };
    client.on('error', end).on('close', end);
    broker.on('error', end).on('close', end);
    client.on('data', (chunk: Buffer) => {
      if (this.frozen) return;
      for (const f of fromClient.push(chunk)) {
        if (f.type === FRAME_METHOD) {
          const id: [number, number] = [f.payload.readUInt16BE(0), f.payload.readUInt16BE(2)];
          this.seen.push(methodName(id));
          const t = this.trigger;
          if (t && id[0] === t.id[0] && id[1] === t.id[1] && (!t.queuePrefix || queueOf(f.payload).startsWith(t.queuePrefix))) {
            (t.afterAnswer ? pair.mutedAfterAnswer : pair.muted).add(f.channel);
            this.trigger = undefined;
          }
        }
        broker.write(f.raw);
      }
    });
    broker.on('data', (chunk: Buffer) => {
      if (this.frozen) return;
      const frames = fromBroker.push(chunk).filter((f) => {
        if (pair.muted.has(f.channel)) return false;
        if (f.type === FRAME_METHOD && pair.mutedAfterAnswer.delete(f.channel)) pair.muted.add(f.channel);
        return true;
      });
      const pass = () => {
        for (const f of frames) if (!this.frozen && !client.destroyed) client.write(f.raw);
      };
      // Timers of one duration fire in the order they were set: the frames keep their order.
      if (this.delayMs > 0) setTimeout(pass, this.delayMs);
      else pass();
    });
  }
}

/** The queue name of queue.declare, queue.bind or basic.consume: after class, method and a reserved short. */
function queueOf(payload: Buffer): string {
  const length = payload.readUInt8(6);
  return payload.subarray(7, 7 + length).toString('utf8');
}

function methodName([c, m]: [number, number]): string {
  for (const [name, [cc, mm]] of Object.entries(AMQP_METHODS)) if (cc === c && mm === m) return name;
  return `${c}.${m}`;
}
