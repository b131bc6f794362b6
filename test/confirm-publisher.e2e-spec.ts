// The confirm publisher against the real broker: a publish whose confirm is still pending when its
// channel closes is a lost connection (ConnectionLostError), never "the broker rejected a publish".
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { ConnectionLostError, PublishRejectedError } from '@warren/contracts';
import { ConfirmPublisher } from '../libs/amqp/src/confirm-publisher';
import { ConnectionManager } from '../libs/amqp/src/connection-manager';
import { autoTeardown, eventually, useVhost } from './support/broker';

const execFileAsync = promisify(execFile);
const rabbitmqctl = (args: string[]) => execFileAsync('rabbitmqctl', args, { encoding: 'utf8' });

const vhost = useVhost('confirm');
const QUEUE = 'confirm-e2e';
let connection: ConnectionManager;
let publisher: ConfirmPublisher;

beforeAll(async () => {
  connection = new ConnectionManager({ url: vhost.url, connectRetries: 3, heartbeatSeconds: 10, name: 'confirm-e2e' });
  connection.onConnect(async (model) => {
    const ch = await model.createChannel();
    await ch.assertQueue(QUEUE, { durable: true });
    await ch.close();
  });
  await connection.start();
  autoTeardown({ close: () => connection.close() });
});

beforeEach(() => {
  publisher = new ConfirmPublisher(connection, 10_000);
  autoTeardown({ close: () => publisher.close() });
});

/** Persistent messages to a durable queue: the broker confirms them only after writing them. */
function burst(n: number): Promise<unknown>[] {
  const body = Buffer.alloc(4096, 'x');
  const outcomes: Promise<unknown>[] = [];
  for (let i = 0; i < n; i++) {
    outcomes.push(
      publisher.publish('', QUEUE, body, { persistent: true }).then(
        () => 'confirmed',
        (e: unknown) => e,
      ),
    );
  }
  return outcomes;
}

/** Like closeVhostConnections, but without blocking the event loop: publishing goes on meanwhile. */
async function dropConnections(vhostName: string): Promise<void> {
  const { stdout } = await rabbitmqctl(['-q', 'list_connections', 'pid', 'vhost']);
  for (const line of stdout.split('\n')) {
    const [pid, vh] = line.trim().split(/\s+/);
    if (pid && vh === vhostName) {
      await rabbitmqctl(['-q', 'close_connection', pid, 'test: connection dropped on purpose']).catch(() => undefined); // closed meanwhile
    }
  }
}

function expectOnlyLostConnections(outcomes: unknown[], what: RegExp): void {
  const failures = outcomes.filter((o) => o !== 'confirmed');
  expect(failures.length).toBeGreaterThan(0);
  for (const err of failures) {
    expect(err).toBeInstanceOf(ConnectionLostError);
    expect(err).not.toBeInstanceOf(PublishRejectedError);
    expect(err).toMatchObject({ code: 'WARREN_CONNECTION_LOST', retryable: true });
  }
  expect(failures.some((e) => what.test((e as Error).message))).toBe(true);
}

describe('publishes pending when the confirm channel closes', () => {
  test('closing the publisher with confirms pending fails them with ConnectionLostError naming the queue', async () => {
    await publisher.publish('', QUEUE, Buffer.from('warm-up'), { persistent: true }); // opens the channel
    const outcomes = burst(2000);
    await new Promise((r) => setImmediate(r)); // every publish is on the wire, most confirms are not back
    await publisher.close();
    expectOnlyLostConnections(
      await Promise.all(outcomes),
      /^the channel closed before the broker confirmed a publish to \(default\)\/confirm-e2e; it may or may not have been delivered$/,
    );
  });

  test('a dropped connection fails the publishes in flight with ConnectionLostError', async () => {
    await publisher.publish('', QUEUE, Buffer.from('warm-up'), { persistent: true });
    const outcomes: Promise<unknown>[] = [];
    let dropped = false;
    const publishing = (async () => {
      while (!dropped) {
        const batch = burst(200);
        outcomes.push(...batch);
        await Promise.all(batch);
      }
    })();
    await new Promise((r) => setTimeout(r, 100));
    await dropConnections(vhost.name);
    dropped = true;
    await publishing;
    expectOnlyLostConnections(await Promise.all(outcomes), /before the broker confirmed a publish to \(default\)\/confirm-e2e/);
    await eventually(() => connection.connected, 'the reconnection', 15_000);
  });

  test("a channel the broker closes (publish to a missing exchange) names the broker's reason", async () => {
    const err = await publisher.publish('no-such-exchange', 'k', Buffer.from('{}'), {}).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConnectionLostError);
    expect((err as Error).message).toContain('a publish to no-such-exchange/k');
    expect((err as Error).message).toContain("NOT_FOUND - no exchange 'no-such-exchange'");
    // The next publish opens a new channel and goes through.
    await publisher.publish('', QUEUE, Buffer.from('after'), { persistent: true });
  });
});
