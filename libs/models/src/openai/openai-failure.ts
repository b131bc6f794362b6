import OpenAI, { APIConnectionError, APIConnectionTimeoutError, APIError, APIUserAbortError } from 'openai';
import { errorBodyOf } from '../providers/http-error-classifier';
import type { ProviderFailure } from '../providers/provider-failure';

/** The failure an error of the `openai` SDK stands for (chat completions and embeddings alike). */
export function openAiFailureOf(error: unknown): ProviderFailure {
  if (error instanceof APIConnectionTimeoutError) return { kind: 'timeout' };
  if (error instanceof APIUserAbortError) return { kind: 'cut', cause: error };
  if (error instanceof APIConnectionError) return { kind: 'connect', cause: error };
  if (error instanceof APIError) {
    // The SDK keeps the body's `error` object; an in-stream error has no status.
    const body = errorBodyOf({ error: error.error }) ?? { message: error.message };
    if (error.status === undefined) return { kind: 'stream-error', body };
    return { kind: 'http', status: error.status, body, headers: error.headers ?? new Headers() };
  }
  if (error instanceof SyntaxError) return { kind: 'malformed', cause: error };
  return { kind: 'cut', cause: error };
}

/** The `openai` SDK client of an endpoint: its retries off, none of its `OPENAI_*` variables read. */
export function openAiClient(options: { baseUrl: string; apiKey?: string | undefined; timeoutMs: number }): OpenAI {
  const key = options.apiKey;
  return new OpenAI({
    baseURL: options.baseUrl,
    // The SDK insists on a key; without one configured, none is sent (local servers).
    apiKey: key ?? 'none',
    ...(key === undefined ? { defaultHeaders: { authorization: null } } : {}),
    organization: null,
    project: null,
    adminAPIKey: null,
    maxRetries: 0,
    timeout: options.timeoutMs,
    logLevel: 'off',
  });
}
