import createClient, { type Client, type Middleware } from 'openapi-fetch';
import type { components, operations, paths } from './schema';

export type { components, operations, paths } from './schema';

/** The schemas of the gateway's OpenAPI document, by name (`Schemas['TaskView']`, `Schemas['DeadLetterDetailView']` …). */
export type Schemas = components['schemas'];
/** Every stable `WARREN_*` error code. */
export type WarrenErrorCode = Schemas['WarrenErrorCode'];
/** The RFC 9457 problem details body of every error outside the OpenAI-compatible routes. */
export type ProblemDetails = Schemas['ProblemDetailsView'];
/** OpenAI's error body, answered by `/v1/chat/completions`, `/v1/models` and `/v1/embeddings`. */
export type OpenAiErrorBody = Schemas['OpenAiErrorView'];

/** Where the gateway is and which key to call it with. */
export interface WarrenHttpClientOptions {
  /** The gateway's base URL without `/v1`, e.g. `http://localhost:3000`. */
  baseUrl: string;
  /** A tenant's API key, or an admin key for `/v1/admin`. */
  apiKey: string;
  /** The `fetch` to use. @default globalThis.fetch */
  fetch?: typeof fetch;
  /** More headers for every request (e.g. `traceparent`). @default {} */
  headers?: Record<string, string>;
}

/** A typed client of every gateway route: `client.GET('/v1/tasks/{taskId}', { params: { path: { taskId } } })`. */
export type WarrenHttpClient = Client<paths, 'application/json'>;

/**
 * A typed HTTP client of the Warren gateway (openapi-fetch over the generated `paths`): each call
 * answers `{ data, error, response }`, `error` being the problem details (or OpenAI's error body on
 * the OpenAI-compatible routes); {@link unwrap} turns an error into a thrown {@link WarrenApiError}.
 */
export function createWarrenHttpClient(options: WarrenHttpClientOptions): WarrenHttpClient {
  const client = createClient<paths>({
    baseUrl: options.baseUrl.replace(/\/+$/, ''),
    ...(options.fetch ? { fetch: options.fetch } : {}),
  });
  const auth: Middleware = {
    onRequest({ request }) {
      request.headers.set('authorization', `Bearer ${options.apiKey}`);
      for (const [name, value] of Object.entries(options.headers ?? {})) request.headers.set(name, value);
      return request;
    },
  };
  client.use(auth);
  return client;
}

/** An error answer of the gateway: its status, `WARREN_*` code, message and wrong fields. */
export class WarrenApiError extends Error {
  override readonly name = 'WarrenApiError';

  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly fields: { field: string; constraints: string[] }[] = [],
    /** The body as answered (problem details or OpenAI's error), when it was JSON. */
    readonly body?: unknown,
  ) {
    super(message);
  }
}

/** The {@link WarrenApiError} of an error answer: problem details, OpenAI's `{ error }`, or anything else (`HTTP_<status>`). */
export function apiErrorOf(status: number, body: unknown, statusText = ''): WarrenApiError {
  const problem = body as Partial<ProblemDetails> | undefined;
  if (problem && typeof problem.code === 'string' && typeof problem.detail === 'string')
    return new WarrenApiError(status, problem.code, problem.detail, problem.fields ?? [], body);
  const openAi = (body as Partial<OpenAiErrorBody> | undefined)?.error;
  if (openAi && typeof openAi.code === 'string')
    return new WarrenApiError(
      status,
      openAi.code,
      openAi.message ?? '',
      openAi.param ? [{ field: openAi.param, constraints: [] }] : [],
      body,
    );
  return new WarrenApiError(status, `HTTP_${status}`, typeof body === 'string' && body ? body.slice(0, 200) : statusText, [], body);
}

/** The `data` of a client call, or a thrown {@link WarrenApiError} for an error answer. */
export async function unwrap<T>(call: Promise<{ data?: T; error?: unknown; response: Response }>): Promise<T> {
  const { data, error, response } = await call;
  if (!response.ok) throw apiErrorOf(response.status, error, response.statusText);
  return data as T;
}

