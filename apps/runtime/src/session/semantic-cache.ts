/** A reusable answer. */
export interface CachedAnswer {
  text: string;
  /** The model (endpoint) that wrote it. */
  model: string;
}

/** Options of {@link SemanticCache} (`cache:` in config). */
export interface SemanticCacheOptions {
  enabled: boolean;
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

/**
 * The semantic cache of session turns: answers by key ({@link cacheKey}), with a TTL and a bound
 * (least recently used evicted), in memory on one runtime node. Per node, not in the store: a
 * lookup sits on every turn's path before the model, so it must cost microseconds, not a store
 * round trip; a miss on another node only costs the model call the turn would have made anyway;
 * and nothing here needs to survive a restart. A JavaScript `Map` keeps insertion order, so
 * re-inserting on a hit makes it an LRU.
 */
export class SemanticCache {
  private readonly entries = new Map<string, Entry>();

  constructor(
    readonly options: SemanticCacheOptions,
    private readonly now: () => number = Date.now,
  ) {}

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
    if (entry.expiresAt <= this.now()) return undefined;
    this.entries.set(key, entry);
    return { text: entry.text, model: entry.model };
  }

  /** Stores an answer under `key` for `ttlMs`, evicting the least recently used beyond `maxEntries`. */
  set(key: string, answer: CachedAnswer): void {
    this.entries.delete(key);
    this.entries.set(key, { text: answer.text, model: answer.model, expiresAt: this.now() + this.options.ttlMs });
    while (this.entries.size > this.options.maxEntries) {
      const oldest = this.entries.keys().next().value;
      if (oldest === undefined) break;
      this.entries.delete(oldest);
    }
  }

  clear(): void {
    this.entries.clear();
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
