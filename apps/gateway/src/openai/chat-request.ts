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
 * Reads an OpenAI chat completions body. Fields Warren does not act on are ignored, as OpenAI
 * ignores unknown ones; a field that is there but wrong is `WARREN_INVALID_MESSAGE`, its
 * violation naming the field as OpenAI's `param` does (`messages[1].role`). Text content parts
 * are joined; tools, function calls and non-text parts are refused (no endpoint here runs them).
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
  optional(b.n, 'n', (v) => v === 1, 'only 1 is supported');
  if (Array.isArray(b.tools) && b.tools.length > 0) throw invalid('tools', 'tools are not supported');
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
