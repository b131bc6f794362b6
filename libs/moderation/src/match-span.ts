/**
 * How many white-space separated tokens ("words") one match of a rule can span: the size of the
 * hold-back window a streamed reply needs so that no released text can turn out to be the start
 * of a match (see `ModeratedStream`).
 */

/** What a part of an expression can match, as far as token boundaries go. */
interface Span {
  /** Most token boundaries (runs of white space) one match of the part can cross; Infinity when unbounded. */
  seps: number;
  /** True when the part is one character that matches only white space (`\s`, ` `, `[\s]`): repeated, still one boundary. */
  pureSpace: boolean;
}

const NONE: Span = { seps: 0, pureSpace: false };
const SPACE: Span = { seps: 1, pureSpace: true };
/** One character that may be white space or not (`.`, `\W`, `[^a]`). */
const ANY: Span = { seps: 1, pureSpace: false };

/** Tokens a phrase of a word list spans ("i will kill you": 4). */
export function phraseTokens(phrase: string): number {
  return phrase.trim().split(/\s+/u).length;
}

/**
 * The most tokens one match of the regular expression `source` (flags `giu`) can span: its
 * white-space boundaries along the longest path, plus one. Infinity when a repetition of something
 * that may match white space is unbounded (`.*`, `(?:\s+\w+)+`); the caller caps it. Backreferences
 * count as unbounded. Lookarounds span nothing.
 */
export function patternTokens(source: string): number {
  const parser = new SpanParser(source);
  const span = parser.alternation();
  return span.seps + 1;
}

class SpanParser {
  private i = 0;

  constructor(private readonly s: string) {}

  /** `a|b|c` up to a `)` or the end: the longest alternative. */
  alternation(): Span {
    let best = 0;
    let seq = 0;
    while (this.i < this.s.length) {
      const c = this.s[this.i];
      if (c === ')') break;
      if (c === '|') {
        this.i++;
        best = Math.max(best, seq);
        seq = 0;
        continue;
      }
      seq += this.quantified(this.atom()).seps;
    }
    return { seps: Math.max(best, seq), pureSpace: false };
  }

  private atom(): Span {
    const c = this.s[this.i++];
    switch (c) {
      case '\\':
        return this.escape();
      case '[':
        return this.characterClass();
      case '(':
        return this.group();
      case '.':
        return ANY;
      case '^':
      case '$':
        return NONE;
      default:
        return c !== undefined && /\s/u.test(c) ? SPACE : NONE;
    }
  }

  private escape(): Span {
    const c = this.s[this.i++] ?? '';
    if ('stnrfv'.includes(c)) return SPACE;
    if (c === 'W' || c === 'D') return ANY;
    if (c === 'p' || c === 'P') {
      const close = this.s.indexOf('}', this.i);
      this.i = close < 0 ? this.s.length : close + 1;
      return c === 'P' ? ANY : NONE;
    }
    if (c === 'u' && this.s[this.i] === '{') {
      const close = this.s.indexOf('}', this.i);
      this.i = close < 0 ? this.s.length : close + 1;
      return NONE;
    }
    if (c === 'k' || /[1-9]/u.test(c)) {
      // A backreference repeats a group's text, which may hold white space: unbounded to be safe.
      if (c === 'k') this.i = Math.max(this.i, this.s.indexOf('>', this.i) + 1);
      else while (/[0-9]/u.test(this.s[this.i] ?? '')) this.i++;
      return { seps: Number.POSITIVE_INFINITY, pureSpace: false };
    }
    if (c === 'x') this.i += 2;
    else if (c === 'u') this.i += 4;
    else if (c === 'c') this.i += 1;
    return NONE;
  }

  private characterClass(): Span {
    const negated = this.s[this.i] === '^';
    if (negated) this.i++;
    let space = false;
    let other = false;
    let first = true;
    while (this.i < this.s.length && (this.s[this.i] !== ']' || first)) {
      first = false;
      const c = this.s[this.i++] as string;
      if (c === '\\') {
        const e = this.s[this.i++] ?? '';
        if ('stnrfv'.includes(e)) space = true;
        else if (e === 'W' || e === 'D' || e === 'S' || e === 'P') {
          // \S and \P{…} include white space only when negated; both ways they include other characters.
          if (e !== 'S' || negated) space = true;
          other = true;
        } else {
          if (e === 'p' || e === 'P' || (e === 'u' && this.s[this.i] === '{')) this.i = this.s.indexOf('}', this.i) + 1 || this.s.length;
          other = true;
        }
      } else if (/\s/u.test(c)) space = true;
      else other = true;
    }
    this.i++; // the closing ]
    // A negated class matches white space unless it lists it.
    if (negated) return space ? NONE : ANY;
    if (!space) return NONE;
    return other ? ANY : SPACE;
  }

  private group(): Span {
    let lookaround = false;
    if (this.s[this.i] === '?') {
      const next = this.s[this.i + 1];
      if (next === ':') this.i += 2;
      else if (next === '=' || next === '!') {
        lookaround = true;
        this.i += 2;
      } else if (next === '<' && (this.s[this.i + 2] === '=' || this.s[this.i + 2] === '!')) {
        lookaround = true;
        this.i += 3;
      } else if (next === '<') this.i = this.s.indexOf('>', this.i) + 1 || this.s.length;
      else this.i += 1;
    }
    const inner = this.alternation();
    this.i++; // the closing )
    return lookaround ? NONE : inner;
  }

  /** Applies a quantifier (`?`, `*`, `+`, `{n}`, `{n,}`, `{n,m}`, lazy or not) after an atom. */
  private quantified(atom: Span): Span {
    const c = this.s[this.i];
    let max: number | undefined;
    if (c === '?') max = 1;
    else if (c === '*' || c === '+') max = Number.POSITIVE_INFINITY;
    else if (c === '{') {
      const m = /^\{(\d+)(,(\d*))?\}/u.exec(this.s.slice(this.i));
      if (m) {
        max = m[2] === undefined ? Number(m[1]) : m[3] === '' ? Number.POSITIVE_INFINITY : Number(m[3]);
        this.i += m[0].length - 1;
      }
    }
    if (max === undefined) return atom;
    this.i++;
    if (this.s[this.i] === '?') this.i++;
    if (atom.seps === 0) return NONE;
    // A run of white space is one boundary however long it is.
    if (atom.pureSpace) return SPACE;
    return { seps: max === 0 ? 0 : atom.seps * max, pureSpace: false };
  }
}