/** One Server-Sent Event of `GET /v1/sessions/{sessionId}/events`. */
export interface SessionEvent {
  /** The CloudEvent id (drop a repeated one: events may be delivered twice). */
  id: string;
  /** `delta`, `reply`, `failed`, `interrupted`, `switched` or `proactive`. */
  event: string;
  /** The CloudEvent's `data` (e.g. `{ taskId, seq, text }` for a delta). */
  data: unknown;
}

/** What {@link streamSessionEvents} follows. */
export interface SessionEventsOptions extends Omit<WarrenHttpClientOptions, 'headers'> {
  sessionId: string;
  /** Only the events of this task. */
  taskId?: string;
  /** Ends the stream. */
  signal?: AbortSignal;
}

/**
 * Follows a session's events (`GET /v1/sessions/{sessionId}/events`, Server-Sent Events) as an
 * async iterator; comments (`: heartbeat`) are skipped. An error answer is thrown as a
 * {@link WarrenApiError}; aborting `signal` (or leaving the loop) closes the stream. Events are
 * not replayed: connect before sending the message whose events you want.
 */
export async function* streamSessionEvents(options: SessionEventsOptions): AsyncGenerator<SessionEvent, void, undefined> {
  const query = options.taskId ? `?taskId=${encodeURIComponent(options.taskId)}` : '';
  const url = `${options.baseUrl.replace(/\/+$/, '')}/v1/sessions/${encodeURIComponent(options.sessionId)}/events${query}`;
  const abort = new AbortController();
  const onAbort = () => abort.abort(options.signal?.reason);
  if (options.signal?.aborted) return;
  options.signal?.addEventListener('abort', onAbort, { once: true });
  try {
    const res = await (options.fetch ?? fetch)(url, {
      headers: { authorization: `Bearer ${options.apiKey}`, accept: 'text/event-stream' },
      signal: abort.signal,
    });
    if (!res.ok || !res.body) {
      const text = await res.text().catch(() => '');
      throw apiErrorOf(res.status, parseJson(text) ?? text, res.statusText);
    }
    yield* parseSse(res.body);
  } catch (error) {
    if (abort.signal.aborted) return;
    throw error;
  } finally {
    options.signal?.removeEventListener('abort', onAbort);
    abort.abort();
  }
}

/** The events of a text/event-stream body (`id`, `event`, `data` lines; blank line ends an event; `:` comments skipped). */
export async function* parseSse(body: ReadableStream<Uint8Array>): AsyncGenerator<SessionEvent, void, undefined> {
  const decoder = new TextDecoder();
  let buffer = '';
  let event: { id: string; event: string; data: string[] } = { id: '', event: 'message', data: [] };
  for await (const chunk of body as unknown as AsyncIterable<Uint8Array>) {
    buffer += decoder.decode(chunk, { stream: true });
    let newline = buffer.search(/\r\n|\r|\n/);
    while (newline !== -1) {
      const line = buffer.slice(0, newline);
      buffer = buffer.slice(newline + (buffer.startsWith('\r\n', newline) ? 2 : 1));
      if (line === '') {
        if (event.data.length > 0)
          yield { id: event.id, event: event.event, data: parseJson(event.data.join('\n')) ?? event.data.join('\n') };
        event = { id: '', event: 'message', data: [] };
      } else if (!line.startsWith(':')) {
        const colon = line.indexOf(':');
        const field = colon === -1 ? line : line.slice(0, colon);
        const value = colon === -1 ? '' : line.slice(colon + 1).replace(/^ /, '');
        if (field === 'id') event.id = value;
        else if (field === 'event') event.event = value;
        else if (field === 'data') event.data.push(value);
      }
      newline = buffer.search(/\r\n|\r|\n/);
    }
  }
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** The operations by `operationId`, for callers that name them (`Operation<'getTask'>`). */
export type Operation<K extends keyof operations> = operations[K];
