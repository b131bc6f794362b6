/** What one `data:` payload of a chat completions stream says, once checked. */
export type OpenAiStreamEvent =
  | { kind: 'done' }
  | {
      kind: 'chunk';
      /** Text of `choices[0].delta.content`, when there is some. */
      content?: string;
      /** `choices[0].finish_reason`, when set (`stop`, `length`, `content_filter`, `tool_calls`, …). */
      finishReason?: string;
      /** `usage` of the final chunk (with `stream_options.include_usage`). */
      usage?: { promptTokens: number; completionTokens: number };
    }
  /** `{ "error": { … } }` sent inside the stream (vLLM, OpenRouter and others do). */
  | { kind: 'error'; error: OpenAiErrorBody };

/** The `error` object of an OpenAI-style error body. */
export interface OpenAiErrorBody {
  message?: string;
  type?: string;
  code?: string;
  param?: string;
}

/** A payload that is not a chat completion chunk. Classified as retryable by the adapter. */
export class MalformedChunkError extends Error {
  constructor(reason: string, data: string) {
    super(`malformed stream chunk (${reason}): ${data.length > 200 ? `${data.slice(0, 200)}…` : data}`);
    this.name = 'MalformedChunkError';
  }
}

/**
 * Reads one `data:` payload: `[DONE]`, a chunk (`choices[0].delta.content`, `finish_reason`,
 * `usage`), or an in-stream error. Anything else — not JSON, not an object, `choices` not an
 * array, `content` neither a string nor null, usage counts not numbers — is a {@link MalformedChunkError}.
 */
export function parseStreamData(data: string): OpenAiStreamEvent {
  if (data.trim() === '[DONE]') return { kind: 'done' };
  let json: unknown;
  try {
    json = JSON.parse(data);
  } catch {
    throw new MalformedChunkError('not JSON', data);
  }
  if (!isObject(json)) throw new MalformedChunkError('not an object', data);
  if (json.error !== undefined && json.error !== null) return { kind: 'error', error: errorBodyOf(json) ?? {} };
  const event: { kind: 'chunk'; content?: string; finishReason?: string; usage?: { promptTokens: number; completionTokens: number } } = {
    kind: 'chunk',
  };
  if (json.choices !== undefined) {
    if (!Array.isArray(json.choices)) throw new MalformedChunkError('choices is not an array', data);
    const choice: unknown = json.choices[0];
    if (choice !== undefined) {
      if (!isObject(choice)) throw new MalformedChunkError('choices[0] is not an object', data);
      const delta = choice.delta;
      if (delta !== undefined && delta !== null) {
        if (!isObject(delta)) throw new MalformedChunkError('delta is not an object', data);
        const content = delta.content;
        if (typeof content === 'string') {
          if (content !== '') event.content = content;
        } else if (content !== undefined && content !== null) throw new MalformedChunkError('delta.content is not a string', data);
      }
      if (typeof choice.finish_reason === 'string') event.finishReason = choice.finish_reason;
    }
  } else if (json.usage === undefined || json.usage === null) {
    throw new MalformedChunkError('neither choices nor usage', data);
  }
  if (json.usage !== undefined && json.usage !== null) {
    const u = json.usage;
    if (!isObject(u) || !isCount(u.prompt_tokens) || !isCount(u.completion_tokens))
      throw new MalformedChunkError('usage without prompt_tokens and completion_tokens', data);
    event.usage = { promptTokens: u.prompt_tokens, completionTokens: u.completion_tokens };
  }
  return event;
}

/** The `error` object of a parsed error body (`{ error: { message, type, code } }` or `{ error: "text" }`), if any. */
export function errorBodyOf(json: unknown): OpenAiErrorBody | undefined {
  if (!isObject(json)) return undefined;
  const e = json.error;
  if (typeof e === 'string') return { message: e };
  if (!isObject(e)) return typeof json.message === 'string' ? { message: json.message } : undefined;
  const out: OpenAiErrorBody = {};
  if (typeof e.message === 'string') out.message = e.message;
  if (typeof e.type === 'string') out.type = e.type;
  if (typeof e.code === 'string' || typeof e.code === 'number') out.code = String(e.code);
  if (typeof e.param === 'string') out.param = e.param;
  return out;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isCount(value: unknown): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= 0;
}
