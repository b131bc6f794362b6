import { ContextTooLongError, type ModelEndpointError, ModelRejectedError, ModelUnavailableError } from '../errors/model.errors';

/**
 * The `error` object of a provider's error body: OpenAI's `{ error: { message, type, code, param } }`,
 * Anthropic's `{ type: 'error', error: { type, message } }`, or `{ error: "text" }`.
 */
export interface ProviderErrorBody {
  message?: string;
  type?: string;
  code?: string;
  param?: string;
}

/** What the classifier knows of the call besides the response. */
export interface CallContext {
  /** The endpoint's name (`model/<name>`). */
  endpoint: string;
  /** Estimated prompt tokens of the request (used when the server does not say). */
  promptTokens: number;
  /** The configured context window (used when the server does not say). */
  contextWindow: number;
}

/** A `ModelUnavailableError` of an HTTP 429 that said when to come back. */
export type RateLimitedModelError = ModelUnavailableError & { readonly retryAfterMs?: number };

const CONTEXT_CODES = new Set(['context_length_exceeded', 'string_above_max_length', 'context_window_exceeded']);
const CONTEXT_TEXT =
  /context[ _-]?(length|window)|maximum context|too many (input )?tokens|prompt is too long|input is too long|reduce the length|tokens? > \d[\d,]* maximum/i;
const POLICY_CODES = new Set(['content_policy_violation', 'content_filter', 'responsibleaipolicyviolation', 'moderation_blocked']);
const POLICY_TEXT = /content[ _-]?(management )?(policy|filter)|safety system|flagged by (our|the) moderation/i;

/**
 * The `ModelEndpointError` of an HTTP error response (the same table for every provider: OpenAI,
 * Azure OpenAI, vLLM, Ollama, Anthropic, whose 529 "overloaded" is a 5xx):
 *
 * | response | error |
 * |---|---|
 * | 400/413/422 whose code or message says context length | `ContextTooLongError` (fatal) |
 * | any 4xx whose code or message says content policy | `ModelRejectedError` "content policy: …" (fatal) |
 * | 401, 403 | `ModelRejectedError` "authentication failed …" (fatal) |
 * | 408, 409, 425, 429 | `ModelUnavailableError` (retryable); 429 carries `retryAfterMs` |
 * | 5xx | `ModelUnavailableError` (retryable) |
 * | other 4xx (400, 404, 422, …) | `ModelRejectedError` with the status (fatal) |
 */
export function classifyHttpError(
  call: CallContext,
  status: number,
  body: ProviderErrorBody | undefined,
  headers: { get(name: string): string | null },
  now: number = Date.now(),
): ModelEndpointError {
  const detail = describe(body);
  if (status >= 400 && status < 500 && status !== 429 && status !== 408) {
    const semantic = classifyErrorBody(call, body, status);
    if (semantic) return semantic;
  }
  if (status === 401 || status === 403)
    return new ModelRejectedError(
      call.endpoint,
      `authentication failed (HTTP ${status}): check the API key in the endpoint's apiKeyEnv${detail}`,
      status,
    );
  if (status === 429) {
    const retryAfterMs = parseRetryAfter(headers, now);
    const error = new ModelUnavailableError(
      call.endpoint,
      `rate limited (HTTP 429${retryAfterMs === undefined ? '' : `, retry after ${retryAfterMs} ms`})${detail}`,
    );
    return retryAfterMs === undefined ? error : withRetryAfter(error, retryAfterMs);
  }
  if (status === 408 || status === 409 || status === 425 || status >= 500)
    return new ModelUnavailableError(call.endpoint, `HTTP ${status}${detail}`);
  if (status === 404)
    return new ModelRejectedError(call.endpoint, `not found (HTTP 404): check the endpoint's baseUrl and model${detail}`, status);
  return new ModelRejectedError(call.endpoint, `HTTP ${status}${detail}`, status);
}

/**
 * The fatal error an error body names, whatever the status (also for `{ error }` chunks inside a
 * stream): context length → `ContextTooLongError`, content policy → `ModelRejectedError`; else undefined.
 */
export function classifyErrorBody(call: CallContext, body: ProviderErrorBody | undefined, status?: number): ModelEndpointError | undefined {
  if (!body) return undefined;
  const code = (body.code ?? '').toLowerCase();
  const type = (body.type ?? '').toLowerCase();
  const message = body.message ?? '';
  if (CONTEXT_CODES.has(code) || CONTEXT_TEXT.test(message)) {
    const { promptTokens, contextWindow } = tokensFromMessage(message);
    return new ContextTooLongError(
      call.endpoint,
      promptTokens ?? Math.max(call.promptTokens, (contextWindow ?? call.contextWindow) + 1),
      contextWindow ?? call.contextWindow,
    );
  }
  if (POLICY_CODES.has(code) || POLICY_CODES.has(type) || POLICY_TEXT.test(message))
    return new ModelRejectedError(call.endpoint, `content policy: ${message || code || type}`, status);
  return undefined;
}

