import { BrokerUnavailableError } from '@warren/contracts';
import type { Channel } from 'amqplib';
import {
  actorExchange,
  DEAD_LETTER_QUEUE,
  EXCHANGES,
  ingressShardQueue,
  KNOWLEDGE_BINDING,
  KNOWLEDGE_QUEUE,
  requestQueue,
  requestRoutingKey,
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
  /** Worker types whose pools are request pools (classic queues, transient messages). */
  requestPools?: string[];
  retryTiersMs: number[];
  /** Declare the ingress exchanges and shards (nodes that host the ingress router). */
  ingress: boolean;
  /** Declare `warren.knowledge` and its queue (nodes that host the knowledge ingest worker). @default false */
  knowledge?: boolean;
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

/**
 * Arguments of a request pool's queue: classic (a quorum queue writes and replicates every message),
 * durable (declared once; RabbitMQ 4 deprecates transient non-exclusive queues); its messages are
 * published transient, so a broker restart drops the requests in it and their askers ask again.
 */
export const REQUEST_QUEUE_ARGUMENTS: Readonly<Record<string, unknown>> = Object.freeze({ 'x-queue-type': 'classic' });

/** Waits for one broker answer within a limit (`ConnectionManager#op`); `what` names it in the error. */
export type Bounded = <T>(op: Promise<T>, what: string) => Promise<T>;

const unbounded: Bounded = (op) => op;

/** Counts of what `declareTopology` declares, for the start-up log. */
export function topologySize(spec: TopologySpec): { queues: number; exchanges: number } {
  const entityQueues = spec.entityTypes.length * spec.shardCount + (spec.ingress ? spec.shardCount : 0);
  return {
    queues: 1 + entityQueues + spec.workerPools.length + spec.retryTiersMs.length + (spec.knowledge ? 1 : 0),
    exchanges: 3 + spec.entityTypes.length + spec.retryTiersMs.length + (spec.ingress ? 2 : 0) + (spec.knowledge ? 1 : 0),
  };
}

/** How `declareTopology` talks to the broker. */
export interface DeclareOptions {
  /** Limits each wait for an answer. @default no limit */
  bounded?: Bounded;
  /**
   * Declarations already done on this connection (by their description, e.g. `queue.declare
   * warren.session.shard.0`): skipped, and added to as they succeed. Re-declaring a quorum queue
   * is not free: the broker asks the queue's Raft leader for its counts each time.
   */
  done?: Set<string>;
}

/**
 * Declares every exchange, queue and binding of `spec`; idempotent. One answer at a time, each
 * waited for through `bounded` (a broker that stops answering fails the declaration instead of
 * holding it forever); what `done` holds is not declared again.
 */
export async function declareTopology(ch: Channel, spec: TopologySpec, options: DeclareOptions = {}): Promise<void> {
  const bounded = options.bounded ?? unbounded;
  const step = async (what: string, run: () => Promise<unknown>): Promise<void> => {
    if (options.done?.has(what)) return;
    await bounded(run(), what);
    options.done?.add(what);
  };
  await step(`exchange.declare ${EXCHANGES.EVENTS}`, () => ch.assertExchange(EXCHANGES.EVENTS, 'topic', { durable: true }));
  await step(`exchange.declare ${EXCHANGES.WORKERS}`, () => ch.assertExchange(EXCHANGES.WORKERS, 'direct', { durable: true }));
  await step(`exchange.declare ${EXCHANGES.CONTROL}`, () => ch.assertExchange(EXCHANGES.CONTROL, 'fanout', { durable: true }));
  await step(`queue.declare ${DEAD_LETTER_QUEUE}`, () =>
    ch.assertQueue(DEAD_LETTER_QUEUE, { durable: true, arguments: { 'x-queue-type': 'quorum' } }),
  );

  for (const type of spec.entityTypes) {
    const exchange = actorExchange(type);
    await step(`exchange.declare ${exchange}`, () => assertHashExchange(ch, exchange));
    for (let n = 0; n < spec.shardCount; n++) {
      const q = shardQueue(type, n);
      await step(`queue.declare ${q}`, () => ch.assertQueue(q, { durable: true, arguments: workQueueArguments(spec.deliveryLimit, true) }));
      // The binding key of a consistent-hash exchange is a weight, not a shard number.
      await step(`queue.bind ${q}`, () => ch.bindQueue(q, exchange, '1'));
    }
  }
  for (const pool of spec.workerPools) {
    if (spec.requestPools?.includes(pool.type)) {
      // A request pool: the asker keeps the durable record, so no disk and no Raft for its messages.
      const q = requestQueue(pool.type, pool.key);
      await step(`queue.declare ${q}`, () => ch.assertQueue(q, { durable: true, arguments: REQUEST_QUEUE_ARGUMENTS }));
      await step(`queue.bind ${q}`, () => ch.bindQueue(q, EXCHANGES.WORKERS, requestRoutingKey(pool.type, pool.key)));
      continue;
    }
    const q = workerQueue(pool.type, pool.key);
    await step(`queue.declare ${q}`, () => ch.assertQueue(q, { durable: true, arguments: workQueueArguments(spec.deliveryLimit, false) }));
    await step(`queue.bind ${q}`, () => ch.bindQueue(q, EXCHANGES.WORKERS, workerRoutingKey(pool.type, pool.key)));
  }
  for (const delay of spec.retryTiersMs) {
    const name = retryTier(delay);
    await step(`exchange.declare ${name}`, () => ch.assertExchange(name, 'fanout', { durable: true }));
    await step(`queue.declare ${name}`, () =>
      ch.assertQueue(name, {
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
      }),
    );
    await step(`queue.bind ${name}`, () => ch.bindQueue(name, name, ''));
  }
  if (spec.ingress) {
    await step(`exchange.declare ${EXCHANGES.INGRESS}`, () => ch.assertExchange(EXCHANGES.INGRESS, 'topic', { durable: true }));
    await step(`exchange.declare ${EXCHANGES.INGRESS_HASH}`, () => assertHashExchange(ch, EXCHANGES.INGRESS_HASH));
    await step(`exchange.bind ${EXCHANGES.INGRESS_HASH}`, () => ch.bindExchange(EXCHANGES.INGRESS_HASH, EXCHANGES.INGRESS, 'session.*.*'));
    for (let n = 0; n < spec.shardCount; n++) {
      const q = ingressShardQueue(n);
      await step(`queue.declare ${q}`, () => ch.assertQueue(q, { durable: true, arguments: workQueueArguments(spec.deliveryLimit, true) }));
      await step(`queue.bind ${q}`, () => ch.bindQueue(q, EXCHANGES.INGRESS_HASH, '1'));
    }
  }
  if (spec.knowledge) {
    // Document changes from raw producers (CDC connectors, content systems): one quorum queue of
    // competing consumers; versions, not order, decide which change wins.
    await step(`exchange.declare ${EXCHANGES.KNOWLEDGE}`, () => ch.assertExchange(EXCHANGES.KNOWLEDGE, 'topic', { durable: true }));
    await step(`queue.declare ${KNOWLEDGE_QUEUE}`, () =>
      ch.assertQueue(KNOWLEDGE_QUEUE, { durable: true, arguments: workQueueArguments(spec.deliveryLimit, false) }),
    );
    await step(`queue.bind ${KNOWLEDGE_QUEUE}`, () => ch.bindQueue(KNOWLEDGE_QUEUE, EXCHANGES.KNOWLEDGE, KNOWLEDGE_BINDING));
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
