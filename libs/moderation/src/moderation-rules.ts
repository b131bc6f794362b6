import { InvalidOptionsError } from '@warren/contracts';
import { PII_KINDS, type PiiKind } from './pii-redactor';

/** `in`: the user's text before the model sees it; `out`: the model's reply before the user does. */
export type ModerationDirection = 'in' | 'out';
/** `block` refuses the text; `flag` lets it through and records the decision. */
export type ModerationAction = 'block' | 'flag';

/** One category of unwanted content. */
export interface ModerationCategory {
  action: ModerationAction;
  /** The directions the category is checked in. @default ['in', 'out'] */
  directions: ModerationDirection[];
  /** Words or phrases matched whole, case-insensitively, after Unicode (NFKC) normalisation. @default [] */
  words: string[];
  /** Regular expression sources, compiled with flags `giu`; one must not match the empty string. @default [] */
  patterns: string[];
  /** The answer instead of blocked text of this category. @default the rule set's `safeReply` */
  safeReply?: string;
}

/** Which personal data is redacted, and when. */
export interface PiiRules {
  /** @default ['email', 'phone', 'card'] */
  kinds: PiiKind[];
  /** @default ['in', 'out'] */
  directions: ModerationDirection[];
}

/** A fully resolved rule set (`resolveModerationRules`). Categories are checked in key order. */
export interface ModerationRules {
  /** Category name (`[a-z][a-z0-9-]*`) → rule. @default DEFAULT_MODERATION_RULES.categories */
  categories: Record<string, ModerationCategory>;
  pii: PiiRules;
  /** What to answer instead of blocked text. @default "I can't help with that." */
  safeReply: string;
}

/** Rules as written in configuration: everything but a category's `action` may be left out. */
export interface ModerationRulesInput {
  /** Replaces the default categories entirely when given (`{}` turns them all off). */
  categories?: Record<string, Partial<ModerationCategory> & Pick<ModerationCategory, 'action'>>;
  pii?: Partial<PiiRules>;
  safeReply?: string;
}

const BOTH: ModerationDirection[] = ['in', 'out'];

/**
 * The built-in rules: a few conservative phrases for threats of violence, self-harm and
 * dehumanising hate, blocked in both directions, plus PII redaction. A starting point, not a
 * lexicon: production deployments replace the categories with their own lists.
 */
export const DEFAULT_MODERATION_RULES: Readonly<ModerationRules> = deepFreeze({
  categories: {
    'violence-threat': {
      action: 'block',
      directions: [...BOTH],
      words: ["i'll kill you", 'i will kill you', "i'm going to kill you", 'i am going to kill you', 'gonna kill you'],
      patterns: [
        "\\bi(?:'ll|\\s+will|'m\\s+going\\s+to|\\s+am\\s+going\\s+to|'m\\s+gonna|\\s+am\\s+gonna)\\s+(?:kill|shoot|stab|murder|strangle)\\s+(?:you|him|her|them|everyone|everybody)\\b",
        '\\b(?:bomb|shoot\\s+up)\\s+(?:the|your|a)\\s+(?:school|office|church|mosque|synagogue|building)\\b',
      ],
    },
    'self-harm': {
      action: 'block',
      directions: [...BOTH],
      words: ['kill myself', 'killing myself', 'end my life', 'want to die', 'commit suicide', 'suicidal', 'hurt myself', 'cut myself'],
      patterns: [],
      safeReply:
        "I'm really sorry you're going through this. You don't have to face it alone: please reach out to someone you trust or to a local crisis line right now.",
    },
    hate: {
      action: 'block',
      directions: [...BOTH],
      words: ['subhuman', 'subhumans', 'untermensch', 'untermenschen'],
      patterns: [
        '\\b(?:they|those\\s+people|immigrants|refugees|jews|muslims|christians|gays)\\s+(?:are|r)\\s+(?:vermin|parasites|cockroaches|rats|animals)\\b',
        '\\bshould\\s+(?:all\\s+)?be\\s+(?:exterminated|gassed|wiped\\s+out)\\b',
      ],
    },
  },
  pii: { kinds: [...PII_KINDS], directions: [...BOTH] },
  safeReply: "I can't help with that.",
});

const CATEGORY_NAME = /^[a-z][a-z0-9-]{0,63}$/;
const TOP_KEYS = new Set(['categories', 'pii', 'safeReply']);
const CATEGORY_KEYS = new Set(['action', 'directions', 'words', 'patterns', 'safeReply']);
const PII_KEYS = new Set(['kinds', 'directions']);

/**
 * Validates and completes moderation rules. Unknown keys, bad values and invalid regular
 * expressions are refused with an `InvalidOptionsError` whose key names the place
 * (`categories.hate.patterns[1]`) and whose message quotes the pattern.
 */
