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
  private constructor(
    private readonly connection: amqp.ChannelModel,
    private readonly channel: amqp.ConfirmChannel,
  ) {}

  static async open(url: string, pattern = 'session.#'): Promise<EventTap> {
    const connection = await amqp.connect(url, { noDelay: true });
    const channel = await connection.createConfirmChannel();
    const tap = new EventTap(connection, channel);
    await channel.assertExchange('warren.events', 'topic', { durable: true });
    const { queue } = await channel.assertQueue('', { exclusive: true, autoDelete: true });
    await channel.bindQueue(queue, 'warren.events', pattern);
    await channel.consume(
      queue,
      (m) => {
        if (!m) return;
        const [, sessionId, kind] = m.fields.routingKey.split('.');
        tap.events.push({
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
    return tap;
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
    await this.connection.close().catch(() => undefined);
  }
}
