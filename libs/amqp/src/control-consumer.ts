import type { ControlCommand } from '@warren/actors';
import type { Channel, ChannelModel } from 'amqplib';
import type { ConnectionManager } from './connection-manager';
import { controlQueue, EXCHANGES } from './names';

/** The commands this node acts on: a cancel with its task id, a health announcement of a node, a member announcement. */
function isControlCommand(c: ControlCommand | null | undefined): c is ControlCommand {
  if (c?.kind === 'cancel') return typeof c.taskId === 'string';
  if (c?.kind === 'health')
    return typeof c.node === 'string' && typeof c.at === 'number' && typeof c.endpoints === 'object' && c.endpoints !== null;
  if (c?.kind === 'member') {
    const m = c.member;
    return (
      typeof m?.nodeId === 'string' &&
      typeof m.startedAt === 'number' &&
      Array.isArray(m.types) &&
      typeof m.owned === 'object' &&
      m.owned !== null &&
      Object.values(m.owned).every((list) => Array.isArray(list) && list.every((n) => Number.isInteger(n)))
    );
  }
  return false;
}

/**
 * This node's exclusive queue on the `warren.control` fanout: every node hears every
 * `cancel(taskId)`, and the one running that task aborts it, every node's health announcements, and
 * every runtime node's membership announcement (heartbeat, shards owned, leaving).
 */
export class ControlConsumer {
  private readonly handlers: ((command: ControlCommand) => void)[] = [];
  private channel: Channel | undefined;

  constructor(
    private readonly connection: ConnectionManager,
    private readonly nodeId: string,
  ) {
    connection.onConnect((model) => this.open(model));
  }

  onCommand(handler: (command: ControlCommand) => void): void {
    this.handlers.push(handler);
  }

  private async open(model: ChannelModel): Promise<void> {
    const op = <T>(p: Promise<T>, what: string) => this.connection.op(model, p, what);
    const ch = await op(model.createChannel(), 'channel.open (control)');
    ch.on('error', () => undefined);
    const q = controlQueue(this.nodeId);
    await op(ch.assertQueue(q, { exclusive: true, autoDelete: true, durable: false }), `queue.declare ${q}`);
    await op(ch.bindQueue(q, EXCHANGES.CONTROL, ''), `queue.bind ${q}`);
    const consuming = ch.consume(
      q,
      (msg) => {
        if (!msg) return;
        try {
          const command = JSON.parse(msg.content.toString('utf8')) as ControlCommand;
          if (isControlCommand(command)) for (const h of this.handlers) h(command);
        } catch {
          // not a command: ignore (control messages are advisory)
        }
      },
      { noAck: true },
    );
    await op(consuming, `basic.consume ${q}`);
    this.channel = ch;
  }

  /** Closes the control channel (the broker deletes the exclusive queue), waiting at most the close limit. */
  async close(): Promise<void> {
    const ch = this.channel;
    this.channel = undefined;
    await this.connection.closeQuietly(ch, 'channel.close (control)');
  }
}
