import { InvalidOptionsError } from '@warren/contracts';

/**
 * Options of one provider endpoint (`OpenAiCompatibleEndpoint`, `AnthropicEndpoint`); each
 * documented with its default.
 */
export interface ProviderEndpointOptions {
  /** Endpoint name: its worker pool is `model/<name>`; `[A-Za-z0-9_-]{1,64}`. Required. */
  name: string;
  /**
   * Base URL of the API: for OpenAI-compatible servers up to and without `/chat/completions`
   * (e.g. `https://api.openai.com/v1`, required); for Anthropic without `/v1`
   * (@default `https://api.anthropic.com`).
   */
  baseUrl: string;
  /** The provider's model name sent as `model` (e.g. `gpt-4o-mini`). Required. */
  model: string;
  /**
   * The provider's key, sent as the provider's SDK sends it (`Authorization: Bearer <apiKey>`). Config never holds it: it names an environment variable (`apiKeyEnv`) and
   * `endpointsFromConfig` reads it. Omitted → no key header at all (local servers such as vLLM,
   * Ollama or LM Studio); the SDKs' own variables (`OPENAI_API_KEY`, `ANTHROPIC_API_KEY`) are never
   * read. @default undefined
   */
  apiKey?: string;
  /** Ms from sending the request to the response headers and from them to the first chunk. @default 30000 */
  timeoutMs: number;
  /** Ms allowed between two chunks of the stream once it started. @default 30000 */
  idleTimeoutMs: number;
  /**
   * Calls this process runs at once against the endpoint; more wait (first come, first served)
   * for up to `timeoutMs`, then fail with a retryable `ModelUnavailableError`. @default 16
   */
  maxConcurrency: number;
  /** Prompt plus completion tokens the model accepts; a larger estimated prompt fails at once with `ContextTooLongError`. @default 8192 */
  contextWindow: number;
  /** Upper bound of `max_tokens` sent, whatever the request asks (Anthropic requires one). @default 1024 */
  maxOutputTokens: number;
}

/** The options of an OpenAI-compatible endpoint (OpenAI, Azure OpenAI's v1 API, vLLM, Ollama, LM Studio, LiteLLM …). */
export type OpenAiEndpointOptions = ProviderEndpointOptions;

/** Defaults of the optional `ProviderEndpointOptions`. */
export const PROVIDER_ENDPOINT_DEFAULTS = Object.freeze({
  timeoutMs: 30_000,
  idleTimeoutMs: 30_000,
  maxConcurrency: 16,
  contextWindow: 8192,
  maxOutputTokens: 1024,
});

/** Endpoint names become routing keys and queue names (`warren.worker.model.<name>`). */
export const ENDPOINT_NAME_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;

/** Anthropic's API, when an `anthropic` endpoint names no `baseUrl`. */
export const ANTHROPIC_BASE_URL = 'https://api.anthropic.com';

const KNOWN = new Set(['name', 'baseUrl', 'model', 'apiKey', ...Object.keys(PROVIDER_ENDPOINT_DEFAULTS)]);

/**
 * Fills defaults (`??`), rejects unknown keys, wrong types and out-of-range values with an
 * `InvalidOptionsError` naming the key under `path` (e.g. `models.endpoints.gpt4o.timeoutMs`).
 * The base URL loses its trailing `/`; `defaultBaseUrl` is used when none is given.
 */
export function resolveProviderOptions(
  raw: Partial<ProviderEndpointOptions>,
  path = 'endpoint',
  defaultBaseUrl?: string,
): ProviderEndpointOptions {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) throw new InvalidOptionsError(path, 'must be an object');
  for (const key of Object.keys(raw)) if (!KNOWN.has(key)) throw new InvalidOptionsError(`${path}.${key}`, 'is not an endpoint option');
  const d = PROVIDER_ENDPOINT_DEFAULTS;
  const o: ProviderEndpointOptions = {
    name: raw.name as string,
    baseUrl: (raw.baseUrl ?? defaultBaseUrl) as string,
    model: raw.model as string,
    ...(raw.apiKey === undefined ? {} : { apiKey: raw.apiKey }),
    timeoutMs: raw.timeoutMs ?? d.timeoutMs,
    idleTimeoutMs: raw.idleTimeoutMs ?? d.idleTimeoutMs,
    maxConcurrency: raw.maxConcurrency ?? d.maxConcurrency,
    contextWindow: raw.contextWindow ?? d.contextWindow,
    maxOutputTokens: raw.maxOutputTokens ?? d.maxOutputTokens,
  };
  if (typeof o.name !== 'string' || !ENDPOINT_NAME_PATTERN.test(o.name))
    throw new InvalidOptionsError(`${path}.name`, `must be 1-64 letters, digits, "_" or "-" (got ${JSON.stringify(o.name)})`);
  o.baseUrl = checkBaseUrl(o.baseUrl, `${path}.baseUrl`);
  if (typeof o.model !== 'string' || o.model.trim() === '' || o.model.length > 256)
    throw new InvalidOptionsError(`${path}.model`, `must be a non-empty model name (got ${JSON.stringify(o.model)})`);
  if (o.apiKey !== undefined && (typeof o.apiKey !== 'string' || o.apiKey === '' || /[\r\n]/.test(o.apiKey)))
    throw new InvalidOptionsError(`${path}.apiKey`, 'must be a non-empty single-line string');
  intIn(o.timeoutMs, `${path}.timeoutMs`, 1, 3_600_000);
  intIn(o.idleTimeoutMs, `${path}.idleTimeoutMs`, 1, 3_600_000);
  intIn(o.maxConcurrency, `${path}.maxConcurrency`, 1, 10_000);
  intIn(o.contextWindow, `${path}.contextWindow`, 1, 100_000_000);
  intIn(o.maxOutputTokens, `${path}.maxOutputTokens`, 1, 100_000_000);
  return o;
}

/** @internal A checked http(s) base URL without credentials, query or fragment, its trailing `/` dropped. */
export function checkBaseUrl(value: unknown, key: string): string {
  if (typeof value !== 'string') throw new InvalidOptionsError(key, `must be an http(s) URL (got ${JSON.stringify(value)})`);
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new InvalidOptionsError(key, `must be an http(s) URL (got ${JSON.stringify(value)})`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    throw new InvalidOptionsError(key, `must be http or https (got ${url.protocol})`);
  if (url.username || url.password) throw new InvalidOptionsError(key, 'must not carry credentials (use apiKeyEnv)');
  if (url.search || url.hash) throw new InvalidOptionsError(key, 'must have no query or fragment');
  return value.replace(/\/+$/, '');
}

/** @internal Throws unless `value` is an integer in `[min, max]`. */
export function intIn(value: unknown, key: string, min: number, max: number): void {
  if (!Number.isInteger(value) || (value as number) < min || (value as number) > max)
    throw new InvalidOptionsError(key, `must be an integer from ${min} to ${max} (got ${JSON.stringify(value)})`);
}
