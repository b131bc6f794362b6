import { randomUUID } from 'node:crypto';
import { type CloudEvent, scopedTaskId } from '@warren/contracts';
import * as amqp from 'amqplib';
import { eventually } from './broker';

/** One event read from `warren.events`. */
export interface TappedEvent<D = Record<string, unknown>> {
  routingKey: string;
  kind: string;
  sessionId: string;
  event: CloudEvent & { data: D };
  headers: Record<string, unknown>;
  at: number;
}

/**
 * Plays a voice/RTC server with plain amqplib: publishes CloudEvents to `warren.ingress` and
 * reads `warren.events` through its own exclusive queue (bound to `session.#` by default).
 */
export class EventTap {
  readonly events: TappedEvent[] = [];
  /** The session each `say()` went to, by CloudEvent id (for `task()`). */
  private readonly said = new Map<string, string>();
  private connection: amqp.ChannelModel | undefined;
  private channel: amqp.ConfirmChannel | undefined;
  private closing = false;

  private constructor(
    private readonly url: string,
    private readonly pattern: string,
    /** A durable queue of this name (kept across a broker restart, reconnected to); else an exclusive one. */
    private readonly durableQueue: string | undefined,
  ) {}

  /**
   * Opens a tap on `url`. With `durableQueue` it reads a durable queue of that name and reconnects
   * when the broker goes away, so the events published meanwhile are not lost (a broker restart test).
   */
  static async open(url: string, pattern = 'session.#', options: { durableQueue?: string } = {}): Promise<EventTap> {
    const tap = new EventTap(url, pattern, options.durableQueue);
    await tap.connect();
    return tap;
  }

  private async connect(): Promise<void> {
    const connection = await amqp.connect(this.url, { noDelay: true });
    connection.on('error', () => undefined);
    const channel = await connection.createConfirmChannel();
    await channel.assertExchange('warren.events', 'topic', { durable: true });
    const { queue } = this.durableQueue
      ? await channel.assertQueue(this.durableQueue, { durable: true })
      : await channel.assertQueue('', { exclusive: true, autoDelete: true });
    await channel.bindQueue(queue, 'warren.events', this.pattern);
    await channel.consume(
      queue,
      (m) => {
        if (!m) return;
        const [, sessionId, kind] = m.fields.routingKey.split('.');
        this.events.push({
          routingKey: m.fields.routingKey,
          kind,
          sessionId,
          event: JSON.parse(m.content.toString()),
          headers: m.properties.headers ?? {},
          at: Date.now(),
        });
      },
      { noAck: true },
    );
    this.connection = connection;
    this.channel = channel;
    connection.on('close', () => {
      this.connection = undefined;
      this.channel = undefined;
      if (this.durableQueue && !this.closing) void this.reconnect();
    });
  }

  private async reconnect(): Promise<void> {
    while (!this.closing && !this.connection) {
      await new Promise((r) => setTimeout(r, 250));
      await this.connect().catch(() => undefined);
    }
  }

  /** Publishes `warren.session.message` for a session; resolves with the CloudEvent id (the task id). */
  async say(
    sessionId: string,
    text: string,
    opts: { id?: string; headers?: Record<string, unknown>; userId?: string; data?: object } = {},
  ): Promise<string> {
    const id = opts.id ?? randomUUID();
    this.said.set(id, sessionId);
    await this.publish(
      `session.${sessionId}.message`,
      { specversion: '1.0', id, source: 'test/rtc', type: 'warren.session.message', data: { text, ...opts.data } },
      opts.headers,
    );
    return id;
  }

  /** Publishes `warren.session.interrupt` (the turn in progress, or `taskId`). */
  async interrupt(sessionId: string, taskId?: string): Promise<void> {
    await this.publish(`session.${sessionId}.interrupt`, {
      specversion: '1.0',
      id: randomUUID(),
      source: 'test/rtc',
      type: 'warren.session.interrupt',
      data: taskId ? { taskId } : {},
    });
  }

  async publish(routingKey: string, body: object, headers: Record<string, unknown> = {}): Promise<void> {
    if (!this.channel) throw new Error('the tap is not connected');
    this.channel.publish('warren.ingress', routingKey, Buffer.from(JSON.stringify(body)), {
      persistent: true,
      contentType: 'application/cloudevents+json',
      headers,
    });
    await this.channel.waitForConfirms();
  }

  /**
   * The task id Warren keeps for a message this tap said (the ingress router scopes the CloudEvent
   * id to the tenant and session; events carry the CloudEvent id as `data.taskId`).
   */
  task(cloudEventId: string, tenant = 'dev'): string {
    const sessionId = this.said.get(cloudEventId);
    if (sessionId === undefined) throw new Error(`task(): ${cloudEventId} was not said through this tap`);
    return scopedTaskId(tenant, sessionId, cloudEventId);
  }

  /** Events of one task, in arrival order. */
  ofTask(taskId: string): TappedEvent[] {
    return this.events.filter((e) => (e.event.data as { taskId?: string })?.taskId === taskId);
  }

  /** Waits for the event of `kind` of a task (reply, failed, interrupted …). */
  async waitFor(taskId: string, kind: string, timeoutMs = 15_000): Promise<TappedEvent> {
    return eventually(() => this.ofTask(taskId).find((e) => e.kind === kind), `${kind} of task ${taskId}`, timeoutMs);
  }

  /** Waits for the end of a task: its reply, failed or interrupted event. */
  async waitForEnd(taskId: string, timeoutMs = 15_000): Promise<TappedEvent> {
    return eventually(
      () => this.ofTask(taskId).find((e) => e.kind === 'reply' || e.kind === 'failed' || e.kind === 'interrupted'),
      `end of task ${taskId}`,
      timeoutMs,
    );
  }

  async close(): Promise<void> {
    this.closing = true;
    await this.connection?.close().catch(() => undefined);
  }
}
