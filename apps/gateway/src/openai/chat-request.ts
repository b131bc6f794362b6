import { InvalidMessageError } from '@warren/contracts';

/** One message of the conversation as Warren passes it on (OpenAI's `developer` is a `system` message). */
export interface ChatRequestMessage {
  role: 'system' | 'user' | 'assistant';
  content: string;
}

/** The part of an OpenAI chat completions request that Warren acts on. */
export interface ChatRequest {
  model: string;
  messages: ChatRequestMessage[];
  stream: boolean;
  /** `stream_options.include_usage`: a last chunk with `usage` and no choices. */
  includeUsage: boolean;
  maxTokens?: number;
  temperature?: number;
  user?: string;
}

const MAX_MESSAGES = 1000;
const MAX_CONTENT = 1_000_000;

/**
 * Reads an OpenAI chat completions body; a field that is there but wrong is `WARREN_INVALID_MESSAGE`,
 * its violation naming the field as OpenAI's `param` does (`messages[1].role`). Text content parts
 * are joined.
 *
 * - Acted on: `model`, `messages`, `stream`, `stream_options.include_usage`, `max_completion_tokens`
 *   / `max_tokens`, `temperature`, `user`.
 * - Accepted when they ask for what Warren does anyway: `n: 1`, `response_format: { type: 'text' }`,
 *   no `tools` (`[]`, `tool_choice: 'none' | 'auto'`, `parallel_tool_calls`), `logprobs: false`,
 *   `modalities: ['text']`.
 * - Refused, never silently dropped ({@link UNSUPPORTED}): JSON output (`response_format`
 *   `json_object` or `json_schema`), tools and functions, log probabilities, audio, predicted
 *   outputs, stop sequences, several choices, non-text parts: no Warren endpoint does them, and an
 *   answer that ignored them would look right and be wrong.
 * - Sampling and provider hints (`top_p`, `seed`, penalties, `logit_bias`, `reasoning_effort`,
 *   `store`, `metadata`, `service_tier` …) and unknown fields are not passed on, as OpenAI ignores
 *   unknown fields.
 */
export function parseChatRequest(body: unknown): ChatRequest {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw invalid('body', 'must be a JSON object');
  const b = body as Record<string, unknown>;
  if (typeof b.model !== 'string' || b.model.length === 0 || b.model.length > 256)
    throw invalid('model', 'must be a non-empty string (auto, an endpoint, a strategy or a route)');
  if (!Array.isArray(b.messages) || b.messages.length === 0) throw invalid('messages', 'must be a non-empty array');
  if (b.messages.length > MAX_MESSAGES) throw invalid('messages', `must have at most ${MAX_MESSAGES} messages`);
  const messages = b.messages.map((m, i) => message(m, `messages[${i}]`));
  if (!messages.some((m) => m.role === 'user')) throw invalid('messages', 'must contain a user message');
  const stream = optional<boolean>(b.stream, 'stream', (v) => typeof v === 'boolean', 'must be a boolean') ?? false;
  const options = optional(b.stream_options, 'stream_options', (v) => typeof v === 'object' && !Array.isArray(v), 'must be an object');
  const includeUsage =
    optional<boolean>(
      (options as Record<string, unknown> | undefined)?.include_usage,
      'stream_options.include_usage',
      isBool,
      'must be a boolean',
    ) ?? false;
  const maxTokens =
    optional(b.max_completion_tokens, 'max_completion_tokens', isTokens, 'must be an integer from 1 to 1000000') ??
    optional(b.max_tokens, 'max_tokens', isTokens, 'must be an integer from 1 to 1000000');
  const temperature = optional(
    b.temperature,
    'temperature',
    (v) => typeof v === 'number' && v >= 0 && v <= 2,
    'must be a number from 0 to 2',
  );
  const user = optional(
    b.user,
    'user',
    (v) => typeof v === 'string' && v.length > 0 && v.length <= 256,
    'must be a string of 1 to 256 characters',
  );
  optional(b.n, 'n', (v) => v === 1, 'must be 1: one choice per completion');
  refuseUnsupported(b);
  return {
    model: b.model,
    messages,
    stream,
    includeUsage,
    ...(maxTokens === undefined ? {} : { maxTokens: maxTokens as number }),
    ...(temperature === undefined ? {} : { temperature: temperature as number }),
    ...(user === undefined ? {} : { user: user as string }),
  };
}

