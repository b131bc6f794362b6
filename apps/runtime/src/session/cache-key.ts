import { createHash } from 'node:crypto';
import type { ChatMessage } from '@warren/contracts';

/** Runs of punctuation and white space (any script), collapsed to one space by {@link normalizeForKey}. */
const PUNCTUATION_AND_SPACE = /[\p{P}\p{Z}\p{Cc}\p{Cf}\s]+/gu;

/**
 * Text as the semantic cache compares it: Unicode NFKC (compatibility forms folded: full-width
 * letters, ligatures, superscripts), case-folded (upper then lower case: "ß" and "SS" meet, as do
 * final and medial sigma), runs of punctuation and white space made one space, ends trimmed. So
 * "What's the  time?" and "what’s the time" are one question. Punctuation becomes a space rather
 * than nothing, so "3.5" and "35" stay different.
 */
export function normalizeForKey(text: string): string {
  return text.normalize('NFKC').toUpperCase().toLowerCase().normalize('NFKC').replace(PUNCTUATION_AND_SPACE, ' ').trim();
}

/** What a semantic cache key is made of. */
export interface CacheKeyInput {
  tenant: string;
  /** Where the turn would go: the routing target, the A/B arm and the channel (answers are not shared across them). */
  route: string;
  /** The prompt sent to the model: the system message, the history, then the new user message (last). */
  prompt: readonly ChatMessage[];
  /** How many messages before the new one are part of the key. */
  contextMessages: number;
}

/**
 * The semantic cache key of a turn: a SHA-256 of the tenant, the route, the system message (the
 * user's tags and language are in it), the last `contextMessages` messages of the conversation and
 * the new text, all normalised with {@link normalizeForKey}. The context is part of the key: "and
 * tomorrow?" after a question about Paris is not the same question as after one about Rome.
 */
export function cacheKey(input: CacheKeyInput): string {
  const { prompt } = input;
  const last = prompt.at(-1);
  const system = prompt[0]?.role === 'system' ? prompt[0] : undefined;
  const history = prompt.slice(system ? 1 : 0, -1);
  const context = input.contextMessages > 0 ? history.slice(-input.contextMessages) : [];
  const material = [
    'warren-cache-v1',
    input.tenant,
    input.route,
    system ? normalizeForKey(system.content) : '',
    context.map((m) => [m.role, normalizeForKey(m.content)]),
    last ? normalizeForKey(last.content) : '',
  ];
  return createHash('sha256').update(JSON.stringify(material)).digest('hex');
}

/**
 * The conversation scope of a turn for the semantic mode: the same material as {@link cacheKey}
 * but the new text. Only questions of one scope are compared by meaning, so a follow-up is only
 * answered from the cache after the very same (normalised) context.
 */
export function cacheScope(input: CacheKeyInput): string {
  return cacheKey({ ...input, prompt: [...input.prompt.slice(0, -1), { role: 'user', content: '' }] });
}
