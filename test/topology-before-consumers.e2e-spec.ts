// Every hosted type's queues are declared before the first consumer takes a message. A relay
// entity with a backlog forwards each message to a worker pool that did not exist before this
// start: the tells must all arrive. Were the relay consumed before the pool's queue was bound,
// its tells would be returned unroutable (WARREN_NO_ROUTE, not retryable) and dead-lettered.

import { execFileSync } from 'node:child_process';
import { Actor, type ActorContext, Handle } from '@warren/actors';
import { Message } from '@warren/contracts';
import { IsString } from 'class-validator';
import { eventually, queueDepth, useVhost } from './support/broker';
import { startRuntime } from './support/runtime';

@Message('test.relay.forward')
class Forward {
  @IsString() value!: string;
}

@Message('test.sink.collect')
class Collect {
  @IsString() value!: string;
}

@Actor('relay')
class RelayActor {
  @Handle(Forward)
  async forward(msg: Forward, ctx: ActorContext): Promise<void> {
    await ctx.tell('sink/all', Object.assign(new Collect(), { value: msg.value }));
  }
}

const collected: string[] = [];

@Actor('sink', { kind: 'worker' })
class SinkWorker {
  @Handle(Collect)
  collect(msg: Collect): void {
    collected.push(msg.value);
  }
}

const vhost = useVhost('topology-first');

/** Queues of the vhost whose name starts with `prefix` and that have a consumer, from the broker. */
function consumersOf(prefix: string): number {
  const out = execFileSync('rabbitmqctl', ['-q', 'list_consumers', '-p', vhost.name, 'queue_name'], { encoding: 'utf8' });
  return new Set(
    out
      .split('\n')
      .map((line) => line.trim().split(/\s+/)[0] ?? '')
      .filter((queue) => queue.startsWith(prefix)),
  ).size;
}

test('AmqpTransport#startConsumers() declares every held type before consuming: a backlog reaches a pool new to this start', async () => {
  // A first start knew only the relay: its shards exist, the sink's queue does not.
  const first = await startRuntime(vhost.url, [{ instance: new RelayActor() }], { amqp: { shardCount: 2, nodeId: 'first' } });
  await first.stop();
  const client = await startRuntime(vhost.url, [], { kinds: { relay: 'entity' }, amqp: { shardCount: 2, nodeId: 'client' } });
  const sent = Array.from({ length: 40 }, (_, i) => `m${i}`);
  for (const [i, value] of sent.entries()) await client.runtime.ref(`relay/r${i % 8}`).tell(Object.assign(new Forward(), { value }));

  // The second start hosts both, as WarrenServer does: hold, host each type, then start.
  const second = await startRuntime(vhost.url, [], { amqp: { shardCount: 2, nodeId: 'second' } });
  second.transport.holdConsumers();
  await second.runtime.host(new RelayActor());
  await second.runtime.host(new SinkWorker(), { keys: ['all'] });
  expect(consumersOf('warren.relay.')).toBe(0); // held: hosting registered, consumed nothing yet
  await second.transport.startConsumers();
  // The shards are consumed once the node's shard coordinator takes them (after its join window).
  await eventually(() => consumersOf('warren.relay.') === 2, 'both relay shards to be consumed', 20_000);

  await eventually(() => collected.length >= 40, 'every forward to reach the sink', 20_000);
  expect([...collected].sort()).toEqual([...sent].sort());
  expect(queueDepth(vhost.name, 'warren.dead')).toBe(0);
});
