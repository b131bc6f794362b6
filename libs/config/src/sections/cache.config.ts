import { IsBoolean, IsInt, Max, Min } from 'class-validator';

/**
 * The semantic cache of session turns (`cache:` in the config file): a near-identical question
 * in the same conversation context of the same tenant reuses the previous answer instead of
 * calling a model. Off by default. Per runtime node (an in-memory LRU).
 */
export class CacheConfig {
  /**
   * Turn the cache on.
   * @default false
   */
  @IsBoolean()
  enabled = false;

  /**
   * How long an answer may be reused, in milliseconds.
   * @default 300000
   */
  @IsInt()
  @Min(1)
  ttlMs = 300_000;

  /**
   * Most answers kept per node (least recently used go first).
   * @default 10000
   */
  @IsInt()
  @Min(1)
  @Max(10_000_000)
  maxEntries = 10_000;

  /**
   * Messages of the conversation before the new one that are part of the key (0: the last message
   * alone, which gives wrong answers in multi-turn chats).
   * @default 4
   */
  @IsInt()
  @Min(0)
  @Max(100)
  contextMessages = 4;

  /**
   * Tokens the limiter reserves for a turn answered from the cache (its request still counts).
   * @default 1
   */
  @IsInt()
  @Min(0)
  hitTokens = 1;
}
