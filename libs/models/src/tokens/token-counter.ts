import { countTokens as countO200k } from 'gpt-tokenizer/cjs/encoding/o200k_base';

/**
 * Tokens a chat message costs beyond its text in OpenAI's chat format (`<|start|>role … <|end|>`),
 * per the OpenAI cookbook's count for current models.
 */
export const TOKENS_PER_MESSAGE = 3;
/** Tokens every reply is primed with (`<|start|>assistant<|message|>`). */
export const TOKENS_PER_REPLY = 3;

/** A message as far as counting goes: its role and its text. */
export interface CountableMessage {
  role: string;
  content: string;
}

/**
 * Exact BPE token count of `text` with the `o200k_base` encoding (GPT-4o, GPT-4.1, o-series),
 * from the maintained `gpt-tokenizer` package: pure JavaScript, ranks bundled, no download and
 * no WASM. Other models' tokenizers differ by a few per cent, which is what a reservation needs:
 * the settle after the reply charges the endpoint's reported usage.
 */
export function countTokens(text: string): number {
  return text.length === 0 ? 0 : countO200k(text);
}

/** Prompt tokens of a chat request: each message's role and text plus the format's overhead. */
export function countChatTokens(messages: readonly CountableMessage[]): number {
  let total = TOKENS_PER_REPLY;
  for (const m of messages) total += TOKENS_PER_MESSAGE + countTokens(m.role) + countTokens(m.content);
  return total;
}
