import { EventEmitter } from 'node:events';
import { ConnectionLostError, NoRouteError, PublishRejectedError } from '@warren/contracts';
import type { ChannelModel, Message } from 'amqplib';
import { BrokerTimeoutError } from './broker-timeout';
import { ConfirmPublisher } from './confirm-publisher';
import type { ConnectionManager } from './connection-manager';

type ConfirmCallback = (err: Error | null) => void;

/**
 * A confirm channel stand-in that settles confirms the way amqplib 2.x (lib/channel.js) does:
 * `nack` calls the callback with Error('message nacked'); a closing channel calls every
 * pending callback with Error('channel closed'); a publish on a closing channel throws
 * IllegalOperationError('Channel closing'). A broker-initiated close emits 'error' first.
 */
class FakeConfirmChannel extends EventEmitter {
  pending: ConfirmCallback[] = [];
  closing = false;
  publish(_exchange: string, _routingKey: string, _body: Buffer, _options: object, cb: ConfirmCallback): boolean {
    if (this.closing) throw new Error('Channel closing');
    this.pending.push(cb);
    return true;
  }
  ack() {
    this.pending.shift()?.(null);
  }
  nack() {
    this.pending.shift()?.(new Error('message nacked'));
  }
  closeWithPending(serverError?: Error) {
    if (serverError) this.emit('error', serverError);
    const err = new Error('channel closed');
    for (const cb of this.pending.splice(0)) cb(err);
    this.emit('close');
  }
  async close() {
    this.closeWithPending();
  }
}

function publisherWith(ch: FakeConfirmChannel, publishTimeoutMs = 1_000): ConfirmPublisher {
  const model = { createConfirmChannel: async () => ch } as unknown as ChannelModel;
  const connection = {
    onDisconnect: () => undefined,
    whenConnected: async () => model,
    op: <T>(_model: ChannelModel, operation: Promise<T>) => operation,
    closeQuietly: async (c?: { close(): Promise<unknown> }) => void (await c?.close()),
  } as unknown as ConnectionManager;
  return new ConfirmPublisher(connection, publishTimeoutMs);
}

/** Starts a publish and waits until it reached the channel (its confirm is pending); wrapped, so awaiting this does not await the publish. */
async function inFlight(
  ch: FakeConfirmChannel,
  publisher: ConfirmPublisher,
  exchange: string,
  routingKey: string,
  messageId?: string,
): Promise<{ publishing: Promise<void> }> {
  const before = ch.pending.length;
  const result = publisher.publish(exchange, routingKey, Buffer.from('{}'), { mandatory: messageId !== undefined, messageId });
  result.catch(() => undefined);
  while (ch.pending.length === before) await new Promise((r) => setImmediate(r));
  return { publishing: result };
}

describe('ConfirmPublisher', () => {
  test('an ack resolves the publish', async () => {
    const ch = new FakeConfirmChannel();
    const { publishing } = await inFlight(ch, publisherWith(ch), 'warren.workers', 'echo.a');
    ch.ack();
    await expect(publishing).resolves.toBeUndefined();
  });

  test('a confirm that never comes rejects with BrokerTimeoutError after publishTimeoutMs', async () => {
    const ch = new FakeConfirmChannel();
    const { publishing } = await inFlight(ch, publisherWith(ch, 30), 'warren.actors.counter', 'c-1');
    const err = await publishing.catch((e: unknown) => e);
    expect(err).toBeInstanceOf(BrokerTimeoutError);
    expect(err).toMatchObject({ code: 'WARREN_BROKER_UNAVAILABLE', retryable: true, timeoutMs: 30 });
    expect((err as Error).message).toBe('RabbitMQ did not answer the confirm of a publish to warren.actors.counter/c-1 within 30 ms');
    ch.ack(); // a late confirm changes nothing
  });

  test('a broker nack rejects with PublishRejectedError', async () => {
    const ch = new FakeConfirmChannel();
    const { publishing } = await inFlight(ch, publisherWith(ch), 'warren.workers', 'echo.a');
    ch.nack();
    await expect(publishing).rejects.toBeInstanceOf(PublishRejectedError);
    await expect(publishing).rejects.toMatchObject({ code: 'WARREN_PUBLISH_REJECTED' });
  });

  test('a publish still unconfirmed when the channel closes rejects with a retryable ConnectionLostError naming where it went', async () => {
    const ch = new FakeConfirmChannel();
    const publisher = publisherWith(ch);
    const { publishing: first } = await inFlight(ch, publisher, 'warren.actors.counter', 'c-1');
    const { publishing: second } = await inFlight(ch, publisher, '', 'warren.dead-letters');
    ch.closeWithPending();
    for (const publishing of [first, second]) {
      await expect(publishing).rejects.toBeInstanceOf(ConnectionLostError);
      await expect(publishing).rejects.not.toBeInstanceOf(PublishRejectedError);
    }
    const err = (await first.catch((e: unknown) => e)) as ConnectionLostError;
    expect(err).toMatchObject({ code: 'WARREN_CONNECTION_LOST', retryable: true });
    expect(err.message).toBe(
      'the channel closed before the broker confirmed a publish to warren.actors.counter/c-1; it may or may not have been delivered',
    );
    expect(((await second.catch((e: unknown) => e)) as Error).message).toContain('(default)/warren.dead-letters');
  });

  test("when the broker closed the channel, the error names the broker's reason", async () => {
    const ch = new FakeConfirmChannel();
    const { publishing } = await inFlight(ch, publisherWith(ch), 'warren.actors.gone', 'k');
    const reason = new Error('Channel closed by server: 404 (NOT-FOUND) with message "NOT_FOUND - no exchange \'warren.actors.gone\'"');
    ch.closeWithPending(reason);
    const err = (await publishing.catch((e: unknown) => e)) as ConnectionLostError;
    expect(err).toBeInstanceOf(ConnectionLostError);
    expect(err.message).toContain("NOT_FOUND - no exchange 'warren.actors.gone'");
    expect(err.cause).toBe(reason);
  });

  test('a publish on a channel that is already closing rejects with ConnectionLostError', async () => {
    const ch = new FakeConfirmChannel();
    const publisher = publisherWith(ch);
    await inFlight(ch, publisher, 'warren.workers', 'echo.a'); // opens the channel
    ch.closing = true;
    const err = await publisher.publish('warren.workers', 'echo.b', Buffer.from('{}'), {}).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConnectionLostError);
    expect((err as Error).message).toBe('the channel closed; a publish to warren.workers/echo.b was not sent');
  });

  test('a mandatory publish the broker returned rejects with NoRouteError', async () => {
    const ch = new FakeConfirmChannel();
    const { publishing } = await inFlight(ch, publisherWith(ch), 'warren.actors.counter', 'nobody', 'm-1');
    ch.emit('return', { properties: { messageId: 'm-1' } } as unknown as Message);
    ch.ack();
    await expect(publishing).rejects.toBeInstanceOf(NoRouteError);
  });
});