/** Why each feature Warren does not have is refused (the message says what to send instead). */
export const UNSUPPORTED = Object.freeze({
  responseFormat:
    'must be { "type": "text" }: JSON mode and structured outputs (json_object, json_schema) are not supported; ask for JSON in the prompt instead',
  tools: 'must be empty: function calling is not supported (no Warren endpoint runs tools)',
  toolChoice: 'must be "none" or "auto": function calling is not supported',
  functions: 'must be empty: function calling is not supported',
  logprobs: 'must be false: log probabilities are not returned',
  audio: 'must be absent: Warren answers text only',
  modalities: 'must be ["text"]: Warren answers text only',
  prediction: 'must be absent: predicted outputs are not supported',
  stop: 'must be absent: stop sequences are not supported',
});

/** Refuses, with OpenAI's `param`, the fields that ask for something no Warren endpoint does. */
function refuseUnsupported(b: Record<string, unknown>): void {
  const present = (v: unknown) => v !== undefined && v !== null;
  if (present(b.response_format)) {
    const type = (b.response_format as { type?: unknown }).type;
    if (typeof b.response_format !== 'object' || Array.isArray(b.response_format) || type !== 'text')
      throw invalid('response_format', UNSUPPORTED.responseFormat);
  }
  if (present(b.tools) && (!Array.isArray(b.tools) || b.tools.length > 0)) throw invalid('tools', UNSUPPORTED.tools);
  if (present(b.tool_choice) && b.tool_choice !== 'none' && b.tool_choice !== 'auto') throw invalid('tool_choice', UNSUPPORTED.toolChoice);
  if (present(b.functions) && (!Array.isArray(b.functions) || b.functions.length > 0)) throw invalid('functions', UNSUPPORTED.functions);
  if (present(b.function_call) && b.function_call !== 'none' && b.function_call !== 'auto')
    throw invalid('function_call', UNSUPPORTED.toolChoice);
  if (present(b.logprobs) && b.logprobs !== false) throw invalid('logprobs', UNSUPPORTED.logprobs);
  if (present(b.top_logprobs) && b.top_logprobs !== 0) throw invalid('top_logprobs', UNSUPPORTED.logprobs);
  if (present(b.audio)) throw invalid('audio', UNSUPPORTED.audio);
  if (present(b.modalities) && !(Array.isArray(b.modalities) && b.modalities.every((m) => m === 'text')))
    throw invalid('modalities', UNSUPPORTED.modalities);
  if (present(b.prediction)) throw invalid('prediction', UNSUPPORTED.prediction);
  if (present(b.stop) && !(Array.isArray(b.stop) && b.stop.length === 0)) throw invalid('stop', UNSUPPORTED.stop);
}

function message(raw: unknown, path: string): ChatRequestMessage {
  if (typeof raw !== 'object' || raw === null) throw invalid(path, 'must be an object');
  const m = raw as Record<string, unknown>;
  const role = m.role === 'developer' ? 'system' : m.role;
  if (role !== 'system' && role !== 'user' && role !== 'assistant')
    throw invalid(`${path}.role`, 'must be system, developer, user or assistant (tool messages are not supported)');
  const content = text(m.content, `${path}.content`, role === 'assistant');
  if (content.length > MAX_CONTENT) throw invalid(`${path}.content`, `must have at most ${MAX_CONTENT} characters`);
  return { role, content };
}

/** A string, or an array of `{ type: 'text', text }` parts (joined); an assistant's may be null. */
function text(raw: unknown, path: string, nullable: boolean): string {
  if (typeof raw === 'string') return raw;
  if (raw === null && nullable) return '';
  if (!Array.isArray(raw)) throw invalid(path, 'must be a string or an array of text parts');
  return raw
    .map((part, i) => {
      const p = part as { type?: unknown; text?: unknown } | null;
      if (p?.type !== 'text' || typeof p.text !== 'string') throw invalid(`${path}[${i}]`, 'only text parts are supported');
      return p.text;
    })
    .join('');
}

function optional<T = unknown>(value: unknown, field: string, ok: (v: unknown) => boolean, why: string): T | undefined {
  if (value === undefined || value === null) return undefined;
  if (!ok(value)) throw invalid(field, why);
  return value as T;
}

const isBool = (v: unknown): boolean => typeof v === 'boolean';
const isTokens = (v: unknown): boolean => Number.isInteger(v) && (v as number) >= 1 && (v as number) <= 1_000_000;

function invalid(field: string, why: string): InvalidMessageError {
  return new InvalidMessageError(`${field} ${why}`, [{ field, constraints: [why] }]);
}
