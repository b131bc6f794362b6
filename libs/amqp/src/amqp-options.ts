import { hostname } from 'node:os';
import { InvalidOptionsError } from '@warren/contracts';

/** Options of the RabbitMQ transport. Every field is documented with its default. */
export interface AmqpTransportOptions {
  /** Broker URL; the vhost in it scopes every Warren name. @default 'amqp://localhost' */
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
  /** Connection attempts at start-up before giving up with a clear error. @default 3 */
  connectRetries: number;
  /** @default 15 */
  heartbeatSeconds: number;
  /** How long a publish waits for the broker during an outage before failing. @default 10000 */
  publishTimeoutMs: number;
}

export const AMQP_DEFAULTS: Omit<AmqpTransportOptions, 'nodeId'> = Object.freeze({
  url: 'amqp://localhost',
  shardCount: 16,
  shardPrefetch: 256,
  workerPrefetch: 16,
  deliveryLimit: 20,
  workerRetryTiersMs: Object.freeze([1000, 5000, 30000]) as number[],
  connectRetries: 3,
  heartbeatSeconds: 15,
  publishTimeoutMs: 10_000,
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
  if (!/^amqps?:\/\//.test(o.url)) throw new InvalidOptionsError('url', `must start with amqp:// or amqps:// (got ${maskUrl(o.url)})`);
  if (!/^[A-Za-z0-9_.-]{1,100}$/.test(o.nodeId)) throw new InvalidOptionsError('nodeId', 'must be 1-100 of [A-Za-z0-9_.-]');
  positiveInt('shardCount', o.shardCount, 1024);
  positiveInt('shardPrefetch', o.shardPrefetch, 65535);
  positiveInt('workerPrefetch', o.workerPrefetch, 65535);
  positiveInt('deliveryLimit', o.deliveryLimit, 1000);
  positiveInt('connectRetries', o.connectRetries, 1000);
  positiveInt('publishTimeoutMs', o.publishTimeoutMs);
  if (!Number.isInteger(o.heartbeatSeconds) || o.heartbeatSeconds < 0)
    throw new InvalidOptionsError('heartbeatSeconds', 'must be an integer ≥ 0');
  for (const [i, d] of o.workerRetryTiersMs.entries()) positiveInt(`workerRetryTiersMs[${i}]`, d);
  return o;
}

function stripUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}

/** The URL with its password hidden, for logs and errors (parsed as amqplib parses it). */
export function maskUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return url.replace(/\/\/.*@/, '//***@');
  }
}
