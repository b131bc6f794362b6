import { ArrayMaxSize, ArrayUnique, IsArray, IsInt, IsOptional, IsString, Matches, Max, Min } from 'class-validator';
import { IsGreaterThan } from '../validation/is-greater-than.validator';

/** AMQP prefetch counts are 16-bit on the wire. */
const MAX_PREFETCH = 65_535;

/** Actor runtime settings (`runtime:` in the config file). */
export class RuntimeConfig {
  /**
   * This node's id, used in its control queue name and in logs. Unset: `<hostname>-<pid>`,
   * computed at load time.
   * @default `${os.hostname()}-${process.pid}`
   */
  @IsOptional()
  @IsString()
  @Matches(/^[\w.:-]{1,128}$/, { message: 'must be 1 to 128 letters, digits, or . _ : -' })
  nodeId?: string;

  /**
   * How long `ask` waits for the reply before it rejects with `WARREN_ASK_TIMEOUT`.
   * @default 10000
   */
  @IsInt()
  @Min(1)
  askTimeoutMs = 10_000;

  /**
   * Messages one entity activation may hold waiting; beyond it an ask is refused with
   * `WARREN_ACTOR_OVERLOADED` and a tell is dead-lettered with that reason.
   * @default 64
   */
  @IsInt()
  @Min(1)
  mailboxCapacity = 64;

  /**
   * Unacked deliveries per shard consumer. Must exceed `mailboxCapacity`, so one busy
   * actor cannot block its shard neighbours.
   * @default 256
   */
  @IsInt()
  @Min(1)
  @Max(MAX_PREFETCH)
  @IsGreaterThan('mailboxCapacity', 'one full mailbox would stall every other actor of the shard')
  shardPrefetch = 256;

  /**
   * Concurrent messages per worker pool consumer on this node (pull-based load balancing).
   * @default 16
   */
  @IsInt()
  @Min(1)
  @Max(MAX_PREFETCH)
  workerPrefetch = 16;

  /**
   * Concurrent requests per request pool (model and chat, `amqp.requestPools`) on this node: the
   * streams one node runs at once for one endpoint. An upstream endpoint's `maxConcurrency` also
   * applies (excess calls wait in order). At 16, a node answering 3 s streams tops out near 5 turns/s.
   * @default 128
   */
  @IsInt()
  @Min(1)
  @Max(MAX_PREFETCH)
  requestPrefetch = 128;

  /**
   * Recent processed message ids (with their replies) kept per actor, so a redelivered
   * message is not applied twice and a repeated ask gets the stored reply.
   * @default 256
   */
  @IsInt()
  @Min(1)
  processedWindow = 256;

  /**
   * Idle time after which an entity activation is passivated (state saved, memory freed).
   * @default 300000
   */
  @IsInt()
  @Min(1)
  passivateAfterMs = 300_000;

  /**
   * Activations one node holds at most; the least recently used idle ones passivate first.
   * @default 200000
   */
  @IsInt()
  @Min(1)
  maxActivations = 200_000;

  /**
   * On shutdown or shard hand-over, how long in-flight work may finish before the node stops.
   * @default 30000
   */
  @IsInt()
  @Min(0)
  drainTimeoutMs = 30_000;

  /**
   * Added to `drainTimeoutMs`: the hard limit of a shutdown. A process still shutting down
   * `drainTimeoutMs + shutdownGraceMs` after SIGTERM exits with code 1 (broker closes are bounded
   * by `amqp.closeTimeoutMs`, so this is reached only when something else hangs).
   * @default 10000
   */
  @IsInt()
  @Min(0)
  @Max(600_000)
  shutdownGraceMs = 10_000;

  /**
   * HTTP port of the standalone runtime app (`/health`, `/ready`, `/metrics`); 0 picks a free
   * port. The gateway and the all-in-one app use `gateway.port` (`PORT`) instead, so a runtime
   * and a gateway on one machine do not compete for one port.
   * Environment: `WARREN__RUNTIME__METRICS_PORT`.
   * @default 9464
   */
  @IsInt()
  @Min(0)
  @Max(65_535)
  metricsPort = 9464;

  /**
   * `x-delivery-limit` of shard and worker quorum queues. Queue arguments are immutable:
   * changing it on an existing installation needs new queues.
   * @default 20
   */
  @IsInt()
  @Min(1)
  deliveryLimit = 20;

  /**
   * In-place retry delays of an entity handler (order kept while the mailbox waits);
   * after the last one the message is dead-lettered.
   * @default [50, 250, 1000]
   */
  @IsArray()
  @ArrayMaxSize(32)
  @IsInt({ each: true })
  @Min(0, { each: true })
  entityBackoffMs: number[] = [50, 250, 1000];

  /**
   * Worker retry tiers: each delay is a `warren.retry.<delay>` queue with that TTL; after
   * the last tier the message is dead-lettered. Adding a delay declares a new tier.
   * @default [1000, 5000, 30000]
   */
  @IsArray()
  @ArrayMaxSize(32)
  @ArrayUnique()
  @IsInt({ each: true })
  @Min(1, { each: true })
  workerRetryTiersMs: number[] = [1000, 5000, 30_000];

  /**
   * How often a runtime node announces itself (and the shards it owns) on `warren.control`.
   * Environment: `WARREN__RUNTIME__CLUSTER_HEARTBEAT_MS`.
   * @default 1000
   */
  @IsInt()
  @Min(50)
  @Max(60_000)
  clusterHeartbeatMs = 1000;

  /**
   * A runtime node not heard from for this long is declared dead and its shards move to the
   * others. Must be well above the heartbeat (one lost announcement must not kill a node): at
   * least twice it. A frozen node's own broker connection ends after 2 AMQP heartbeats
   * (`amqp.heartbeatSeconds`), which is when the single active consumer lets its successor start.
   * @default 5000
   */
  @IsInt()
  @Min(100)
  @IsGreaterThan('clusterHeartbeatMs', 'a node must miss more than one announcement before it is declared dead')
  clusterFailureTimeoutMs = 5000;

  /**
   * How long a starting runtime listens for the others before it takes shards (they answer a
   * newcomer's first announcement at once). A lone runtime takes every shard after this.
   * @default 500
   */
  @IsInt()
  @Min(0)
  @Max(60_000)
  clusterJoinWindowMs = 500;

  /**
   * Shards a node acquires, and releases, at most per rebalance step: a joining node takes its
   * share a few shards at a time instead of pausing every session at once.
   * @default 8
   */
  @IsInt()
  @Min(1)
  clusterMovesPerStep = 8;
}
