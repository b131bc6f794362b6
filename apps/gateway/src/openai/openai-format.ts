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

/** The model's calls of the caller's tools, in OpenAI's shape (`tool_calls[]`); `index` for streamed chunks. */
function toolCallsOf(end: ChatCompletionEnd, streamed: boolean) {
  return (end.toolCalls ?? []).map((c, index) => ({
    ...(streamed ? { index } : {}),
    id: c.id,
    type: 'function' as const,
    function: { name: c.name, arguments: c.arguments },
  }));
}

/** A non-streamed answer: a `chat.completion` object (with `tool_calls`, and `content: null` when the model said nothing, when it asks for tools). */
export function chatCompletion(meta: CompletionMeta, text: string, end: ChatCompletionEnd) {
  const calls = end.toolCalls && end.toolCalls.length > 0;
  return {
    id: meta.id,
    object: 'chat.completion' as const,
    created: meta.created,
    model: meta.model,
    system_fingerprint: null,
    choices: [
      {
        index: 0,
        message: {
          role: 'assistant' as const,
          content: calls && text === '' ? null : text,
          refusal: null,
          ...(calls ? { tool_calls: toolCallsOf(end, false) } : {}),
        },
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

/** The model's calls of the caller's tools as one chunk (each call whole: id, name and all of its arguments). */
export function toolCallsChunk(meta: CompletionMeta, end: ChatCompletionEnd) {
  return withChoice(meta, { tool_calls: toolCallsOf(end, true) }, null);
}

/** The chunk with the finish reason (`stop`, `length`, `content_filter`, `tool_calls`). */
export function finishChunk(meta: CompletionMeta, end: ChatCompletionEnd) {
  return withChoice(meta, {}, end.finishReason);
}

/** The last chunk with `stream_options.include_usage`: no choices, the usage. */
export function usageChunk(meta: CompletionMeta, end: ChatCompletionEnd) {
  return { ...base(meta), choices: [], usage: usageOf(end) };
}
