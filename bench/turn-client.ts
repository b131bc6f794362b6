/** The bench's voice/RTC server: turns published to `warren.ingress`, their ends read from `warren.events`. */

import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { type ChannelModel, type ConfirmChannel, connect } from 'amqplib';

/** How a turn ended, as seen on `warren.events`. */
export interface TurnEnd {
  kind: 'reply' | 'failed' | 'interrupted';
  /** performance.now() when the event arrived in this process. */
  at: number;
  /** performance.now() when the turn's first `delta` event arrived (clients opened with `deltas`). */
  firstDeltaAt?: number;
  code?: string;
  /** The node whose actor emitted the end event (its CloudEvent source, `warren://node/<id>`). */
  node?: string;
}

/** Options of {@link TurnClient.open}. */
export interface TurnClientOptions {
  /** Keep every end event seen (the gateway bench follows task ids it learns from 202s). @default true */
  keepEnded?: boolean;
  /** Also bind `session.*.delta` and note when each waited-for turn's first delta arrives. @default false */
  deltas?: boolean;
}

/**
 * A voice/RTC server with amqplib alone: publishes `warren.session.message` CloudEvents to
 * `warren.ingress` (routing key `session.<id>.message`, persistent, on a confirm channel) and
 * reads the `reply`, `failed` and `interrupted` events of every session from `warren.events`
 * (deltas only when asked for, so the client otherwise pays only for the end of each turn).
 */
export class TurnClient {
  /** Every ended task id seen so far that nobody waited for (turns started elsewhere, e.g. through the gateway). */
  readonly ended = new Map<string, TurnEnd>();
  private readonly waiters = new Map<string, { resolve: (end: TurnEnd) => void; firstDeltaAt?: number }>();
  /** First deltas of turns not waited for yet (an HTTP turn's delta may come before its 202). */
  private readonly earlyDeltas = new Map<string, number>();
  published = 0;
  nacked = 0;
  private keepEnded = true;

  private constructor(
    private readonly connection: ChannelModel,
    private readonly channel: ConfirmChannel,
  ) {}

  static async open(url: string, opts: TurnClientOptions = {}): Promise<TurnClient> {
    const connection = await connect(url, { noDelay: true });
    const channel = await connection.createConfirmChannel();
    const client = new TurnClient(connection, channel);
    client.keepEnded = opts.keepEnded ?? true;
    const sub = await connection.createChannel();
    await sub.assertExchange('warren.events', 'topic', { durable: true });
    const { queue } = await sub.assertQueue('', { exclusive: true, autoDelete: true });
    const kinds = ['reply', 'failed', 'interrupted', ...(opts.deltas ? ['delta'] : [])];
    for (const kind of kinds) await sub.bindQueue(queue, 'warren.events', `session.*.${kind}`);
    await sub.consume(
      queue,
      (m) => {
        if (!m) return;
        const at = performance.now();
        const kind = m.fields.routingKey.slice(m.fields.routingKey.lastIndexOf('.') + 1);
        const event = JSON.parse(m.content.toString('utf8')) as { source?: string; data?: { taskId?: string; code?: string } };
        const data = event.data;
        const taskId = data?.taskId;
        if (!taskId) return;
        if (kind === 'delta') {
          client.onDelta(taskId, at);
          return;
        }
        const node = event.source?.startsWith('warren://node/') ? event.source.slice('warren://node/'.length) : undefined;
        client.onEnd(taskId, { kind: kind as TurnEnd['kind'], at, ...(data?.code ? { code: data.code } : {}), ...(node ? { node } : {}) });
      },
      { noAck: true },
    );
    return client;
  }

  private onDelta(taskId: string, at: number): void {
    const waiter = this.waiters.get(taskId);
    if (waiter) waiter.firstDeltaAt ??= at;
    else if (this.keepEnded && !this.earlyDeltas.has(taskId)) this.earlyDeltas.set(taskId, at);
  }

  private onEnd(taskId: string, end: TurnEnd): void {
    const waiter = this.waiters.get(taskId);
    if (waiter) {
      this.waiters.delete(taskId);
      waiter.resolve(waiter.firstDeltaAt === undefined ? end : { ...end, firstDeltaAt: waiter.firstDeltaAt });
      return;
    }
    if (!this.keepEnded) return;
    const early = this.earlyDeltas.get(taskId);
    this.earlyDeltas.delete(taskId);
    this.ended.set(taskId, early === undefined ? end : { ...end, firstDeltaAt: early });
  }

  /**
   * Resolves when the turn `taskId` ends (at once when it already has: clients that keep ended
   * turns); for turns whose id is learnt after they started, e.g. from a 202.
   */
  waitFor(taskId: string): Promise<TurnEnd> {
    const done = this.ended.get(taskId);
    if (done) {
      this.ended.delete(taskId);
      return Promise.resolve(done);
    }
    return new Promise<TurnEnd>((resolve) => {
      const early = this.earlyDeltas.get(taskId);
      this.earlyDeltas.delete(taskId);
      this.waiters.set(taskId, { resolve, ...(early === undefined ? {} : { firstDeltaAt: early }) });
    });
  }

  /**
   * Publishes one user message (no wait for the confirm: a nack is counted) and resolves when
   * the turn's reply, failed or interrupted event arrives.
   */
  turn(sessionId: string, text = 'hello', id: string = randomUUID()): Promise<TurnEnd> {
    const ended = new Promise<TurnEnd>((resolve) => this.waiters.set(id, { resolve }));
    const body = { specversion: '1.0', id, source: 'bench/rtc', type: 'warren.session.message', data: { text } };
    this.channel.publish(
      'warren.ingress',
      `session.${sessionId}.message`,
      Buffer.from(JSON.stringify(body)),
      { persistent: true, contentType: 'application/cloudevents+json', messageId: id },
      (err) => {
        if (err) this.nacked++;
      },
    );
    this.published++;
    return ended;
  }

  /** Turns still waiting for their end. */
  get pending(): number {
    return this.waiters.size;
  }

  /** Stops waiting for everything still pending (after a timeout). */
  forget(): void {
    this.waiters.clear();
  }

  async close(): Promise<void> {
    await this.connection.close().catch(() => undefined);
  }
}
