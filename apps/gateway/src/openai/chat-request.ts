import { InvalidMessageError, type ModelTool, type ModelToolCall, type ModelToolChoice, TOOL_NAME_PATTERN } from '@warren/contracts';

/** One message of the conversation as Warren passes it on (OpenAI's `developer` is a `system` message). */
export interface ChatRequestMessage {
  role: 'system' | 'user' | 'assistant' | 'tool';
  content: string;
  /** An assistant's `tool_calls`. */
  toolCalls?: ModelToolCall[];
  /** A tool message's `tool_call_id`. */
  toolCallId?: string;
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
  /** The caller's tools (`tools[].function`). */
  tools?: ModelTool[];
  /** `tool_choice`. */
  toolChoice?: ModelToolChoice;
}

const MAX_MESSAGES = 1000;
const MAX_TOOLS = 128;
const MAX_CONTENT = 1_000_000;

/**
 * Reads an OpenAI chat completions body; a field that is there but wrong is `WARREN_INVALID_MESSAGE`,
 * its violation naming the field as OpenAI's `param` does (`messages[1].role`). Text content parts
 * are joined.
 *
 * - Acted on: `model`, `messages` (with assistant `tool_calls` and `tool` messages), `stream`,
 *   `stream_options.include_usage`, `max_completion_tokens` / `max_tokens`, `temperature`, `user`,
 *   `tools` (`type: 'function'`), `tool_choice`.
 * - Accepted when they ask for what Warren does anyway: `n: 1`, `response_format: { type: 'text' }`,
 *   `parallel_tool_calls` (the model may always ask for several calls at once), `logprobs: false`,
 *   `modalities: ['text']`.
 * - Refused, never silently dropped ({@link UNSUPPORTED}): JSON output (`response_format`
 *   `json_object` or `json_schema`), the deprecated `functions` / `function_call` (use `tools`),
 *   tools of another type than `function`, log probabilities, audio, predicted outputs, stop
 *   sequences, several choices, non-text parts: no Warren endpoint does them, and an answer that
 *   ignored them would look right and be wrong.
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
  optional(b.parallel_tool_calls, 'parallel_tool_calls', isBool, 'must be a boolean');
  refuseUnsupported(b);
  const tools = b.tools === undefined || b.tools === null ? undefined : toolsOf(b.tools);
  const toolChoice = b.tool_choice === undefined || b.tool_choice === null ? undefined : toolChoiceOf(b.tool_choice, tools ?? []);
  return {
    model: b.model,
    messages,
    stream,
    includeUsage,
    ...(maxTokens === undefined ? {} : { maxTokens: maxTokens as number }),
    ...(temperature === undefined ? {} : { temperature: temperature as number }),
    ...(user === undefined ? {} : { user: user as string }),
    ...(tools && tools.length > 0 ? { tools } : {}),
    ...(toolChoice === undefined ? {} : { toolChoice }),
  };
}

/** `tools`: `[{ type: 'function', function: { name, description?, parameters?, strict? } }]`. */
function toolsOf(raw: unknown): ModelTool[] {
  if (!Array.isArray(raw)) throw invalid('tools', 'must be an array of { type: "function", function: { name, description, parameters } }');
  if (raw.length > MAX_TOOLS) throw invalid('tools', `must have at most ${MAX_TOOLS} tools`);
  const names = new Set<string>();
  return raw.map((t, i) => {
    const path = `tools[${i}]`;
    if (typeof t !== 'object' || t === null || Array.isArray(t)) throw invalid(path, 'must be an object');
    const tool = t as { type?: unknown; function?: unknown };
    if (tool.type !== 'function') throw invalid(`${path}.type`, UNSUPPORTED.toolType);
    const f = tool.function as { name?: unknown; description?: unknown; parameters?: unknown } | null | undefined;
    if (typeof f !== 'object' || f === null) throw invalid(`${path}.function`, 'must be an object { name, description, parameters }');
    if (typeof f.name !== 'string' || !TOOL_NAME_PATTERN.test(f.name))
      throw invalid(`${path}.function.name`, 'must be 1-64 letters, digits, "_" or "-"');
    if (names.has(f.name)) throw invalid(`${path}.function.name`, `must be unique (${f.name} is declared twice)`);
    names.add(f.name);
    if (f.description !== undefined && typeof f.description !== 'string') throw invalid(`${path}.function.description`, 'must be a string');
    if (f.parameters !== undefined && (typeof f.parameters !== 'object' || f.parameters === null || Array.isArray(f.parameters)))
      throw invalid(`${path}.function.parameters`, 'must be a JSON schema object');
    return {
      name: f.name,
      ...(f.description === undefined ? {} : { description: f.description }),
      ...(f.parameters === undefined ? {} : { parameters: f.parameters as Record<string, unknown> }),
    };
  });
}

