import { randomUUID } from 'node:crypto';
import type { StreamPart } from '@warren/actors';
import {
  AskTimeoutError,
  CancelledError,
  type CloudEvent,
  ConnectionLostError,
  NoRouteError,
  REPLY_TYPES,
  type ReplyBody,
  WARREN_HEADERS,
} from '@warren/contracts';
import type { Channel, ChannelModel, ConsumeMessage, Message, Options } from 'amqplib';
import type { ConnectionManager } from './connection-manager';
import { DIRECT_REPLY_TO } from './names';

type Pending = {
  onPart: (part: StreamPart | { kind: 'reply'; body: ReplyBody }) => void;
  onError: (err: Error) => void;
};

/**
 * Asks over direct reply-to: one channel per connection that consumes
 * `amq.rabbitmq.reply-to` before it publishes, replies matched by correlation id. When the
 * connection goes, every pending ask fails at once with `ConnectionLostError`.
 */
export class AskClient {
  private channel: Channel | undefined;
  private readonly pending = new Map<string, Pending>();

  constructor(
    private readonly connection: ConnectionManager,
    private readonly publishTimeoutMs: number,
  ) {
    connection.onConnect((model) => this.open(model));
    connection.onDisconnect((err) => this.failAll(err));
  }

  private async open(model: ChannelModel): Promise<void> {
    const ch = await this.connection.op(model, model.createChannel(), 'channel.open (asks)');
    ch.on('error', () => undefined);
    ch.on('close', () => {
      if (this.channel !== ch) return;
      this.channel = undefined;
      // Only this channel failed (the connection lives): open a new one for the next asks.
      this.failAll(new ConnectionLostError('the ask channel was closed by the broker'));
      if (this.connection.connected) void this.open(model).catch(() => undefined);
    });
    ch.on('return', (msg: Message) => {
      const id = msg.properties.correlationId as string | undefined;
      const p = id ? this.pending.get(id) : undefined;
      if (p && id) {
        this.pending.delete(id);
        p.onError(new NoRouteError(msg.fields.exchange, msg.fields.routingKey));
      }
    });
    await this.connection.op(
      model,
      ch.consume(DIRECT_REPLY_TO, (msg) => msg && this.onReply(msg), { noAck: true }),
      `basic.consume ${DIRECT_REPLY_TO}`,
    );
    this.channel = ch;
  }

  private onReply(msg: ConsumeMessage): void {
    const p = this.pending.get(msg.properties.correlationId as string);
    if (!p) return; // late reply of a timed-out ask
    let event: CloudEvent;
    try {
      event = JSON.parse(msg.content.toString('utf8')) as CloudEvent;
    } catch {
      return;
    }
    switch (event.type) {
      case REPLY_TYPES.CHUNK:
        p.onPart({ kind: 'chunk', value: event.data });
        break;
      case REPLY_TYPES.END:
        p.onPart({ kind: 'end', body: event.data as ReplyBody });
        break;
      default:
        p.onPart({ kind: 'reply', body: event.data as ReplyBody });
    }
  }

  private failAll(err: Error): void {
    const all = [...this.pending.values()];
    this.pending.clear();
    for (const p of all) p.onError(err);
  }

  private async publish(
    exchange: string,
    routingKey: string,
    event: CloudEvent,
    headers: Record<string, string | number>,
    correlationId: string,
    persistent: boolean,
  ): Promise<void> {
    if (!this.channel) await this.connection.whenConnected(this.publishTimeoutMs);
    const ch = this.channel;
    if (!ch) throw new ConnectionLostError('the ask channel is not open');
    const options: Options.Publish = {
      correlationId,
      replyTo: DIRECT_REPLY_TO,
      messageId: event.id,
      type: event.type,
      contentType: 'application/cloudevents+json',
      headers,
      mandatory: true,
      persistent,
      timestamp: Math.floor(Date.now() / 1000),
    };
    ch.publish(exchange, routingKey, Buffer.from(JSON.stringify(event)), options);
  }

