import { patternTokens, phraseTokens } from './match-span';
import { DEFAULT_MODERATION_RULES } from './moderation-rules';

describe('phraseTokens()', () => {
  it.each([
    ['idiot', 1],
    ['i will kill you', 4],
    ['  dumb   head ', 2],
  ])('phraseTokens(%j) is %i', (phrase, n) => expect(phraseTokens(phrase)).toBe(n));
});

describe('patternTokens()', () => {
  it.each([
    ['\\bidiot\\b', 1],
    ['dumb\\s+head', 2],
    ['dumb head', 2],
    ['acme\\s*(?:cloud|ai)', 2],
    ['a(?:\\s+b|\\s+c\\s+d)\\s+e', 4],
    ['a[\\s,]+b', Number.POSITIVE_INFINITY],
    ['a[\\s]+b', 2],
    ['a[^\\s]+b', 1],
    ['a.b', 2],
    ['a.{0,3}b', 4],
    ['a.*b', Number.POSITIVE_INFINITY],
    ['a\\W?b', 2],
    ['(?:\\s\\w+){2}', 3],
    ['(?:\\s\\w+)+', Number.POSITIVE_INFINITY],
    ['a(?=\\s+b)', 1],
    ['(?<!\\s)a(?<first>b)\\k<first>', Number.POSITIVE_INFINITY],
    ['\\p{L}+\\s\\P{L}', 3],
    ['[a-z]\\u{1F600}\\x41\\s', 2],
    ['ignore (?:all )?previous instructions', 4],
  ])('patternTokens(%j) is %p', (source, n) => expect(patternTokens(source)).toBe(n));

  it('patternTokens() of the built-in rules: at most 6 tokens (the longest threat is six words)', () => {
    const spans = Object.values(DEFAULT_MODERATION_RULES.categories).flatMap((c) => c.patterns.map(patternTokens));
    expect(Math.max(...spans)).toBe(6);
  });
});
