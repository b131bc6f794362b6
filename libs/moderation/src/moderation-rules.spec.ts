import { InvalidOptionsError } from '@warren/contracts';
import { DEFAULT_MODERATION_RULES, type ModerationRulesInput, resolveModerationRules } from './moderation-rules';

const rejection = (raw: unknown): InvalidOptionsError => {
  try {
    resolveModerationRules(raw as ModerationRulesInput);
  } catch (error) {
    expect(error).toBeInstanceOf(InvalidOptionsError);
    return error as InvalidOptionsError;
  }
  throw new Error('expected resolveModerationRules to throw');
};

describe('resolveModerationRules()', () => {
  it('resolveModerationRules() with nothing gives the default rules: three blocking categories, all PII, a safe reply', () => {
    const rules = resolveModerationRules();
    expect(rules).toEqual(DEFAULT_MODERATION_RULES);
    expect(Object.keys(rules.categories)).toEqual(['violence-threat', 'self-harm', 'hate']);
    for (const c of Object.values(rules.categories)) {
      expect(c.action).toBe('block');
      expect(c.directions).toContain('in');
    }
    expect(rules.pii).toEqual({ kinds: ['email', 'phone', 'card'], directions: ['in', 'out'] });
    expect(rules.safeReply).toBe("I can't help with that.");
    expect(Object.isFrozen(DEFAULT_MODERATION_RULES.categories.hate?.words)).toBe(true);
  });

  it('resolveModerationRules() fills a category: both directions, no words or no patterns', () => {
    const rules = resolveModerationRules({ categories: { spam: { action: 'flag', words: ['buy now'] } } });
    expect(rules.categories).toEqual({ spam: { action: 'flag', directions: ['in', 'out'], words: ['buy now'], patterns: [] } });
    expect(rules.pii).toEqual(DEFAULT_MODERATION_RULES.pii);
  });

  it('resolveModerationRules() with categories {} turns every category off, and pii.kinds [] turns redaction off', () => {
    const rules = resolveModerationRules({ categories: {}, pii: { kinds: [] } });
    expect(rules.categories).toEqual({});
    expect(rules.pii.kinds).toEqual([]);
  });

  it('resolveModerationRules() refuses a bad regular expression, naming the category and the pattern', () => {
    const err = rejection({ categories: { spam: { action: 'flag', patterns: ['ok', 'unclosed ('] } } });
    expect(err.key).toBe('categories.spam.patterns[1]');
    expect(err.message).toContain('/unclosed (/');
    expect(err.message).toContain('category "spam"');
  });

  it('resolveModerationRules() refuses a pattern that matches the empty string', () => {
    expect(rejection({ categories: { spam: { action: 'flag', patterns: ['a*'] } } }).message).toMatch(/matches the empty string/);
  });

  it.each([
    [{ categorys: {} }, 'categorys'],
    [{ categories: [] }, 'categories'],
    [{ categories: { Spam: { action: 'flag', words: ['x'] } } }, 'categories.Spam'],
    [{ categories: { spam: { action: 'delete', words: ['x'] } } }, 'categories.spam.action'],
    [{ categories: { spam: { action: 'flag', words: ['x'], extra: 1 } } }, 'categories.spam.extra'],
    [{ categories: { spam: { action: 'flag' } } }, 'categories.spam'],
    [{ categories: { spam: { action: 'flag', words: 'x' } } }, 'categories.spam.words'],
    [{ categories: { spam: { action: 'flag', words: ['x', ' '] } } }, 'categories.spam.words[1]'],
    [{ categories: { spam: { action: 'flag', words: ['!!'] } } }, 'categories.spam.words[0]'],
    [{ categories: { spam: { action: 'flag', words: ['x'], directions: [] } } }, 'categories.spam.directions'],
    [{ categories: { spam: { action: 'flag', words: ['x'], directions: ['up'] } } }, 'categories.spam.directions'],
    [{ categories: { spam: { action: 'flag', words: ['x'], safeReply: '' } } }, 'categories.spam.safeReply'],
    [{ pii: { kinds: ['ssn'] } }, 'pii.kinds'],
    [{ pii: { mask: 'x' } }, 'pii.mask'],
    [{ safeReply: 3 }, 'safeReply'],
  ])('resolveModerationRules(%j) is refused at %s', (raw, key) => {
    expect(rejection(raw).key).toBe(key);
  });
});
