import { patternTokens, phraseTokens } from './match-span';
import {
  type ModerationAction,
  type ModerationDirection,
  type ModerationRules,
  type ModerationRulesInput,
  resolveModerationRules,
} from './moderation-rules';
import { PII_KINDS, type PiiCandidate, type PiiKind, piiCandidates, redactPii } from './pii-redactor';

/** A category that matched. */
export interface ModerationDecision {
  category: string;
  action: ModerationAction;
  /** The distinct texts that matched, as written (after NFKC normalisation), at most `MAX_MATCHES`. */
  matched: string[];
}

/** The outcome of `Moderator#check()`. */
export interface ModerationResult {
  /** False when a `block` category matched. */
  allowed: boolean;
  /** The text with personal data masked (`[email]`, `[phone]`, `[card]`); the original when nothing was redacted. */
  text: string;
  /** Matching categories, in rule order. */
  decisions: ModerationDecision[];
  /** Kinds with at least one redaction, in the order email, phone, card. */
  redactions: Array<{ kind: PiiKind; count: number }>;
  /** When blocked: what to answer instead (the blocking category's `safeReply`, else the rule set's). */
  safeReply?: string;
}

/** Matched texts kept per decision (enough to explain it, bounded for logs). */
const MAX_MATCHES = 10;
/**
 * Most tokens a streamed reply holds back for a rule whose matches have no bound (`.*`): such a
 * rule may still see the start of a long match released. Word lists and bounded patterns are exact.
 */
export const MAX_HOLD_BACK_TOKENS = 16;
/** Characters that make a word continue: a listed word must not touch them ("class" is not "ass"). */
const WORD_CHAR = '[\\p{L}\\p{M}\\p{N}_]';

interface CompiledCategory {
  name: string;
  action: ModerationAction;
  directions: ReadonlySet<ModerationDirection>;
  matchers: RegExp[];
  /** The matchers without the `g` flag: `test()` keeps no `lastIndex` state. */
  testers: RegExp[];
  safeReply: string | undefined;
}

/**
 * Rules engine for text in and out of the model: category word lists and regular
 * expressions, plus PII redaction. Everything is compiled once in the constructor;
 * `check()` is pure, deterministic and linear in practice (the built-in expressions do not
 * backtrack badly; configured patterns are the operator's responsibility).
 */
export class Moderator {
  readonly rules: Readonly<ModerationRules>;
  private readonly categories: CompiledCategory[];
  private readonly piiKinds: ReadonlySet<PiiKind>;
  private readonly piiDirections: ReadonlySet<ModerationDirection>;
  private readonly spans: Record<ModerationDirection, number>;

  /** Resolves `rules` (see `resolveModerationRules`; defaults when left out) and compiles them. */
  constructor(rules: ModerationRulesInput = {}) {
    this.rules = resolveModerationRules(rules);
    this.categories = Object.entries(this.rules.categories).map(([name, c]) => {
      const matchers = [...(c.words.length > 0 ? [wordMatcher(c.words)] : []), ...c.patterns.map((p) => new RegExp(p, 'giu'))];
      return {
        name,
        action: c.action,
        directions: new Set(c.directions),
        matchers,
        testers: matchers.map((re) => new RegExp(re.source, 'iu')),
        safeReply: c.safeReply,
      };
    });
    this.piiKinds = new Set(this.rules.pii.kinds);
    this.piiDirections = new Set(this.rules.pii.directions);
    this.spans = { in: this.longestMatch('in'), out: this.longestMatch('out') };
  }

  /**
   * The most white-space separated tokens one match of a `block` category checked in `direction`
   * can span (phrases and patterns; unbounded patterns count `MAX_HOLD_BACK_TOKENS`); 0 without
   * any. A stream must hold back this many tokens minus one, plus the one in progress.
   */
  matchTokens(direction: ModerationDirection): number {
    return this.spans[direction];
  }

