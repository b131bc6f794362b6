import { ArrayMaxSize, IsArray, IsInt, IsString, Matches, Max, Min } from 'class-validator';

/** RabbitMQ connection and topology settings (`amqp:` in the config file). */
export class AmqpConfig {
  /**
   * Broker URL; its vhost is where Warren declares its topology. Several nodes of one cluster
   * go in one URL, `amqp://user:password@host1,host2:5673,host3/vhost`: Warren connects to one
   * and fails over to the next when it loses it. Overridden by `AMQP_URL`.
   * @default 'amqp://localhost'
   */
  @IsString()
  @Matches(/^amqps?:\/\/\S+$/, { message: 'must be an amqp:// or amqps:// URL' })
  url = 'amqp://localhost';

  /**
   * Shards per entity actor type (`warren.<type>.shard.<n>`). Fixed per installation:
   * changing it moves actors to other shards.
   * @default 16
   */
  @IsInt()
  @Min(1)
  @Max(1024)
  shardCount = 16;

  /**
   * Connection attempts at start-up (at least one per node of `url`) before the process gives up
   * with one clear log line and exit code 1.
   * @default 3
   */
  @IsInt()
  @Min(1)
  @Max(1000)
  connectRetries = 3;

  /**
   * AMQP heartbeat timeout asked of the broker; 0 turns heartbeats off. RabbitMQ closes the
   * connection of a process it heard nothing from for two to three times this (a frozen process
   * loses its consumers, and so its shards, within 3 × heartbeatSeconds); the process sees a
   * silent broker after twice this.
   * @default 5
   */
  @IsInt()
  @Min(0)
  @Max(3600)
  heartbeatSeconds = 5;

  /**
   * How long a publish waits for the broker (connection back, confirm) during an outage
   * before it fails with a typed error.
   * @default 10000
   */
  @IsInt()
  @Min(1)
  publishTimeoutMs = 10_000;

  /**
   * One connection attempt: TCP connect and AMQP handshake. A broker that accepts the connection
   * and then says nothing fails the attempt after this.
   * @default 10000
   */
  @IsInt()
  @Min(1)
  @Max(600_000)
  connectTimeoutMs = 10_000;

  /**
   * How long one channel operation (open, declare, bind, qos, consume, cancel) waits for the
   * broker's answer. Past it the connection is dropped and set up again (at start-up: the
   * process exits with code 1).
   * @default 30000
   */
  @IsInt()
  @Min(1)
  @Max(600_000)
  operationTimeoutMs = 30_000;

  /**
   * How long a channel or connection close waits for the broker before the socket is dropped.
   * Also how long open HTTP connections (SSE streams) are kept after a shutdown signal.
   * @default 5000
   */
  @IsInt()
  @Min(1)
  @Max(600_000)
  closeTimeoutMs = 5_000;

  /**
   * How long one set-up phase may take: the topology, or one actor type's consumers (at start-up
   * and after every reconnection), and at start-up the store and the HTTP listen. At start-up a
   * phase past it stops the process with exit code 1; after a reconnection the connection is
   * dropped and set up again.
   * @default 60000
   */
  @IsInt()
  @Min(1)
  @Max(3_600_000)
  setupTimeoutMs = 60_000;

  /**
   * Worker types whose messages are all asks whose asker keeps the durable record and asks again on
   * a timeout or a redelivery (a session's model request, the gateway's chat completion and embeddings): their
   * pools are classic queues `warren.rpc.<type>.<name>` with transient messages (no disk write, no
   * quorum replication). A request lost with a broker restart is asked again. Other pools are quorum.
   * @default ['model', 'chat', 'embedding', 'tool']
   */
  @IsArray()
  @ArrayMaxSize(64)
  @IsString({ each: true })
  @Matches(/^[a-z][a-z0-9-]{0,63}$/, { each: true, message: 'each must be an actor type name' })
  requestPools: string[] = ['model', 'chat', 'embedding', 'tool'];
}