  /** One reply within `timeoutMs`, or `AskTimeoutError`. */
  ask(
    exchange: string,
    routingKey: string,
    target: string,
    event: CloudEvent,
    headers: Record<string, string | number>,
    timeoutMs: number,
    signal?: AbortSignal,
    /** False for a request pool: the asker keeps the durable record. @default true */
    persistent = true,
  ): Promise<ReplyBody> {
    const correlationId = randomUUID();
    return new Promise<ReplyBody>((resolve, reject) => {
      const cleanup = () => {
        clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
        this.pending.delete(correlationId);
      };
      const onAbort = () => {
        cleanup();
        reject(new CancelledError(`ask ${event.type} to ${target} cancelled`));
      };
      const timer = setTimeout(() => {
        cleanup();
        reject(new AskTimeoutError(target, event.type, timeoutMs));
      }, timeoutMs);
      if (signal?.aborted) return onAbort();
      signal?.addEventListener('abort', onAbort, { once: true });
      this.pending.set(correlationId, {
        onPart: (part) => {
          if (part.kind === 'chunk') return;
          cleanup();
          resolve(part.body);
        },
        onError: (err) => {
          cleanup();
          reject(err);
        },
      });
      this.publish(exchange, routingKey, event, { ...headers, [WARREN_HEADERS.TARGET]: target }, correlationId, persistent).catch(
        (err: Error) => {
          cleanup();
          reject(err);
        },
      );
    });
  }

  /** Parts of a streamed reply; each part must come within `idleTimeoutMs` of the previous one. */
  async *askStream(
    exchange: string,
    routingKey: string,
    target: string,
    event: CloudEvent,
    headers: Record<string, string | number>,
    idleTimeoutMs: number,
    signal?: AbortSignal,
    /** False for a request pool: the asker keeps the durable record. @default true */
    persistent = true,
  ): AsyncIterable<StreamPart> {
    const correlationId = randomUUID();
    const queue: StreamPart[] = [];
    let failure: Error | undefined;
    let wake: (() => void) | undefined;
    const notify = () => {
      wake?.();
      wake = undefined;
    };
    this.pending.set(correlationId, {
      onPart: (part) => {
        queue.push(part.kind === 'reply' ? { kind: 'end', body: part.body } : part);
        notify();
      },
      onError: (err) => {
        failure = err;
        notify();
      },
    });
    const onAbort = () => {
      failure = new CancelledError(`stream ask ${event.type} to ${target} cancelled`);
      notify();
    };
    signal?.addEventListener('abort', onAbort, { once: true });
    try {
      if (signal?.aborted) onAbort();
      else await this.publish(exchange, routingKey, event, { ...headers, [WARREN_HEADERS.TARGET]: target }, correlationId, persistent);
      for (;;) {
        if (queue.length === 0 && !failure) {
          let timer: NodeJS.Timeout | undefined;
          await new Promise<void>((resolve) => {
            wake = resolve;
            timer = setTimeout(() => {
              failure ??= new AskTimeoutError(target, event.type, idleTimeoutMs);
              resolve();
            }, idleTimeoutMs);
          });
          clearTimeout(timer);
        }
        const part = queue.shift();
        if (part) {
          yield part;
          if (part.kind === 'end') return;
          continue;
        }
        if (failure) throw failure;
      }
    } finally {
      signal?.removeEventListener('abort', onAbort);
      this.pending.delete(correlationId);
    }
  }

  /** Sends a reply, chunk or stream end to an asker (any channel may publish to a reply-to). */
  async reply(replyTo: string, correlationId: string, event: CloudEvent, headers: Record<string, string | number> = {}): Promise<void> {
    if (!this.channel) await this.connection.whenConnected(this.publishTimeoutMs);
    // No channel: fail loudly, so the message is not acked and its redelivery replies again.
    if (!this.channel) throw new ConnectionLostError('the ask channel is not open; the reply was not sent');
    this.channel.publish('', replyTo, Buffer.from(JSON.stringify(event)), {
      correlationId,
      type: event.type,
      messageId: event.id,
      contentType: 'application/cloudevents+json',
      headers,
    });
  }

  get pendingCount(): number {
    return this.pending.size;
  }

  /** Closes the ask channel, waiting for the broker at most the close limit. */
  async close(): Promise<void> {
    const ch = this.channel;
    this.channel = undefined;
    await this.connection.closeQuietly(ch, 'channel.close (asks)');
  }
}
