/**
 * Control and format characters that carry no meaning in a user's text; tab and newline stay,
 * and so does the zero-width joiner (emoji sequences need it).
 */
const INVISIBLE = /(?![\t\n\u200D])[\p{Cc}\p{Cf}]/gu;
/** Runs of horizontal white space of any script. */
const SPACES = /[ \t\u00A0\u1680\u2000-\u200A\u202F\u205F\u3000]+/gu;

/**
 * The user's text as the pipeline sees it: Unicode NFC (so "é" typed two ways is one string
 * for moderation, history and the model), invisible characters removed, runs of spaces made
 * one, line ends kept (at most one blank line), ends trimmed. NFC, not NFKC: compatibility
 * folding would change what the user wrote (moderation folds on its own copy).
 */
export function normalizeText(text: string): string {
  return text
    .normalize('NFC')
    .replace(/\r\n?/g, '\n')
    .replace(INVISIBLE, '')
    .replace(SPACES, ' ')
    .replace(/ ?\n ?/g, '\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}
