import { BrokerUnavailableError } from '@warren/contracts';
import type { Channel } from 'amqplib';
import {
  actorExchange,
  DEAD_LETTER_QUEUE,
  EXCHANGES,
  ingressShardQueue,
  retryTier,
  shardQueue,
  workerQueue,
  workerRoutingKey,
} from './names';

/** What to declare: the types and pools this node hosts or sends to. */
export interface TopologySpec {
  shardCount: number;
  deliveryLimit: number;
  entityTypes: string[];
  workerPools: { type: string; key: string }[];
  retryTiersMs: number[];
  /** Declare the ingress exchanges and shards (nodes that host the ingress router). */
  ingress: boolean;
}

/**
 * Arguments of shard and worker queues. Quorum queue arguments are immutable: changing any
 * of these needs a new queue name or a migration, never a silent redeclare.
 */
export function workQueueArguments(deliveryLimit: number, singleActiveConsumer: boolean): Record<string, unknown> {
  return {
    'x-queue-type': 'quorum',
    ...(singleActiveConsumer ? { 'x-single-active-consumer': true } : {}),
    // A message that crashes its consumer again and again ends in warren.dead, not in a loop.
    'x-delivery-limit': deliveryLimit,
    'x-dead-letter-exchange': '',
    'x-dead-letter-routing-key': DEAD_LETTER_QUEUE,
    // Broker dead-lettering out of a quorum queue is at-most-once unless asked otherwise.
    'x-dead-letter-strategy': 'at-least-once',
    'x-overflow': 'reject-publish',
  };
}

/** Declares every exchange, queue and binding of `spec`; idempotent. */
export async function declareTopology(ch: Channel, spec: TopologySpec): Promise<void> {
  await ch.assertExchange(EXCHANGES.EVENTS, 'topic', { durable: true });
  await ch.assertExchange(EXCHANGES.WORKERS, 'direct', { durable: true });
  await ch.assertExchange(EXCHANGES.CONTROL, 'fanout', { durable: true });
  await ch.assertQueue(DEAD_LETTER_QUEUE, { durable: true, arguments: { 'x-queue-type': 'quorum' } });

  for (const type of spec.entityTypes) {
    const exchange = actorExchange(type);
    await assertHashExchange(ch, exchange);
    for (let n = 0; n < spec.shardCount; n++) {
      const q = shardQueue(type, n);
      await ch.assertQueue(q, { durable: true, arguments: workQueueArguments(spec.deliveryLimit, true) });
      // The binding key of a consistent-hash exchange is a weight, not a shard number.
      await ch.bindQueue(q, exchange, '1');
    }
  }
  for (const pool of spec.workerPools) {
    const q = workerQueue(pool.type, pool.key);
    await ch.assertQueue(q, { durable: true, arguments: workQueueArguments(spec.deliveryLimit, false) });
    await ch.bindQueue(q, EXCHANGES.WORKERS, workerRoutingKey(pool.type, pool.key));
  }
  for (const delay of spec.retryTiersMs) {
    const name = retryTier(delay);
    await ch.assertExchange(name, 'fanout', { durable: true });
    await ch.assertQueue(name, {
      durable: true,
      arguments: {
        'x-queue-type': 'quorum',
        'x-message-ttl': delay,
        // On expiry the message goes back through the default exchange with the routing key it
        // was published with: the name of the queue it came from.
        'x-dead-letter-exchange': '',
        'x-dead-letter-strategy': 'at-least-once',
        'x-overflow': 'reject-publish',
      },
    });
    await ch.bindQueue(name, name, '');
  }
  if (spec.ingress) {
    await ch.assertExchange(EXCHANGES.INGRESS, 'topic', { durable: true });
    await assertHashExchange(ch, EXCHANGES.INGRESS_HASH);
    await ch.bindExchange(EXCHANGES.INGRESS_HASH, EXCHANGES.INGRESS, 'session.*.*');
    for (let n = 0; n < spec.shardCount; n++) {
      const q = ingressShardQueue(n);
      await ch.assertQueue(q, { durable: true, arguments: workQueueArguments(spec.deliveryLimit, true) });
      await ch.bindQueue(q, EXCHANGES.INGRESS_HASH, '1');
    }
  }
}

/**
 * Declares a consistent-hash exchange. Without the broker plugin the broker closes the whole
 * connection ("unknown exchange type"), which reaches us only as "Channel ended": say what to do.
 */
async function assertHashExchange(ch: Channel, name: string): Promise<void> {
  try {
    await ch.assertExchange(name, 'x-consistent-hash', { durable: true });
  } catch (error) {
    throw new BrokerUnavailableError(
      `could not declare the x-consistent-hash exchange ${name}: is the RabbitMQ plugin enabled? ` +
        'Run: rabbitmq-plugins enable rabbitmq_consistent_hash_exchange',
      { cause: error, retryable: false },
    );
  }
}
