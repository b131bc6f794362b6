import { detect } from 'tinyld';

/** The language of a turn and where it came from. */
export interface TurnLanguage {
  /** ISO 639-1 code (`en`, `fr`), or undefined when unknown. */
  language: string | undefined;
  /** `locale`: given by the caller; `detected`: from the text; `unknown`: too little to tell. */
  source: 'locale' | 'detected' | 'unknown';
}

/** Fewer letters than this and detection is a guess: leave the language unknown. */
const MIN_LETTERS = 8;

/**
 * The caller's locale wins (its primary subtag); otherwise the text's language as detected
 * by tinyld (a maintained n-gram detector, no network, CommonJS), when the text is long enough.
 */
export function languageOf(text: string, locale?: string): TurnLanguage {
  if (locale) return { language: locale.split('-')[0].toLowerCase(), source: 'locale' };
  const letters = text.replace(/[^\p{L}]/gu, '').length;
  if (letters < MIN_LETTERS) return { language: undefined, source: 'unknown' };
  const detected = detect(text);
  return detected ? { language: detected, source: 'detected' } : { language: undefined, source: 'unknown' };
}
