import { IsInt, IsString, Matches, Max, Min } from 'class-validator';

/** RabbitMQ connection and topology settings (`amqp:` in the config file). */
export class AmqpConfig {
  /**
   * Broker URL; its vhost is where Warren declares its topology. Overridden by `AMQP_URL`.
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
   * Connection attempts at start-up before the process gives up with one clear log line.
   * @default 3
   */
  @IsInt()
  @Min(1)
  @Max(1000)
  connectRetries = 3;

  /**
   * AMQP heartbeat interval asked of the broker; 0 turns heartbeats off.
   * @default 15
   */
  @IsInt()
  @Min(0)
  @Max(3600)
  heartbeatSeconds = 15;

  /**
   * How long a publish waits for the broker (connection back, confirm) during an outage
   * before it fails with a typed error.
   * @default 10000
   */
  @IsInt()
  @Min(1)
  publishTimeoutMs = 10_000;
}