export function resolveModerationRules(raw: ModerationRulesInput = {}): ModerationRules {
  const top = objectAt(raw, 'moderation');
  refuseUnknown(top, TOP_KEYS, '');
  const rawCategories = top.categories === undefined ? DEFAULT_MODERATION_RULES.categories : objectAt(top.categories, 'categories');
  const categories: Record<string, ModerationCategory> = {};
  for (const [name, value] of Object.entries(rawCategories)) {
    if (!CATEGORY_NAME.test(name)) throw new InvalidOptionsError(`categories.${name}`, 'a category name must match [a-z][a-z0-9-]*');
    categories[name] = resolveCategory(name, value);
  }
  const pii = top.pii === undefined ? {} : objectAt(top.pii, 'pii');
  refuseUnknown(pii, PII_KEYS, 'pii.');
  return {
    categories,
    pii: {
      kinds: listOf(pii.kinds ?? DEFAULT_MODERATION_RULES.pii.kinds, 'pii.kinds', PII_KINDS, true),
      directions: listOf(pii.directions ?? BOTH, 'pii.directions', BOTH, false),
    },
    safeReply: text(top.safeReply ?? DEFAULT_MODERATION_RULES.safeReply, 'safeReply'),
  };
}

function resolveCategory(name: string, value: unknown): ModerationCategory {
  const at = `categories.${name}`;
  const c = objectAt(value, at);
  refuseUnknown(c, CATEGORY_KEYS, `${at}.`);
  if (c.action !== 'block' && c.action !== 'flag')
    throw new InvalidOptionsError(`${at}.action`, `must be "block" or "flag" (got ${JSON.stringify(c.action)})`);
  const words = stringsAt(c.words ?? [], `${at}.words`).map((w, i) => {
    const word = w.normalize('NFKC').trim();
    if (!/[\p{L}\p{N}]/u.test(word)) throw new InvalidOptionsError(`${at}.words[${i}]`, `"${w}" has no letter or digit`);
    return word;
  });
  const patterns = stringsAt(c.patterns ?? [], `${at}.patterns`);
  for (const [i, source] of patterns.entries()) checkPattern(source, `${at}.patterns[${i}]`, name);
  if (words.length === 0 && patterns.length === 0) throw new InvalidOptionsError(at, 'needs at least one word or pattern');
  return {
    action: c.action,
    directions: listOf(c.directions ?? BOTH, `${at}.directions`, BOTH, false),
    words,
    patterns,
    ...(c.safeReply === undefined ? {} : { safeReply: text(c.safeReply, `${at}.safeReply`) }),
  };
}

function checkPattern(source: string, key: string, category: string): void {
  let re: RegExp;
  try {
    re = new RegExp(source, 'giu');
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new InvalidOptionsError(key, `invalid regular expression /${source}/ in category "${category}": ${reason}`);
  }
  // A pattern that matches nothing at all would match at every position of every text.
  re.lastIndex = 0;
  if (re.test('')) throw new InvalidOptionsError(key, `regular expression /${source}/ in category "${category}" matches the empty string`);
}

function objectAt(value: unknown, key: string): Record<string, unknown> {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) throw new InvalidOptionsError(key, 'must be an object');
  return value as Record<string, unknown>;
}

function refuseUnknown(obj: Record<string, unknown>, known: ReadonlySet<string>, prefix: string): void {
  for (const key of Object.keys(obj)) if (!known.has(key)) throw new InvalidOptionsError(`${prefix}${key}`, 'is not a moderation option');
}

function stringsAt(value: unknown, key: string): string[] {
  if (!Array.isArray(value)) throw new InvalidOptionsError(key, 'must be a list of strings');
  value.forEach((v, i) => {
    if (typeof v !== 'string' || v.trim() === '') throw new InvalidOptionsError(`${key}[${i}]`, 'must be a non-empty string');
  });
  return [...(value as string[])];
}

function listOf<T extends string>(value: unknown, key: string, allowed: readonly T[], emptyAllowed: boolean): T[] {
  const list = stringsAt(value, key);
  for (const v of list) if (!allowed.includes(v as T)) throw new InvalidOptionsError(key, `"${v}" is not one of ${allowed.join(', ')}`);
  if (!emptyAllowed && list.length === 0) throw new InvalidOptionsError(key, `must name at least one of ${allowed.join(', ')}`);
  return [...new Set(list)] as T[];
}

function text(value: unknown, key: string): string {
  if (typeof value !== 'string' || value.trim() === '') throw new InvalidOptionsError(key, 'must be a non-empty string');
  return value;
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object') {
    for (const v of Object.values(value)) deepFreeze(v);
    Object.freeze(value);
  }
  return value;
}
