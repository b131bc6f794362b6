/** How a document is cut into passages. */
export interface PassageSplitOptions {
  /** Longest passage (characters); a longer paragraph is cut at sentence, then word boundaries. @default 800 */
  maxChars: number;
}

/** The defaults of {@link PassageSplitOptions}. */
export const PASSAGE_SPLIT_DEFAULTS: Readonly<PassageSplitOptions> = Object.freeze({ maxChars: 800 });

/**
 * Splits a document's text into passages: paragraphs (blank-line separated) packed together up to
 * `maxChars`; a paragraph longer than that is cut at sentence ends, a sentence longer than that at
 * spaces. Deterministic (the same text always gives the same passages, so their ids are stable).
 */
export function splitPassages(text: string, options: PassageSplitOptions = PASSAGE_SPLIT_DEFAULTS): string[] {
  const max = options.maxChars;
  const pieces: string[] = [];
  for (const paragraph of text.split(/\n\s*\n/)) {
    const p = paragraph.replace(/\s+/g, ' ').trim();
    if (p === '') continue;
    if (p.length <= max) pieces.push(p);
    else for (const s of p.split(/(?<=[.!?。])\s+/)) pieces.push(...cutWords(s, max));
  }
  const passages: string[] = [];
  let current = '';
  for (const piece of pieces) {
    if (current !== '' && current.length + 1 + piece.length > max) {
      passages.push(current);
      current = '';
    }
    current = current === '' ? piece : `${current} ${piece}`;
  }
  if (current !== '') passages.push(current);
  return passages;
}

function cutWords(sentence: string, max: number): string[] {
  if (sentence.length <= max) return [sentence];
  const out: string[] = [];
  let current = '';
  for (const word of sentence.split(' ')) {
    for (let w = word; w.length > 0; w = w.slice(max)) {
      const part = w.slice(0, max);
      if (current !== '' && current.length + 1 + part.length > max) {
        out.push(current);
        current = '';
      }
      current = current === '' ? part : `${current} ${part}`;
    }
  }
  if (current !== '') out.push(current);
  return out;
}