/** The error of a failed connection or a cut body (ECONNREFUSED, ECONNRESET, socket closed, DNS): retryable. */
export function networkError(endpoint: string, error: unknown, during: 'connect' | 'stream'): ModelUnavailableError {
  const code = causeCode(error);
  const what = during === 'connect' ? 'connection failed' : 'stream cut';
  return new ModelUnavailableError(endpoint, `${what}${code ? ` (${code})` : ''}: ${messageOf(error)}`, { cause: error });
}

/**
 * Ms to wait from `Retry-After` (seconds or an HTTP date) or `retry-after-ms` (OpenAI, Azure),
 * preferring the latter; undefined when absent or unreadable; never negative.
 */
export function parseRetryAfter(headers: { get(name: string): string | null }, now: number = Date.now()): number | undefined {
  const ms = headers.get('retry-after-ms');
  if (ms !== null && /^\s*\d+(\.\d+)?\s*$/.test(ms)) return Math.ceil(Number(ms));
  const value = headers.get('retry-after');
  if (value === null) return undefined;
  if (/^\s*\d+(\.\d+)?\s*$/.test(value)) return Math.ceil(Number(value) * 1000);
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

/** `retryAfterMs` of a rate-limited endpoint error, local or from another node (`RemoteError.details`). */
export function retryAfterMsOf(error: unknown): number | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const direct = (error as { retryAfterMs?: unknown }).retryAfterMs;
  if (typeof direct === 'number') return direct;
  const details = (error as { details?: { retryAfterMs?: unknown } }).details;
  return typeof details?.retryAfterMs === 'number' ? details.retryAfterMs : undefined;
}

/** Adds `retryAfterMs` as an own field, so it travels as a wire `details` field. */
function withRetryAfter(error: ModelUnavailableError, retryAfterMs: number): RateLimitedModelError {
  Object.defineProperty(error, 'retryAfterMs', { value: retryAfterMs, enumerable: true, writable: false });
  return error as RateLimitedModelError;
}

/**
 * "maximum context length is 8192 tokens. However, your messages resulted in 9000 tokens" (OpenAI),
 * "prompt is too long: 201234 tokens > 200000 maximum" (Anthropic) and the like.
 */
function tokensFromMessage(message: string): { promptTokens?: number; contextWindow?: number } {
  const window =
    /(?:maximum context length|context (?:length|window)(?: of| is)?)\D{0,20}(\d[\d,]*)/i.exec(message) ??
    /(\d[\d,]*) maximum/i.exec(message);
  const prompt =
    /(?:resulted in|requested|you requested|prompt (?:has|contains|is))\D{0,20}(\d[\d,]*)/i.exec(message) ??
    /(\d[\d,]*) tokens? >/i.exec(message);
  const num = (m: RegExpExecArray | null) => (m?.[1] ? Number(m[1].replace(/,/g, '')) : undefined);
  const out: { promptTokens?: number; contextWindow?: number } = {};
  const w = num(window);
  const p = num(prompt);
  if (w !== undefined && w > 0) out.contextWindow = w;
  if (p !== undefined && p > 0) out.promptTokens = p;
  return out;
}

function describe(body: ProviderErrorBody | undefined): string {
  if (!body) return '';
  const code = body.code ?? body.type;
  const message = body.message ? truncate(body.message, 300) : '';
  if (!code && !message) return '';
  return `: ${[code ? `[${code}]` : '', message].filter(Boolean).join(' ')}`;
}

function causeCode(error: unknown): string | undefined {
  let e: unknown = error;
  for (let i = 0; i < 4 && typeof e === 'object' && e !== null; i++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string') return code;
    e = (e as { cause?: unknown }).cause;
  }
  return undefined;
}

function messageOf(error: unknown): string {
  const cause = (error as { cause?: { message?: unknown } })?.cause?.message;
  const own = error instanceof Error ? error.message : String(error);
  return typeof cause === 'string' && cause !== own ? `${own} (${cause})` : own;
}

function truncate(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max)}…` : text;
}

/** The `error` object of a parsed error body (`{ error: { message, type, code } }`, `{ error: "text" }`, `{ message }`), if any. */
export function errorBodyOf(json: unknown): ProviderErrorBody | undefined {
  if (!isObject(json)) return undefined;
  const e = json.error;
  if (typeof e === 'string') return { message: e };
  if (!isObject(e)) return typeof json.message === 'string' ? { message: json.message } : undefined;
  const out: ProviderErrorBody = {};
  if (typeof e.message === 'string') out.message = e.message;
  if (typeof e.type === 'string') out.type = e.type;
  if (typeof e.code === 'string' || typeof e.code === 'number') out.code = String(e.code);
  if (typeof e.param === 'string') out.param = e.param;
  return out;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
