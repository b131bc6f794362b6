import { InvalidOptionsError } from '@warren/contracts';
import type { EmbeddingEndpoint } from '@warren/models';
import { SimilarAnswers } from './similar-answers';

/** A reusable answer. */
export interface CachedAnswer {
  text: string;
  /** The model (endpoint) that wrote it. */
  model: string;
}

/** How the cache matches a question: `exact` (normalised text), `semantic` (embeddings, same context). */
export type CacheMode = 'exact' | 'semantic';

/** Options of {@link SemanticCache} (`cache:` in config). */
export interface SemanticCacheOptions {
  enabled: boolean;
  /** `exact`: the same normalised question; `semantic`: also a question whose embedding is close enough, in the same context. */
  mode: CacheMode;
  /** `semantic`: the embedding endpoint (`local` or a `models.embeddings` name) the questions are embedded with. */
  embedding: string;
  /** `semantic`: the least cosine similarity of two questions that share an answer. */
  similarity: number;
  /** How long an answer may be reused (ms). */
  ttlMs: number;
  /** Most answers kept; the least recently used go first. */
  maxEntries: number;
  /** Messages before the new one that are part of the key. */
  contextMessages: number;
  /** Tokens the limiter reserves for a turn answered from the cache. */
  hitTokens: number;
}

/** The defaults (as `cache:` in config/default.yaml): off. */
export const CACHE_DEFAULTS: Readonly<SemanticCacheOptions> = Object.freeze({
  enabled: false,
  mode: 'exact' as CacheMode,
  embedding: 'local',
  similarity: 0.9,
  ttlMs: 300_000,
  maxEntries: 10_000,
  contextMessages: 4,
  hitTokens: 1,
});

/** Nest injection token of the sessions' {@link SemanticCache} (absent or disabled: no cache). */
export const SESSION_CACHE = Symbol('warren:session-cache');

interface Entry extends CachedAnswer {
  expiresAt: number;
}

/** Question vectors remembered (by text), so a missed question is not embedded again when its answer is stored. */
const VECTORS_KEPT = 1024;

/**
 * Checks the cache options against each other and the embedding endpoints: `semantic` needs an
 * endpoint and some context in the key (without it a follow-up would match unrelated conversations).
 */
export function resolveCacheOptions(raw: Partial<SemanticCacheOptions>, embedders: ReadonlySet<string>): SemanticCacheOptions {
  const o: SemanticCacheOptions = { ...CACHE_DEFAULTS, ...raw };
  if (o.mode !== 'exact' && o.mode !== 'semantic')
    throw new InvalidOptionsError('cache.mode', `must be exact or semantic (got ${String(o.mode)})`);
  if (!(o.similarity > 0 && o.similarity <= 1))
    throw new InvalidOptionsError('cache.similarity', `must be in (0, 1] (got ${o.similarity})`);
  if (o.mode === 'semantic' && o.enabled) {
    if (!embedders.has(o.embedding))
      throw new InvalidOptionsError('cache.embedding', `no embedding endpoint ${o.embedding} (local or one of models.embeddings)`);
    if (o.contextMessages < 1)
      throw new InvalidOptionsError(
        'cache.contextMessages',
        'must be at least 1 in semantic mode: without context a follow-up question would match answers of unrelated conversations',
      );
  }
  return o;
}

/**
 * The answer cache of session turns: answers by key ({@link cacheKey}), with a TTL and a bound
 * (least recently used evicted), in memory on one runtime node. `exact` mode (the default) reuses
 * an answer for the same normalised question after the same context; `semantic` mode also for a
 * question whose embedding (from `embedding`) has a cosine similarity of at least `similarity` with
 * one asked in the same scope (tenant, route, system message, the last `contextMessages` messages:
 * `cacheScope`), see {@link SimilarAnswers}. Per node, not in the store: a
 * lookup sits on every turn's path before the model, so it must cost microseconds, not a store
 * round trip; a miss on another node only costs the model call the turn would have made anyway;
 * and nothing here needs to survive a restart. A JavaScript `Map` keeps insertion order, so
 * re-inserting on a hit makes it an LRU.
 */