/** `tool_choice`: `none`, `auto`, `required` or `{ type: 'function', function: { name } }` naming one of `tools`. */
function toolChoiceOf(raw: unknown, tools: readonly ModelTool[]): ModelToolChoice {
  if (raw === 'none' || raw === 'auto' || raw === 'required') return raw;
  const c = raw as { type?: unknown; function?: { name?: unknown } } | null;
  if (typeof c !== 'object' || c === null || c.type !== 'function' || typeof c.function?.name !== 'string')
    throw invalid('tool_choice', 'must be "none", "auto", "required" or { "type": "function", "function": { "name": … } }');
  const name = c.function.name;
  // Without tools of its own the caller may name one of the tenant's Warren-hosted tools.
  if (tools.length > 0 && !tools.some((t) => t.name === name)) throw invalid('tool_choice', `names ${name}, which is not one of tools`);
  return { name };
}

/** Why each feature Warren does not have is refused (the message says what to send instead). */
export const UNSUPPORTED = Object.freeze({
  responseFormat:
    'must be { "type": "text" }: JSON mode and structured outputs (json_object, json_schema) are not supported; ask for JSON in the prompt instead',
  toolType: 'must be "function": only function tools are supported',
  functions: 'must be empty: the deprecated functions are not supported; declare them in tools',
  functionCall: 'must be "none" or "auto": the deprecated function_call is not supported; use tool_choice',
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
  if (present(b.functions) && (!Array.isArray(b.functions) || b.functions.length > 0)) throw invalid('functions', UNSUPPORTED.functions);
  if (present(b.function_call) && b.function_call !== 'none' && b.function_call !== 'auto')
    throw invalid('function_call', UNSUPPORTED.functionCall);
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
  if (role !== 'system' && role !== 'user' && role !== 'assistant' && role !== 'tool')
    throw invalid(`${path}.role`, 'must be system, developer, user, assistant or tool');
  const toolCalls =
    role === 'assistant' && m.tool_calls !== undefined && m.tool_calls !== null ? toolCallsOf(m.tool_calls, path) : undefined;
  const content = text(m.content, `${path}.content`, role === 'assistant');
  if (content.length > MAX_CONTENT) throw invalid(`${path}.content`, `must have at most ${MAX_CONTENT} characters`);
  if (role === 'tool') {
    if (typeof m.tool_call_id !== 'string' || m.tool_call_id.length === 0 || m.tool_call_id.length > 256)
      throw invalid(`${path}.tool_call_id`, 'must be the id of the tool call this message answers');
    return { role, content, toolCallId: m.tool_call_id };
  }
  return { role, content, ...(toolCalls && toolCalls.length > 0 ? { toolCalls } : {}) };
}

/** An assistant's `tool_calls`: `[{ id, type: 'function', function: { name, arguments } }]`. */
function toolCallsOf(raw: unknown, path: string): ModelToolCall[] {
  if (!Array.isArray(raw)) throw invalid(`${path}.tool_calls`, 'must be an array');
  return raw.map((c, i) => {
    const p = `${path}.tool_calls[${i}]`;
    const call = c as { id?: unknown; type?: unknown; function?: { name?: unknown; arguments?: unknown } } | null;
    if (typeof call !== 'object' || call === null) throw invalid(p, 'must be an object');
    if (typeof call.id !== 'string' || call.id.length === 0 || call.id.length > 256) throw invalid(`${p}.id`, 'must be a non-empty string');
    if (call.type !== 'function') throw invalid(`${p}.type`, 'must be "function"');
    if (typeof call.function?.name !== 'string' || typeof call.function.arguments !== 'string')
      throw invalid(`${p}.function`, 'must be { name, arguments } (arguments: JSON text)');
    return { id: call.id, name: call.function.name, arguments: call.function.arguments };
  });
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
