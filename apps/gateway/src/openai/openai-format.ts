import type { ChatCompletionEnd } from '@warren/contracts';

/** What every chunk of one completion repeats. */
export interface CompletionMeta {
  id: string;
  created: number;
  model: string;
  /** With `stream_options.include_usage`, every chunk has `usage: null` but the last. */
  includeUsage?: boolean;
}

/** OpenAI's completion id, from Warren's task id (the same id in `x-warren-task-id`). */
export function completionId(taskId: string): string {
  return `chatcmpl-${taskId}`;
}

function usageOf(end: ChatCompletionEnd) {
  const { promptTokens, completionTokens } = end.usage;
  return { prompt_tokens: promptTokens, completion_tokens: completionTokens, total_tokens: promptTokens + completionTokens };
}

/** A non-streamed answer: a `chat.completion` object. */
export function chatCompletion(meta: CompletionMeta, text: string, end: ChatCompletionEnd) {
  return {
    id: meta.id,
    object: 'chat.completion' as const,
    created: meta.created,
    model: meta.model,
    system_fingerprint: null,
    choices: [
      {
        index: 0,
        message: { role: 'assistant' as const, content: text, refusal: null },
        logprobs: null,
        finish_reason: end.finishReason,
      },
    ],
    usage: usageOf(end),
  };
}

function base(meta: CompletionMeta) {
  return {
    id: meta.id,
    object: 'chat.completion.chunk' as const,
    created: meta.created,
    model: meta.model,
    system_fingerprint: null,
  };
}

function withChoice(meta: CompletionMeta, delta: object, finish: ChatCompletionEnd['finishReason'] | null) {
  return {
    ...base(meta),
    choices: [{ index: 0, delta, logprobs: null, finish_reason: finish }],
    ...(meta.includeUsage ? { usage: null } : {}),
  };
}

/** The first chunk: the assistant's role, no text yet. */
export function roleChunk(meta: CompletionMeta) {
  return withChoice(meta, { role: 'assistant', content: '' }, null);
}

/** A part of the text. */
export function chunk(meta: CompletionMeta, text: string) {
  return withChoice(meta, { content: text }, null);
}

/** The chunk with the finish reason (`stop`, `length`, `content_filter`). */
export function finishChunk(meta: CompletionMeta, end: ChatCompletionEnd) {
  return withChoice(meta, {}, end.finishReason);
}

/** The last chunk with `stream_options.include_usage`: no choices, the usage. */
export function usageChunk(meta: CompletionMeta, end: ChatCompletionEnd) {
  return { ...base(meta), choices: [], usage: usageOf(end) };
}
