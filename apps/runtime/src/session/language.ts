import { detectAll } from 'tinyld';

/** Where a turn's language came from, most certain first. */
export type LanguageSource = 'locale' | 'detected' | 'profile' | 'session' | 'tenant' | 'unknown';

/** The language of a turn and where it came from. */
export interface TurnLanguage {
  /** ISO 639-1 code (`en`, `fr`), or undefined when unknown. */
  language: string | undefined;
  /**
   * `locale`: the request's; `detected`: a confident detection of a long enough text; `profile`:
   * the user's profile locale; `session`: the session's last confident language; `tenant`: the
   * tenant's default; `unknown`: none of these (no language is asked of the model).
   */
  source: LanguageSource;
}

/** What is known about the language before the text is looked at. */
export interface KnownLanguages {
  /** The request's `locale` (BCP 47): always wins. */
  locale?: string;
  /** The user's profile locale. */
  profile?: string;
  /** The session's last confident language (`SessionState.language`). */
  session?: string;
  /** The tenant's default (`session.tenantLanguages`, else `session.defaultLanguage`). */
  tenant?: string;
}

/**
 * How much text a detection needs before it may switch the language: letters and words (short
 * utterances, "hello again", "ok", "hello I am a vip", are guessed wrong by every n-gram detector).
 */
export const DETECTION_MIN_LETTERS = 12;
export const DETECTION_MIN_WORDS = 3;
/** tinyld's score of the best language, 0..1, and how many times the runner-up's it must be. */
export const DETECTION_MIN_ACCURACY = 0.5;
export const DETECTION_MIN_LEAD = 4;

/**
 * The language of a turn: the request's locale wins; otherwise a confident detection of a long
 * enough text (tinyld: a maintained n-gram detector, no network, CommonJS); otherwise what is
 * known, in order: the user's profile, the session's last confident language, the tenant's
 * default. A short or ambiguous text never switches the language (nor sets one from nothing).
 */
export function languageOf(text: string, known: KnownLanguages = {}): TurnLanguage {
  if (known.locale) return { language: primary(known.locale), source: 'locale' };
  const detected = confidentDetection(text);
  if (detected) return { language: detected, source: 'detected' };
  if (known.profile) return { language: primary(known.profile), source: 'profile' };
  if (known.session) return { language: primary(known.session), source: 'session' };
  if (known.tenant) return { language: primary(known.tenant), source: 'tenant' };
  return { language: undefined, source: 'unknown' };
}

/** A language a session remembers for its next turns: only a certain one (the request's or a confident detection). */
export function confidentLanguage(lang: TurnLanguage): string | undefined {
  return lang.source === 'locale' || lang.source === 'detected' ? lang.language : undefined;
}

/** The detected language when the text is long enough and the detection clear; undefined otherwise. */
export function confidentDetection(text: string): string | undefined {
  const letters = text.replace(/[^\p{L}]/gu, '').length;
  const words = text.split(/\s+/u).filter((w) => /\p{L}/u.test(w)).length;
  if (letters < DETECTION_MIN_LETTERS || words < DETECTION_MIN_WORDS) return undefined;
  const [best, second] = detectAll(text);
  if (!best || best.accuracy < DETECTION_MIN_ACCURACY) return undefined;
  if (second && best.accuracy < DETECTION_MIN_LEAD * second.accuracy) return undefined;
  return best.lang;
}

function primary(locale: string): string {
  return (locale.split(/[-_]/u)[0] ?? locale).toLowerCase();
}
