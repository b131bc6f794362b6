/**
 * The vectors of cached answers' questions, grouped by conversation scope (tenant, route, system
 * message and recent context: see `cacheScope`), for the cache's `semantic` mode. A question is
 * only ever compared with questions asked in the same scope, so a follow-up ("and tomorrow?") never
 * meets an answer given after another conversation (the failure LiteLLM users report in its issue
 * #12234). A linear scan per scope: scopes hold few questions (one conversation context each).
 */
export class SimilarAnswers {
  /** scope → cache key → the question's vector. */
  private readonly scopes = new Map<string, Map<string, readonly number[]>>();
  /** cache key → its scope. */
  private readonly scopeOf = new Map<string, string>();

  add(scope: string, key: string, vector: readonly number[]): void {
    this.remove(key);
    let keys = this.scopes.get(scope);
    if (!keys) {
      keys = new Map();
      this.scopes.set(scope, keys);
    }
    keys.set(key, vector);
    this.scopeOf.set(key, scope);
  }

  remove(key: string): void {
    const scope = this.scopeOf.get(key);
    if (scope === undefined) return;
    this.scopeOf.delete(key);
    const keys = this.scopes.get(scope);
    keys?.delete(key);
    if (keys?.size === 0) this.scopes.delete(scope);
  }

  /** The most similar question of `scope` to `vector` (cosine), at least `threshold`; undefined when none is. */
  best(scope: string, vector: readonly number[], threshold: number): { key: string; similarity: number } | undefined {
    let found: { key: string; similarity: number } | undefined;
    for (const [key, v] of this.scopes.get(scope) ?? []) {
      const similarity = cosine(vector, v);
      if (similarity >= threshold && (!found || similarity > found.similarity)) found = { key, similarity };
    }
    return found;
  }

  clear(): void {
    this.scopes.clear();
    this.scopeOf.clear();
  }
}

/** Cosine similarity of two vectors (0 when either is all zeros or their lengths differ). */
export function cosine(a: readonly number[], b: readonly number[]): number {
  if (a.length !== b.length) return 0;
  let dot = 0;
  let na = 0;
  let nb = 0;
  for (let i = 0; i < a.length; i++) {
    const x = a[i] as number;
    const y = b[i] as number;
    dot += x * y;
    na += x * x;
    nb += y * y;
  }
  return na === 0 || nb === 0 ? 0 : dot / Math.sqrt(na * nb);
}
