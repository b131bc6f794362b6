import { CACHE_DEFAULTS, cachedDeltas, SemanticCache } from './semantic-cache';

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
