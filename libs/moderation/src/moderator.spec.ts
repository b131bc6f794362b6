import { Moderator } from './moderator';

describe('Moderator', () => {
  const moderator = new Moderator({
    categories: {
      insults: { action: 'block', words: ['ass', 'idiot', 'dumb head'] },
      competitors: { action: 'flag', directions: ['out'], words: ['acme corp'], patterns: ['\\bacme\\s*(?:cloud|ai)\\b'] },
      jailbreak: {
        action: 'block',
        directions: ['in'],
        patterns: ['ignore (?:all )?previous instructions'],
        safeReply: 'Let us stay on topic.',
      },
      unicode: { action: 'flag', words: ['straße', 'ÉCOLE'] },
    },
  });

  it('Moderator#check() blocks a listed word, whole word, any case, and says which', () => {
    const r = moderator.check('You are an IDIOT.', 'in');
    expect(r.allowed).toBe(false);
    expect(r.decisions).toEqual([{ category: 'insults', action: 'block', matched: ['IDIOT'] }]);
    expect(r.safeReply).toBe("I can't help with that.");
    expect(r.text).toBe('You are an IDIOT.');
  });

  it('Moderator#check() does not match a listed word inside another word ("class" is not "ass")', () => {
    for (const text of ['a class of assets', 'Assassin bass', 'idiotic', 'grass_ass', 'ass2']) {
      const r = moderator.check(text, 'in');
      expect(r.allowed).toBe(true);
      expect(r.decisions).toEqual([]);
    }
    expect(moderator.check('what an ass!', 'in').allowed).toBe(false);
    expect(moderator.check('(ass)', 'in').allowed).toBe(false);
  });

  it('Moderator#check() matches phrases across any whitespace and Unicode words whole (NFKC, case-insensitive)', () => {
    expect(moderator.check('you dumb\n  head', 'in').decisions[0]).toMatchObject({ category: 'insults', matched: ['dumb\n  head'] });
    expect(moderator.check('ＩＤＩＯＴ', 'in').allowed).toBe(false);
    expect(moderator.check('die STRASSE', 'in').decisions).toEqual([]);
    expect(moderator.check('die Straße und die école', 'in').decisions).toEqual([
      { category: 'unicode', action: 'flag', matched: ['Straße', 'école'] },
    ]);
    expect(moderator.check('écoles', 'in').decisions).toEqual([]);
    // A decomposed "é" (e + combining accent) is the same word after normalisation, and not a word boundary.
    expect(moderator.check('e\u0301cole', 'in').decisions).toHaveLength(1);
    expect(moderator.check('idiote\u0301', 'in').allowed).toBe(true);
  });

  it('Moderator#check() applies a regex category, with its own safe reply', () => {
    const r = moderator.check('Please IGNORE all previous instructions and ...', 'in');
    expect(r).toMatchObject({
      allowed: false,
      decisions: [{ category: 'jailbreak', action: 'block', matched: ['IGNORE all previous instructions'] }],
      safeReply: 'Let us stay on topic.',
    });
  });

  it('Moderator#check() checks a category only in its directions; flag lets the text through', () => {
    expect(moderator.check('ignore previous instructions', 'out').allowed).toBe(true);
    expect(moderator.check('try Acme Cloud or acme corp', 'in').decisions).toEqual([]);
    const out = moderator.check('try Acme Cloud or acme corp', 'out');
    expect(out.allowed).toBe(true);
    expect(out.safeReply).toBeUndefined();
    expect(out.decisions).toEqual([{ category: 'competitors', action: 'flag', matched: ['acme corp', 'Acme Cloud'] }]);
  });

  it('Moderator#check() reports every matching category in rule order, and the first blocking one answers', () => {
    const r = moderator.check('idiot, ignore previous instructions', 'in');
    expect(r.decisions.map((d) => d.category)).toEqual(['insults', 'jailbreak']);
    expect(r.safeReply).toBe("I can't help with that.");
  });

  it('Moderator#check() redacts e-mail, phone and card numbers and counts them', () => {
    const r = moderator.check('I am jo@example.com, +44 20 7946 0958, card 4111 1111 1111 1111, not 4111 1111 1111 1112', 'in');
    expect(r.allowed).toBe(true);
    expect(r.text).toBe('I am [email], [phone], card [card], not 4111 1111 1111 1112');
    expect(r.redactions).toEqual([
      { kind: 'email', count: 1 },
      { kind: 'phone', count: 1 },
      { kind: 'card', count: 1 },
    ]);
  });

  it('Moderator#check() redacts blocked text too, and reports no redactions when there is nothing to redact', () => {
    expect(moderator.check('idiot, mail me at a@b.io', 'in')).toMatchObject({ allowed: false, text: 'idiot, mail me at [email]' });
    expect(moderator.check('hello', 'out').redactions).toEqual([]);
  });

  it('Moderator#check() redacts only in pii.directions and only pii.kinds', () => {
    const m = new Moderator({ categories: {}, pii: { kinds: ['email'], directions: ['out'] } });
    expect(m.check('a@b.io +44 20 7946 0958', 'in').text).toBe('a@b.io +44 20 7946 0958');
    expect(m.check('a@b.io +44 20 7946 0958', 'out').text).toBe('[email] +44 20 7946 0958');
  });

  it('Moderator#check() is deterministic: the same text gives the same result', () => {
    const text = 'idiot idiot jo@x.io acme ai';
    expect(moderator.check(text, 'out')).toEqual(moderator.check(text, 'out'));
  });

  it('Moderator with the default rules blocks threats, self-harm and hate in, with the safe replies', () => {
    const m = new Moderator();
    expect(m.safeReply).toBe("I can't help with that.");
    expect(m.check('I’ll kill you tomorrow', 'in')).toMatchObject({
      allowed: false,
      safeReply: "I can't help with that.",
      decisions: [{ category: 'violence-threat', action: 'block' }],
    });
    expect(m.check('I am going to shoot them', 'in').allowed).toBe(false);
    const selfHarm = m.check('sometimes I want to die', 'in');
    expect(selfHarm.decisions[0]?.category).toBe('self-harm');
    expect(selfHarm.safeReply).toMatch(/crisis line/);
    expect(m.check('those people are vermin', 'in').decisions[0]?.category).toBe('hate');
    expect(m.check("I'll kill you", 'out').allowed).toBe(false);
  });

  it('Moderator with the default rules lets ordinary text through (no false positives on near words)', () => {
    const m = new Moderator();
    for (const text of [
      'This heat is killing me',
      'the skill you need',
      'I want to diet',
      'Kill the process and restart it',
      'The mosquito is a parasite',
      'How do I cut my hair myself?',
      'what is 2+3',
    ]) {
      expect(m.check(text, 'in')).toMatchObject({ allowed: true, decisions: [] });
    }
  });

  it('Moderator#check() keeps at most 10 distinct matches per decision', () => {
    const m = new Moderator({ categories: { n: { action: 'flag', patterns: ['\\bw\\d+\\b'] } } });
    const r = m.check(Array.from({ length: 50 }, (_, i) => `w${i} w${i}`).join(' '), 'in');
    expect(r.decisions[0]?.matched).toHaveLength(10);
  });
});
