import { hostname } from 'node:os';
import { InvalidOptionsError } from '@warren/contracts';
import { maskUrl, parseBrokerUrl } from './broker-url';

export { maskUrl } from './broker-url';

/** Options of the RabbitMQ transport. Every field is documented with its default. */
export interface AmqpTransportOptions {
  /**
   * Broker URL; the vhost in it scopes every Warren name. Several nodes of a cluster go in one URL,
   * `amqp://user:password@host1,host2:5673,host3/vhost`: Warren connects to one and fails over to
   * the next when it loses it. @default 'amqp://localhost'
   */
  url: string;
  /** Identifies this node in control messages and dead-letter reports. @default `<hostname>-<pid>` */
  nodeId: string;
  /** Shards per entity actor type; fixed per installation (changing it moves actors). @default 16 */
  shardCount: number;
  /** Unacked messages per shard consumer; well above the mailbox bound. @default 256 */
  shardPrefetch: number;
  /** Unacked messages per worker pool consumer: the pool's concurrency on this node. @default 16 */
  workerPrefetch: number;
  /** `x-delivery-limit` of shard and worker queues: a message that crashes consumers this often is dead-lettered. @default 20 */
  deliveryLimit: number;
  /** Delays of the worker retry tiers. @default [1000, 5000, 30000] */
  workerRetryTiersMs: number[];
  /** Connection attempts at start-up (at least one per node of `url`) before giving up with a clear error. @default 3 */
  connectRetries: number;
  /**
   * AMQP heartbeat asked of the broker (0: off). RabbitMQ closes the connection of a process that
   * sent nothing for two to three times this (its consumers, and so its shards, go to another
   * node); the process detects a silent broker after twice this. @default 5
   */
  heartbeatSeconds: number;
  /** How long a publish waits for the broker during an outage before failing. @default 10000 */
  publishTimeoutMs: number;
  /**
   * One connection attempt: TCP connect plus the AMQP handshake. A broker that accepts the TCP
   * connection and then says nothing fails the attempt after this. @default 10000
   */
  connectTimeoutMs: number;
  /**
   * How long one channel operation (open, declare, bind, qos, consume, cancel) may wait for the
   * broker's answer. Past it the connection is treated as lost: dropped and set up again. @default 30000
   */
  operationTimeoutMs: number;
  /** How long a channel or connection close waits for the broker before the socket is dropped. @default 5000 */
  closeTimeoutMs: number;
  /**
   * How long one set-up phase of a (re)connection may take: declaring the topology, or opening the
   * consumers of one actor type. At start-up a phase past it fails the start; after a reconnection
   * the connection is dropped and tried again. @default 60000
   */
  setupTimeoutMs: number;
  /**
   * Worker types whose pools carry only asks whose asker keeps the durable record (model and chat
   * requests): classic queues `warren.rpc.<type>.<key>`, transient messages. @default ['model', 'chat', 'embedding', 'tool']
   */
  requestPools: string[];
}

export const AMQP_DEFAULTS: Omit<AmqpTransportOptions, 'nodeId'> = Object.freeze({
  url: 'amqp://localhost',
  shardCount: 16,
  shardPrefetch: 256,
  workerPrefetch: 16,
  deliveryLimit: 20,
  workerRetryTiersMs: Object.freeze([1000, 5000, 30000]) as number[],
  connectRetries: 3,
  heartbeatSeconds: 5,
  publishTimeoutMs: 10_000,
  connectTimeoutMs: 10_000,
  operationTimeoutMs: 30_000,
  closeTimeoutMs: 5_000,
  setupTimeoutMs: 60_000,
  requestPools: Object.freeze(['model', 'chat', 'embedding', 'tool']) as string[],
});

const KNOWN = new Set<string>([...Object.keys(AMQP_DEFAULTS), 'nodeId']);

function positiveInt(key: string, value: number, max = Number.MAX_SAFE_INTEGER): number {
  if (!Number.isInteger(value) || value < 1 || value > max)
    throw new InvalidOptionsError(key, `must be an integer in 1..${max} (got ${value})`);
  return value;
}

/** Fills defaults, rejects unknown keys and out-of-range values. */
export function resolveAmqpOptions(raw: Partial<AmqpTransportOptions> = {}): AmqpTransportOptions {
  for (const key of Object.keys(raw)) if (!KNOWN.has(key)) throw new InvalidOptionsError(key, 'is not an AMQP transport option');
  const o: AmqpTransportOptions = { ...AMQP_DEFAULTS, nodeId: `${hostname()}-${process.pid}`, ...stripUndefined(raw) };
  o.workerRetryTiersMs = [...o.workerRetryTiersMs];
  o.requestPools = [...o.requestPools];
  for (const [i, t] of o.requestPools.entries())
    if (typeof t !== 'string' || !/^[a-z][a-z0-9-]{0,63}$/.test(t))
      throw new InvalidOptionsError(`requestPools[${i}]`, 'must be an actor type name');
  if (typeof o.url !== 'string' || !/^amqps?:\/\//.test(o.url))
    throw new InvalidOptionsError('url', `must start with amqp:// or amqps:// (got ${maskUrl(String(o.url))})`);
  parseBrokerUrl(o.url); // a bad node list fails here, masked, not at the first connection
  if (!/^[A-Za-z0-9_.-]{1,100}$/.test(o.nodeId)) throw new InvalidOptionsError('nodeId', 'must be 1-100 of [A-Za-z0-9_.-]');
  positiveInt('shardCount', o.shardCount, 1024);
  positiveInt('shardPrefetch', o.shardPrefetch, 65535);
  positiveInt('workerPrefetch', o.workerPrefetch, 65535);
  positiveInt('deliveryLimit', o.deliveryLimit, 1000);
  positiveInt('connectRetries', o.connectRetries, 1000);
  positiveInt('publishTimeoutMs', o.publishTimeoutMs);
  positiveInt('connectTimeoutMs', o.connectTimeoutMs, 600_000);
  positiveInt('operationTimeoutMs', o.operationTimeoutMs, 600_000);
  positiveInt('closeTimeoutMs', o.closeTimeoutMs, 600_000);
  positiveInt('setupTimeoutMs', o.setupTimeoutMs, 3_600_000);
  if (!Number.isInteger(o.heartbeatSeconds) || o.heartbeatSeconds < 0 || o.heartbeatSeconds > 3600)
    throw new InvalidOptionsError('heartbeatSeconds', `must be an integer in 0..3600 (got ${o.heartbeatSeconds})`);
  for (const [i, d] of o.workerRetryTiersMs.entries()) positiveInt(`workerRetryTiersMs[${i}]`, d);
  return o;
}

function stripUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}
