import { IsBoolean, IsIn, IsInt, IsNumber, IsString, Length, Max, Min } from 'class-validator';

/**
 * The answer cache of session turns (`cache:` in the config file): the same question (`exact`:
 * normalised text; `semantic`: or one close in meaning, by embeddings) in the same conversation
 * context of the same tenant reuses the previous answer instead of calling a model. Off by
 * default. Per runtime node (an in-memory LRU).
 */
export class CacheConfig {
  /**
   * Turn the cache on.
   * @default false
   */
  @IsBoolean()
  enabled = false;

  /**
   * `exact`: the same question after normalisation (NFKC, case-folded, whitespace and punctuation
   * collapsed); a paraphrase misses. `semantic`: also a question whose embedding (from `embedding`)
   * has a cosine similarity of at least `similarity` with one asked after the same context
   * (needs `contextMessages` ≥ 1).
   * @default 'exact'
   */
  @IsIn(['exact', 'semantic'])
  mode: 'exact' | 'semantic' = 'exact';

  /**
   * `semantic`: the embedding endpoint questions are embedded with (`local`, or a `models.embeddings` name),
   * called in the runtime node's process.
   * @default 'local'
   */
  @IsString()
  @Length(1, 256)
  embedding = 'local';

  /**
   * `semantic`: the least cosine similarity of two questions that share an answer.
   * @default 0.9
   */
  @IsNumber()
  @Min(0.01)
  @Max(1)
  similarity = 0.9;

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
