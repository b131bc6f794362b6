import type { CompletionRequest } from './model-endpoint.port';

/** Tokens per whitespace-separated word: English prose averages about 1.3 BPE tokens a word. */
export const TOKENS_PER_WORD = 1.3;

/**
 * Approximate token count of `text` (words × 1.3, rounded). Good enough for budgets and
 * context checks of the local model; adapters of real endpoints report the exact usage.
 */
export function estimateTokens(text: string): number {
  return tokensForWords(countWords(text));
}

/** Approximate tokens of `words` words. */
export function tokensForWords(words: number): number {
  return Math.round(words * TOKENS_PER_WORD);
}

/** Approximate prompt tokens of a request: the sum over its messages. */
export function estimatePromptTokens(request: CompletionRequest): number {
  let words = 0;
  for (const m of request.messages) words += countWords(m.content);
  return tokensForWords(words);
}

function countWords(text: string): number {
  return text.match(/\S+/g)?.length ?? 0;
}
