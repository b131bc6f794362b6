import { NoRouteError, PublishRejectedError } from '@warren/contracts';
import type { ChannelModel, ConfirmChannel, Message, Options } from 'amqplib';
import type { ConnectionManager } from './connection-manager';

/**
 * Publishes with publisher confirms on one confirm channel per connection. A publish
 * resolves when the broker has the message; during an outage it waits for the connection
 * (up to `publishTimeoutMs`) and then fails with a typed error: it never vanishes.
 */
export class ConfirmPublisher {
  private channel: Promise<ConfirmChannel> | undefined;
  /** Message ids the broker returned as unroutable; their confirm then fails with NoRouteError. */
  private readonly returned = new Set<string>();

  constructor(
    private readonly connection: ConnectionManager,
    private readonly publishTimeoutMs: number,
  ) {
    connection.onDisconnect(() => {
      this.channel = undefined;
    });
  }

  private open(model: ChannelModel): Promise<ConfirmChannel> {
    const opening = model.createConfirmChannel().then((ch) => {
      ch.on('error', () => undefined);
      ch.on('close', () => {
        if (this.channel === opening) this.channel = undefined;
      });
      ch.on('return', (msg: Message) => {
        const id = msg.properties.messageId as string | undefined;
        if (id) this.returned.add(id);
      });
      return ch;
    });
    opening.catch(() => {
      if (this.channel === opening) this.channel = undefined;
    });
    return opening;
  }

  private async channelFor(): Promise<ConfirmChannel> {
    if (!this.channel) {
      const model = await this.connection.whenConnected(this.publishTimeoutMs);
      this.channel ??= this.open(model);
    }
    return this.channel;
  }

  /**
   * Publishes and waits for the confirm. `mandatory` publishes need a `messageId` so a
   * broker return can be matched to them (then: `NoRouteError`).
   */
  async publish(exchange: string, routingKey: string, body: Buffer, options: Options.Publish): Promise<void> {
    const ch = await this.channelFor();
    const id = options.messageId;
    await new Promise<void>((resolve, reject) => {
      // amqplib calls every pending confirm callback with an error when the channel closes.
      let settled = false;
      const finish = (err: unknown) => {
        if (settled) return;
        settled = true;
        const wasReturned = options.mandatory && id !== undefined && this.returned.delete(id);
        if (err) reject(err instanceof Error ? err : new PublishRejectedError(exchange, routingKey));
        else if (wasReturned) reject(new NoRouteError(exchange, routingKey));
        else resolve();
      };
      try {
        ch.publish(exchange, routingKey, body, options, (err) => finish(err ? new PublishRejectedError(exchange, routingKey) : null));
      } catch (err) {
        finish(err);
      }
    });
  }

  async close(): Promise<void> {
    const ch = await this.channel?.catch(() => undefined);
    this.channel = undefined;
    await ch?.close().catch(() => undefined);
  }
}
