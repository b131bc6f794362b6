import { LocalEmbedder } from '@warren/models';
import { CACHE_DEFAULTS, cachedDeltas, resolveCacheOptions, SemanticCache } from './semantic-cache';

describe('SemanticCache', () => {
  let now = 0;
  const cache = (over: Partial<typeof CACHE_DEFAULTS> = {}) => new SemanticCache({ ...CACHE_DEFAULTS, enabled: true, ...over }, () => now);
  beforeEach(() => {
    now = 1_000;
  });

  it('is off by default', () => {
    expect(new SemanticCache(CACHE_DEFAULTS).enabled).toBe(false);
  });

  it('returns what was stored until the TTL has passed', () => {
    const c = cache({ ttlMs: 100 });
    c.set('k', { text: 'hi', model: 'local' });
    expect(c.get('k')).toEqual({ text: 'hi', model: 'local' });
    now += 99;
    expect(c.get('k')).toEqual({ text: 'hi', model: 'local' });
    now += 1;
    expect(c.get('k')).toBeUndefined();
    expect(c.size).toBe(0);
    expect(c.get('missing')).toBeUndefined();
  });

  it('keeps at most maxEntries, evicting the least recently used', () => {
    const c = cache({ maxEntries: 2 });
    c.set('a', { text: 'A', model: 'm' });
    c.set('b', { text: 'B', model: 'm' });
    expect(c.get('a')?.text).toBe('A'); // a is now the most recently used
    c.set('c', { text: 'C', model: 'm' });
    expect(c.size).toBe(2);
    expect(c.get('b')).toBeUndefined();
    expect(c.get('a')?.text).toBe('A');
    expect(c.get('c')?.text).toBe('C');
  });

  it('replaces an answer stored again under the same key, with a fresh TTL', () => {
    const c = cache({ ttlMs: 100 });
    c.set('k', { text: 'old', model: 'm' });
    now += 80;
    c.set('k', { text: 'new', model: 'n' });
    now += 80;
    expect(c.get('k')).toEqual({ text: 'new', model: 'n' });
  });
});

describe('cachedDeltas', () => {
  it('splits at word boundaries into parts that join back to the text', () => {
    const text = 'The quick brown fox jumps over the lazy dog. '.repeat(5).trim();
    const parts = cachedDeltas(text, 20);
    expect(parts.join('')).toBe(text);
    expect(parts.length).toBeGreaterThan(5);
    for (const p of parts.slice(0, -1)) expect(p.length).toBeLessThanOrEqual(20);
    expect(cachedDeltas('')).toEqual([]);
    expect(cachedDeltas('one')).toEqual(['one']);
  });
});

describe('SemanticCache in semantic mode', () => {
  const embedder = new LocalEmbedder();
  const semantic = (over: Partial<typeof CACHE_DEFAULTS> = {}) =>
    new SemanticCache({ ...CACHE_DEFAULTS, enabled: true, mode: 'semantic', ...over }, Date.now, embedder);
  const signal = new AbortController().signal;

  it('answers a paraphrase asked in the same scope, not an unrelated question nor another scope', async () => {
    const c = semantic();
    await c.remember('k1', { text: 'Paris.', model: 'local' }, { scope: 's1', text: 'What is the capital of France?' });
    const hit = await c.lookupSimilar('s1', 'what is the capital city of France', signal);
    expect(hit?.answer).toEqual({ text: 'Paris.', model: 'local' });
    expect(hit?.similarity).toBeGreaterThanOrEqual(0.9);
    expect(await c.lookupSimilar('s1', 'What is the capital of Spain?', signal)).toBeUndefined();
    expect(await c.lookupSimilar('s1', 'how do I reset my password', signal)).toBeUndefined();
    // The multi-turn guard: the same words after another context are another scope.
    expect(await c.lookupSimilar('s2', 'What is the capital of France?', signal)).toBeUndefined();
  });

  it('forgets the vector of an evicted answer, and does nothing in exact mode', async () => {
    const c = semantic({ maxEntries: 1 });
    await c.remember('k1', { text: 'A', model: 'm' }, { scope: 's', text: 'hello there friend' });
    await c.remember('k2', { text: 'B', model: 'm' }, { scope: 's', text: 'completely different words' });
    expect(await c.lookupSimilar('s', 'hello there friend', signal)).toBeUndefined();
    const exact = new SemanticCache({ ...CACHE_DEFAULTS, enabled: true }, Date.now, embedder);
    expect(exact.semantic).toBe(false);
    await exact.remember('k', { text: 'A', model: 'm' }, { scope: 's', text: 'hello' });
    expect(await exact.lookupSimilar('s', 'hello', signal)).toBeUndefined();
    expect(exact.get('k')).toEqual({ text: 'A', model: 'm' });
  });

  it('resolveCacheOptions() refuses semantic mode without its embedder or without context', () => {
    const embedders = new Set(['local']);
    expect(resolveCacheOptions({ enabled: true, mode: 'semantic' }, embedders).mode).toBe('semantic');
    expect(() => resolveCacheOptions({ enabled: true, mode: 'semantic', embedding: 'nope' }, embedders)).toThrow(/cache.embedding/);
    expect(() => resolveCacheOptions({ enabled: true, mode: 'semantic', contextMessages: 0 }, embedders)).toThrow(/cache.contextMessages/);
    expect(() => resolveCacheOptions({ mode: 'fuzzy' as never }, embedders)).toThrow(/cache.mode/);
  });
});
