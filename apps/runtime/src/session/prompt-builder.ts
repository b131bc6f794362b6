import type { ChatMessage } from '@warren/contracts';
import type { TurnPart } from '@warren/store';

/** What a prompt is made of. */
export interface PromptInput {
  systemPrompt: string;
  /** The user's profile tags (interests, preferences), if any. */
  tags: readonly string[];
  /** ISO 639-1 language of the user's text, when known. */
  language?: string;
  /** The last turns of the session, oldest first. */
  history: readonly TurnPart[];
  /** The user's text of this turn (normalised, moderated). */
  text: string;
  /** Knowledge passages the `retrieve` step found, best first (absent or empty: none). */
  passages?: readonly PromptPassage[];
}

/** A knowledge passage given to the model, with the id its answer cites it by. */
export interface PromptPassage {
  id: string;
  title?: string;
  text: string;
}

/**
 * The chat messages sent to the model: the system prompt with the user's tags and language,
 * the recent history (user and assistant parts; a reply that was cut off is marked so the
 * model knows the user did not hear all of it), then the new user text.
 */
export function buildPrompt(input: PromptInput): ChatMessage[] {
  let system = input.systemPrompt;
  if (input.tags.length > 0) system += `\nAbout the user: ${input.tags.join(', ')}.`;
  if (input.language) system += `\nThe user writes in "${input.language}"; answer in that language.`;
  if (input.passages && input.passages.length > 0) system += knowledgeSection(input.passages);
  const messages: ChatMessage[] = [{ role: 'system', content: system }];
  for (const part of input.history) {
    if (part.role !== 'user' && part.role !== 'assistant') continue;
    const content = part.status === 'interrupted' ? `${part.content} [interrupted by the user]` : part.content;
    messages.push({ role: part.role, content });
  }
  messages.push({ role: 'user', content: input.text });
  return messages;
}

/**
 * The passages as a section of the system message: each on its own line after its id in square
 * brackets, with the instruction to answer from them and to cite the ids used.
 */
function knowledgeSection(passages: readonly PromptPassage[]): string {
  const lines = passages.map((p) => `[${p.id}] ${p.title ? `${p.title}: ` : ''}${p.text.replace(/\s+/g, ' ')}`);
  return (
    '\nAnswer from the knowledge passages below when they are relevant, and cite the ids of the ones you use in square ' +
    `brackets, e.g. [${passages[0].id}]. If they do not answer the question, say so rather than guess.\nKnowledge passages:\n${lines.join('\n')}`
  );
}
