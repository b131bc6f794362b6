import { ConnectionLostError, NoRouteError, PublishRejectedError } from '@warren/contracts';
import type { ChannelModel, ConfirmChannel, Message, Options } from 'amqplib';
import { BrokerTimeoutError } from './broker-timeout';
import type { ConnectionManager } from './connection-manager';

/**
 * Publishes with publisher confirms on one confirm channel per connection. A publish
 * resolves when the broker has the message; during an outage it waits for the connection
 * (up to `publishTimeoutMs`), and for the confirm (up to `publishTimeoutMs` again), then fails
 * with a typed error: it never vanishes and never waits forever.
 */
export class ConfirmPublisher {
  private channel: Promise<ConfirmChannel> | undefined;
  /** Message ids the broker returned as unroutable; their confirm then fails with NoRouteError. */
  private readonly returned = new Set<string>();
  /** Why the broker closed a channel (e.g. a publish to a missing exchange), named in the errors of its pending publishes. */
  private readonly closeReasons = new WeakMap<ConfirmChannel, Error>();

  constructor(
    private readonly connection: ConnectionManager,
    private readonly publishTimeoutMs: number,
  ) {
    connection.onDisconnect(() => {
      this.channel = undefined;
    });
  }

  private open(model: ChannelModel): Promise<ConfirmChannel> {
    const opening = this.connection.op(model, model.createConfirmChannel(), 'channel.open + confirm.select (publishes)').then((ch) => {
      ch.on('error', (err: Error) => this.closeReasons.set(ch, err)); // emitted before 'close'
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
   * Publishes and waits for the confirm, at most `publishTimeoutMs` (then `BrokerTimeoutError`:
   * the message may or may not have arrived; a retry with the same message id is safe).
   * `mandatory` publishes need a `messageId` so a broker return can be matched to them (then:
   * `NoRouteError`).
   */
  async publish(exchange: string, routingKey: string, body: Buffer, options: Options.Publish, immediate = false): Promise<void> {
    // `immediate`: no waiting for a new connection (an actor's outbox is fenced to the connection that fed it).
    if (immediate && !this.connection.connected) {
      throw new ConnectionLostError(`not connected: a publish to ${exchange || '(default)'}/${routingKey} was not sent`);
    }
    const ch = await this.channelFor();
    const id = options.messageId;
    await new Promise<void>((resolve, reject) => {
      // amqplib calls every pending confirm callback with an error when the channel closes:
      // that is a lost connection (ConnectionLostError), not a broker nack (PublishRejectedError).
      let settled = false;
      const timer = setTimeout(() => {
        if (options.mandatory && id !== undefined) this.returned.delete(id);
        finish(new BrokerTimeoutError(`the confirm of a publish to ${exchange || '(default)'}/${routingKey}`, this.publishTimeoutMs));
      }, this.publishTimeoutMs);
      const finish = (err: unknown) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        const wasReturned = options.mandatory && id !== undefined && this.returned.delete(id);
        if (err) reject(err instanceof Error ? err : new PublishRejectedError(exchange, routingKey));
        else if (wasReturned) reject(new NoRouteError(exchange, routingKey));
        else resolve();
      };
      try {
        ch.publish(exchange, routingKey, body, options, (err) => {
          if (!err) finish(null);
          else if (channelClosed(err)) finish(this.lost(ch, err, exchange, routingKey, true));
          else finish(new PublishRejectedError(exchange, routingKey)); // 'message nacked'
        });
      } catch (err) {
        finish(channelClosed(err) ? this.lost(ch, err, exchange, routingKey, false) : err);
      }
    });
  }

  /** A channel closed under a publish: retryable, with the broker's reason when it closed the channel itself. */
  private lost(ch: ConfirmChannel, err: Error, exchange: string, routingKey: string, sent: boolean): ConnectionLostError {
    const where = `${exchange || '(default)'}/${routingKey}`;
    const what = sent
      ? `the channel closed before the broker confirmed a publish to ${where}; it may or may not have been delivered`
      : `the channel closed; a publish to ${where} was not sent`;
    const reason = this.closeReasons.get(ch);
    return new ConnectionLostError(reason ? `${what} (${reason.message})` : what, { cause: reason ?? err });
  }

  /** Closes the confirm channel (unconfirmed publishes fail with `ConnectionLostError`), waiting at most the close limit. */
  async close(): Promise<void> {
    const ch = await this.channel?.catch(() => undefined);
    this.channel = undefined;
    await this.connection.closeQuietly(ch, 'channel.close (publishes)');
  }
}

/**
 * amqplib's confirm callbacks get `Error('message nacked')` for a broker nack and
 * `Error('channel closed')` for every publish still unconfirmed when the channel closes
 * (shutdown, connection loss); a publish on a channel already closing throws
 * `IllegalOperationError('Channel closing' / 'Channel closed')`.
 */
function channelClosed(err: unknown): err is Error {
  return err instanceof Error && /channel clos(ed|ing)/i.test(err.message);
}
