import type { ControlCommand } from '@warren/actors';
import type { ChannelModel } from 'amqplib';
import type { ConnectionManager } from './connection-manager';
import { controlQueue, EXCHANGES } from './names';

/**
 * This node's exclusive queue on the `warren.control` fanout: every node hears every
 * `cancel(taskId)`, and the one running that task aborts it.
 */
export class ControlConsumer {
  private readonly handlers: ((command: ControlCommand) => void)[] = [];
  private closeChannel: (() => Promise<void>) | undefined;

  constructor(
    connection: ConnectionManager,
    private readonly nodeId: string,
  ) {
    connection.onConnect((model) => this.open(model));
  }

  onCommand(handler: (command: ControlCommand) => void): void {
    this.handlers.push(handler);
  }

  private async open(model: ChannelModel): Promise<void> {
    const ch = await model.createChannel();
    ch.on('error', () => undefined);
    const q = controlQueue(this.nodeId);
    await ch.assertQueue(q, { exclusive: true, autoDelete: true, durable: false });
    await ch.bindQueue(q, EXCHANGES.CONTROL, '');
    await ch.consume(
      q,
      (msg) => {
        if (!msg) return;
        try {
          const command = JSON.parse(msg.content.toString('utf8')) as ControlCommand;
          if (command?.kind === 'cancel' && typeof command.taskId === 'string') for (const h of this.handlers) h(command);
        } catch {
          // not a command: ignore (control messages are advisory)
        }
      },
      { noAck: true },
    );
    this.closeChannel = () => ch.close();
  }

  async close(): Promise<void> {
    await this.closeChannel?.().catch(() => undefined);
  }
}