export class SemanticCache {
  private readonly entries = new Map<string, Entry>();
  private readonly similar = new SimilarAnswers();
  private readonly vectors = new Map<string, readonly number[]>();

  constructor(
    readonly options: SemanticCacheOptions,
    private readonly now: () => number = Date.now,
    /** `semantic` mode: the endpoint questions are embedded with. */
    private readonly embedder?: EmbeddingEndpoint,
  ) {}

  /** True when questions are matched by meaning too (semantic mode with its embedder). */
  get semantic(): boolean {
    return this.options.mode === 'semantic' && this.embedder !== undefined;
  }

  get enabled(): boolean {
    return this.options.enabled;
  }

  get size(): number {
    return this.entries.size;
  }

  /** The answer stored under `key`, if still fresh (a hit makes it the most recently used). */
  get(key: string): CachedAnswer | undefined {
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    this.entries.delete(key);
    if (entry.expiresAt <= this.now()) {
      this.similar.remove(key);
      return undefined;
    }
    this.entries.set(key, entry);
    return { text: entry.text, model: entry.model };
  }

  /**
   * Semantic mode: the fresh answer of the question of `scope` most similar to `question` (at least
   * `similarity`), with that similarity; undefined when none is close enough (or not semantic).
   * Rejects when the embedder fails (the caller then goes on without the cache).
   */
  async lookupSimilar(
    scope: string,
    question: string,
    signal: AbortSignal,
  ): Promise<{ answer: CachedAnswer; similarity: number } | undefined> {
    if (!this.semantic) return undefined;
    const vector = await this.vectorOf(question, signal);
    const found = this.similar.best(scope, vector, this.options.similarity);
    if (!found) return undefined;
    const answer = this.get(found.key);
    return answer ? { answer, similarity: found.similarity } : undefined;
  }

  /**
   * Stores an answer under `key` for `ttlMs`, evicting the least recently used beyond `maxEntries`;
   * in semantic mode with `question`, also its question's vector in `question.scope`.
   */
  async remember(key: string, answer: CachedAnswer, question?: { scope: string; text: string }): Promise<void> {
    this.set(key, answer);
    if (!this.semantic || !question) return;
    const vector = await this.vectorOf(question.text, AbortSignal.timeout(10_000));
    if (this.entries.has(key)) this.similar.add(question.scope, key, vector);
  }

  /** Stores an answer under `key` (exact match only). */
  set(key: string, answer: CachedAnswer): void {
    this.entries.delete(key);
    this.entries.set(key, { text: answer.text, model: answer.model, expiresAt: this.now() + this.options.ttlMs });
    while (this.entries.size > this.options.maxEntries) {
      const oldest = this.entries.keys().next().value;
      if (oldest === undefined) break;
      this.entries.delete(oldest);
      this.similar.remove(oldest);
    }
  }

  clear(): void {
    this.entries.clear();
    this.similar.clear();
    this.vectors.clear();
  }

  private async vectorOf(text: string, signal: AbortSignal): Promise<readonly number[]> {
    const known = this.vectors.get(text);
    if (known) return known;
    const embedder = this.embedder as EmbeddingEndpoint;
    const vector = (await embedder.embed({ input: [text] }, signal)).vectors[0] ?? [];
    this.vectors.set(text, vector);
    if (this.vectors.size > VECTORS_KEPT) this.vectors.delete(this.vectors.keys().next().value as string);
    return vector;
  }
}

/** The parts of a cached answer streamed as deltas: word-aligned chunks of about `size` characters. */
export function cachedDeltas(text: string, size = 48): string[] {
  const parts: string[] = [];
  let current = '';
  for (const word of text.split(/(?<=\s)/u)) {
    if (current.length > 0 && current.length + word.length > size) {
      parts.push(current);
      current = '';
    }
    current += word;
  }
  if (current.length > 0) parts.push(current);
  return parts;
}
