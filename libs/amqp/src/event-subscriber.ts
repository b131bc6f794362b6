import { type CloudEvent, parseCloudEvent } from '@warren/contracts';
import type { Channel, ChannelModel, ConsumeMessage } from 'amqplib';
import type { ConnectionManager } from './connection-manager';
import { EXCHANGES } from './names';
import { stringHeaders } from './string-headers';

/** Receives every event of the subscription's bindings: the routing key, the parsed CloudEvent and the string headers. */
export type EventListener = (routingKey: string, event: CloudEvent, headers: Record<string, string>) => void;

/** What the subscriber needs of the transport's recovering connection (with its bounded operations). */
export type EventConnection = Pick<ConnectionManager, 'onConnect' | 'connected' | 'whenConnected' | 'op' | 'closeQuietly'>;

/** A channel closed by a channel error (not a lost connection) is opened again after this delay. */
const REOPEN_DELAY_MS = 1_000;

/**
 * One exclusive, auto-delete, server-named queue of this process on `warren.events`, consumed
 * without acks (notifications: a listener that is not connected misses them). Bindings are
 * reference-counted: `bind(p)` twice needs `unbind(p)` twice before the binding goes. After a
 * reconnection the queue, the bindings and the consumer come back by themselves.
 * Create it with `AmqpTransport#subscribeEvents`.
 */
export class EventSubscriber {
  private readonly counts = new Map<string, number>();
  private channel: Channel | undefined;
  /** The connection `channel` belongs to (dropped when one of its operations gets no answer). */
  private model: ChannelModel | undefined;
  private queue: string | undefined;
  /** Patterns bound on the current channel's queue. */
  private bound = new Set<string>();
  /** Channel operations run one at a time, so binds, unbinds and re-opens never interleave. */
  private ops: Promise<void> = Promise.resolve();
  private closed = false;

  constructor(
    private readonly connection: EventConnection,
    private readonly listener: EventListener,
    private readonly exchange: string = EXCHANGES.EVENTS,
  ) {
    connection.onConnect((model) => this.serial(() => this.open(model)));
    if (connection.connected) void this.reopen().catch(() => undefined);
  }

  /** Patterns with at least one `bind` not yet undone. */
  get patterns(): string[] {
    return [...this.counts.keys()];
  }

  /** Adds one reference to `pattern` (e.g. `session.s1.*`); resolves when the binding is in place (or will be, once reconnected). */
  async bind(pattern: string): Promise<void> {
    this.counts.set(pattern, (this.counts.get(pattern) ?? 0) + 1);
    await this.serial(() => this.sync(pattern));
  }

  /** Removes one reference; the binding goes with the last one. */
  async unbind(pattern: string): Promise<void> {
    const n = this.counts.get(pattern);
    if (!n) return;
    if (n === 1) this.counts.delete(pattern);
    else this.counts.set(pattern, n - 1);
    await this.serial(() => this.sync(pattern));
  }

  /** Closes the channel (the broker deletes the exclusive queue); the subscription stays closed. */
  async close(): Promise<void> {
    this.closed = true;
    this.counts.clear();
    await this.serial(async () => {
      const ch = this.channel;
      this.detach();
      await this.connection.closeQuietly(ch, 'channel.close (events)');
    });
  }

  private serial(op: () => Promise<void>): Promise<void> {
    const run = this.ops.then(op);
    this.ops = run.catch(() => undefined);
    return run;
  }

  private reopen(): Promise<void> {
    return this.serial(async () => {
      if (this.closed || this.channel || !this.connection.connected) return;
      await this.open(await this.connection.whenConnected(0));
    });
  }

  private async open(model: ChannelModel): Promise<void> {
    if (this.closed) return;
    const op = <T>(p: Promise<T>, what: string) => this.connection.op(model, p, what);
    const ch = await op(model.createChannel(), 'channel.open (events)');
    ch.on('error', () => undefined);
    ch.on('close', () => {
      if (this.channel !== ch) return;
      this.detach();
      // A lost connection brings the channel back through the connect hook; a channel error does not.
      if (!this.closed) setTimeout(() => void this.reopen().catch(() => undefined), REOPEN_DELAY_MS).unref();
    });
    const { queue } = await op(ch.assertQueue('', { exclusive: true, autoDelete: true, durable: false }), 'queue.declare (events)');
    await op(
      ch.consume(queue, (msg) => msg && this.receive(msg), { noAck: true }),
      `basic.consume ${queue}`,
    );
    this.channel = ch;
    this.model = model;
    this.queue = queue;
    this.bound = new Set();
    for (const pattern of this.counts.keys()) await this.sync(pattern);
  }

  private detach(): void {
    this.channel = undefined;
    this.model = undefined;
    this.queue = undefined;
    this.bound = new Set();
  }

  /** Makes the current queue's binding of `pattern` match its reference count. */
  private async sync(pattern: string): Promise<void> {
    const ch = this.channel;
    const queue = this.queue;
    const model = this.model;
    if (!ch || !queue || !model) return; // bound by `open` on the next connection
    const wanted = this.counts.has(pattern);
    try {
      if (wanted && !this.bound.has(pattern)) {
        await this.connection.op(model, ch.bindQueue(queue, this.exchange, pattern), `queue.bind ${queue} ${pattern}`);
        this.bound.add(pattern);
      } else if (!wanted && this.bound.has(pattern)) {
        await this.connection.op(model, ch.unbindQueue(queue, this.exchange, pattern), `queue.unbind ${queue} ${pattern}`);
        this.bound.delete(pattern);
      }
    } catch (err) {
      // The channel went meanwhile: the next `open` binds what is wanted then.
      if (this.channel === ch) throw err;
    }
  }

  private receive(msg: ConsumeMessage): void {
    let event: CloudEvent;
    try {
      event = parseCloudEvent(msg.content);
    } catch {
      return; // not a CloudEvent: nothing a listener could show
    }
    try {
      this.listener(msg.fields.routingKey, event, stringHeaders(msg.properties.headers));
    } catch {
      // a listener's failure must not break the consumer of every other listener
    }
  }
}