  /** Masks personal data only (when PII is redacted in `direction`): what `check()` returns as `text`. */
  redact(text: string, direction: ModerationDirection): string {
    return this.piiDirections.has(direction) ? redactPii(text, this.piiKinds).text : text;
  }

  /** Spans of `text` that are or may become personal data redacted in `direction` (see `piiCandidates`). */
  piiCandidates(text: string, direction: ModerationDirection): PiiCandidate[] {
    return this.piiDirections.has(direction) ? piiCandidates(text, this.piiKinds) : [];
  }

  /** True when a `block` category matches `text` in `direction` (no redaction, no decisions). */
  blocks(text: string, direction: ModerationDirection): boolean {
    const normalized = normalize(text);
    for (const category of this.categories) {
      if (category.action !== 'block' || !category.directions.has(direction)) continue;
      for (const re of category.testers) if (re.test(normalized)) return true;
    }
    return false;
  }

  private longestMatch(direction: ModerationDirection): number {
    let longest = 0;
    for (const c of Object.values(this.rules.categories)) {
      if (c.action !== 'block' || !c.directions.includes(direction)) continue;
      for (const w of c.words) longest = Math.max(longest, phraseTokens(w));
      for (const p of c.patterns) longest = Math.max(longest, Math.min(MAX_HOLD_BACK_TOKENS, patternTokens(p)));
    }
    return longest;
  }

  /** The default answer instead of blocked text. */
  get safeReply(): string {
    return this.rules.safeReply;
  }

  /** Checks `text` going `in` (from the user) or `out` (from the model). */
  check(text: string, direction: ModerationDirection): ModerationResult {
    const normalized = normalize(text);
    const decisions: ModerationDecision[] = [];
    let blockedBy: CompiledCategory | undefined;
    for (const category of this.categories) {
      if (!category.directions.has(direction)) continue;
      const matched = matchAll(category.matchers, normalized);
      if (matched.length === 0) continue;
      decisions.push({ category: category.name, action: category.action, matched });
      if (category.action === 'block') blockedBy ??= category;
    }
    const redacted = this.piiDirections.has(direction) ? redactPii(text, this.piiKinds) : undefined;
    const result: ModerationResult = {
      allowed: blockedBy === undefined,
      text: redacted?.text ?? text,
      decisions,
      redactions: redacted ? PII_KINDS.filter((k) => redacted.counts[k] > 0).map((kind) => ({ kind, count: redacted.counts[kind] })) : [],
    };
    if (blockedBy) result.safeReply = blockedBy.safeReply ?? this.rules.safeReply;
    return result;
  }
}

/** One alternation of all the words of a category, longest first, each a whole word; spaces inside match any whitespace. */
function wordMatcher(words: readonly string[]): RegExp {
  const alternatives = [...new Set(words.map((w) => w.toLowerCase()))]
    .sort((a, b) => b.length - a.length)
    .map((w) => w.split(/\s+/u).map(escapeRegExp).join('\\s+'));
  return new RegExp(`(?<!${WORD_CHAR})(?:${alternatives.join('|')})(?!${WORD_CHAR})`, 'giu');
}

function matchAll(matchers: readonly RegExp[], text: string): string[] {
  const seen = new Map<string, string>();
  for (const re of matchers) {
    // matchAll works on a copy of the expression: the shared lastIndex is never touched.
    for (const m of text.matchAll(re)) {
      const key = m[0].toLowerCase();
      if (m[0] !== '' && !seen.has(key)) seen.set(key, m[0]);
      if (seen.size >= MAX_MATCHES) return [...seen.values()];
    }
  }
  return [...seen.values()];
}

/** NFKC (full-width letters, ligatures), curly apostrophes made straight. */
function normalize(text: string): string {
  return text.normalize('NFKC').replace(/[\u2018\u2019\u02bc]/gu, "'");
}

function escapeRegExp(s: string): string {
  // Syntax characters only: with the `u` flag an escaped `-` or letter is itself a syntax error.
  return s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}
