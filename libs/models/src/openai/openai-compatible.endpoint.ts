import { injectTraceHeaders, otelContext, type TraceContext } from '@warren/telemetry';
import { toCompletion } from '../completion-stream';
import { ContextTooLongError, ModelRejectedError, ModelUnavailableError } from '../errors/model.errors';
import type { Completion, CompletionRequest, CompletionResult, ModelEndpoint } from '../model-endpoint.port';
import { estimatePromptTokens, estimateTokens } from '../token-estimate';
import { CallTimer } from './call-timer';
import { ConcurrencyGate } from './concurrency-gate';
import { errorBodyOf, MalformedChunkError, type OpenAiErrorBody, parseStreamData } from './openai-chunk';
import { type OpenAiEndpointOptions, resolveOpenAiEndpointOptions } from './openai-endpoint-options';
import { type CallContext, classifyErrorBody, classifyHttpError, networkError } from './openai-error-classifier';
import { SseDecoder } from './sse-decoder';

/** Largest error body read, in bytes (the rest is dropped). */
const MAX_ERROR_BODY = 64 * 1024;

/** The running tally of one call: what `result` reports, also when cancelled midway. */
interface Tally {
  promptTokens: number;
  text: string;
  usage?: { promptTokens: number; completionTokens: number };
  /** The trace of the call, sent upstream as `traceparent`. */
  trace: TraceContext;
}

/**
 * A model endpoint speaking the OpenAI chat completions API (OpenAI, Azure OpenAI's v1 API, vLLM,
 * Ollama, LiteLLM, …): `POST <baseUrl>/chat/completions` with `stream: true` and
 * `stream_options.include_usage`, read as server-sent events with Node's `fetch`.
 *
 * - Deltas are `choices[0].delta.content`; usage comes from the final usage chunk, else it is
 *   estimated (words × 1.3). `finish_reason: 'length'` ends with `'length'`, `'content_filter'`
 *   fails with a `ModelRejectedError` (content policy), anything else ends with `'stop'`.
 * - A server that answers a plain JSON completion instead of a stream is read too (one delta).
 * - Deadlines: `timeoutMs` from sending to the first body chunk, `idleTimeoutMs` for each next
 *   chunk (only the wait for the server: a slow reader of `deltas` does not time out);
 *   either one ends the request and fails retryably.
 * - `maxConcurrency` calls at once per instance; more wait their turn for up to `timeoutMs`, then
 *   fail with a retryable `ModelUnavailableError` (waiting is cancellable).
 * - A prompt whose estimate exceeds `contextWindow` fails at once with `ContextTooLongError`.
 * - Cancellation (the signal, or leaving `deltas` early) aborts the HTTP request; `result` resolves
 *   with `finishReason: 'cancelled'` and the usage so far (estimated).
 * - Errors are classified by {@link classifyHttpError}: a stream that ends without `[DONE]`, is cut,
 *   or carries a malformed chunk fails the whole completion with a retryable `ModelUnavailableError`
 *   (deltas already yielded stay yielded; the caller decides how to continue).
 */
export class OpenAiCompatibleEndpoint implements ModelEndpoint {
  readonly name: string;
  readonly contextWindow: number;
  readonly options: Readonly<OpenAiEndpointOptions>;
  private readonly gate: ConcurrencyGate;
  private readonly url: string;

  /** @param path where the options came from, for `InvalidOptionsError` keys (`models.endpoints.gpt4o`). */
  constructor(options: Partial<OpenAiEndpointOptions>, path = 'openai endpoint') {
    this.options = Object.freeze(resolveOpenAiEndpointOptions(options, path));
    this.name = this.options.name;
    this.contextWindow = this.options.contextWindow;
    this.gate = new ConcurrencyGate(this.options.maxConcurrency);
    this.url = `${this.options.baseUrl}/chat/completions`;
  }

  /** Calls allowed at once per instance (the worker pool's prefetch when the transport allows one per pool). */
  get maxConcurrency(): number {
    return this.options.maxConcurrency;
  }

  /** Calls running now and calls waiting for a slot. */
  get load(): { running: number; waiting: number } {
    return { running: this.gate.inUse, waiting: this.gate.waiting };
  }

  complete(request: CompletionRequest, signal: AbortSignal): Completion {
    // The caller's trace (the model call's span): the upstream request carries it as `traceparent`.
    const tally: Tally = { promptTokens: estimatePromptTokens(request), text: '', trace: otelContext.active() };
    return toCompletion(this.stream(request, signal, tally), () => this.end(tally, 'cancelled'));
  }

  private async *stream(
    request: CompletionRequest,
    signal: AbortSignal,
    tally: Tally,
  ): AsyncGenerator<string, CompletionResult, undefined> {
    if (tally.promptTokens > this.contextWindow) throw new ContextTooLongError(this.name, tally.promptTokens, this.contextWindow);
    const slot = await this.gate.acquire(this.options.timeoutMs, signal);
    if (slot === 'aborted') return this.end(tally, 'cancelled');
    if (slot === 'timeout')
      throw new ModelUnavailableError(
        this.name,
        `all ${this.options.maxConcurrency} concurrent calls stayed busy for ${this.options.timeoutMs} ms (maxConcurrency)`,
      );
    const timer = new CallTimer(signal);
    try {
      return yield* this.call(request, signal, timer, tally);
    } finally {
      timer.dispose();
      this.gate.release();
    }
  }

  private async *call(
    request: CompletionRequest,
    signal: AbortSignal,
    timer: CallTimer,
    tally: Tally,
  ): AsyncGenerator<string, CompletionResult, undefined> {
    const ctx: CallContext = { endpoint: this.name, promptTokens: tally.promptTokens, contextWindow: this.contextWindow };
    timer.arm(this.options.timeoutMs, 'first-byte');
    let response: Response;
    try {
      response = await fetch(this.url, {
        method: 'POST',
        headers: this.headers(tally.trace),
        body: JSON.stringify(this.body(request)),
        signal: timer.signal,
      });
    } catch (error) {
      if (signal.aborted) return this.end(tally, 'cancelled');
      throw this.failure(timer, error, 'connect');
    }
    if (!response.ok) {
      const body = await readErrorBody(response);
      if (signal.aborted) return this.end(tally, 'cancelled');
      if (timer.expired) throw this.timeout(timer);
      throw classifyHttpError(ctx, response.status, body, response.headers);
    }
    if (!response.body) throw new ModelUnavailableError(this.name, `HTTP ${response.status} without a body`);
    if (/application\/json/i.test(response.headers.get('content-type') ?? ''))
      return yield* this.plain(response, signal, timer, tally, ctx);

    const reader = response.body.getReader();
    const text = new TextDecoder();
    const sse = new SseDecoder();
    let finishReason: CompletionResult['finishReason'] = 'stop';
    let first = true;
    try {
      for (;;) {
        let read: Awaited<ReturnType<typeof reader.read>>;
        // The deadlines count only the wait for the server: the first-byte one (armed before the
        // request) up to the first chunk, then the idle one per read, never the caller's own pace.
        if (!first) timer.arm(this.options.idleTimeoutMs, 'idle');
        try {
          read = await reader.read();
        } catch (error) {
          if (signal.aborted) return this.end(tally, 'cancelled');
          throw this.failure(timer, error, 'stream');
        }
        timer.disarm();
        first = false;
        const payloads = read.done ? [...sse.push(text.decode()), ...sse.end()] : sse.push(text.decode(read.value, { stream: true }));
        for (const data of payloads) {
          let event: ReturnType<typeof parseStreamData>;
          try {
            event = parseStreamData(data);
          } catch (error) {
            if (error instanceof MalformedChunkError) throw new ModelUnavailableError(this.name, error.message, { cause: error });
            throw error;
          }
          if (event.kind === 'done') return this.end(tally, finishReason);
          if (event.kind === 'error') throw this.streamError(ctx, event.error);
          if (event.usage) tally.usage = event.usage;
          if (event.content !== undefined) {
            if (signal.aborted) return this.end(tally, 'cancelled');
            tally.text += event.content;
            yield event.content;
          }
          if (event.finishReason === 'content_filter')
            throw new ModelRejectedError(this.name, 'content policy: the output was filtered (finish_reason content_filter)');
          if (event.finishReason === 'length') finishReason = 'length';
        }
        if (read.done) throw new ModelUnavailableError(this.name, 'the stream ended without [DONE] (cut short)');
        if (signal.aborted) return this.end(tally, 'cancelled');
      }
    } finally {
      reader.cancel().catch(() => undefined);
    }
  }

  /** A non-streamed answer (`application/json`): one delta with the whole text. */
  private async *plain(
    response: Response,
    signal: AbortSignal,
    timer: CallTimer,
    tally: Tally,
    ctx: CallContext,
  ): AsyncGenerator<string, CompletionResult, undefined> {
    let json: unknown;
    try {
      json = await response.json();
    } catch (error) {
      if (signal.aborted) return this.end(tally, 'cancelled');
      if (timer.expired) throw this.timeout(timer);
      throw new ModelUnavailableError(this.name, 'malformed JSON completion', { cause: error });
    }
    const errorBody = errorBodyOf(json);
    if (errorBody && (json as { choices?: unknown }).choices === undefined) throw this.streamError(ctx, errorBody);
    const choice = (json as { choices?: { message?: { content?: unknown }; finish_reason?: unknown }[] }).choices?.[0];
    const content = choice?.message?.content;
    if (typeof content !== 'string')
      throw new ModelUnavailableError(this.name, 'malformed JSON completion (no choices[0].message.content)');
    const usage = (json as { usage?: { prompt_tokens?: unknown; completion_tokens?: unknown } }).usage;
    if (typeof usage?.prompt_tokens === 'number' && typeof usage.completion_tokens === 'number')
      tally.usage = { promptTokens: usage.prompt_tokens, completionTokens: usage.completion_tokens };
    if (choice?.finish_reason === 'content_filter') throw new ModelRejectedError(this.name, 'content policy: the output was filtered');
    if (content !== '') {
      tally.text = content;
      yield content;
    }
    return this.end(tally, choice?.finish_reason === 'length' ? 'length' : 'stop');
  }

  private headers(trace: TraceContext): Record<string, string> {
    const headers: Record<string, string> = { 'content-type': 'application/json', accept: 'text/event-stream' };
    if (this.options.apiKey) headers.authorization = `Bearer ${this.options.apiKey}`;
    const traceHeaders: Record<string, string | number> = {};
    injectTraceHeaders(traceHeaders, trace);
    for (const [k, v] of Object.entries(traceHeaders)) headers[k] = String(v);
    return headers;
  }

  private body(request: CompletionRequest): Record<string, unknown> {
    return {
      model: this.options.model,
      messages: request.messages.map((m) => ({ role: m.role, content: m.content })),
      stream: true,
      stream_options: { include_usage: true },
      max_tokens: Math.min(request.maxTokens ?? this.options.maxOutputTokens, this.options.maxOutputTokens),
      ...(request.temperature === undefined ? {} : { temperature: request.temperature }),
    };
  }

  private failure(timer: CallTimer, error: unknown, during: 'connect' | 'stream'): ModelUnavailableError {
    return timer.expired ? this.timeout(timer) : networkError(this.name, error, during);
  }

  private timeout(timer: CallTimer): ModelUnavailableError {
    return timer.expired === 'idle'
      ? new ModelUnavailableError(this.name, `no chunk for ${this.options.idleTimeoutMs} ms (idleTimeoutMs)`)
      : new ModelUnavailableError(this.name, `no response within ${this.options.timeoutMs} ms (timeoutMs)`);
  }

  /** An `{ error }` inside a 200 stream: fatal when it names context length or content policy, else retryable. */
  private streamError(ctx: CallContext, body: OpenAiErrorBody): Error {
    return (
      classifyErrorBody(ctx, body) ??
      new ModelUnavailableError(this.name, `error in the stream: ${body.code ? `[${body.code}] ` : ''}${body.message ?? 'unknown'}`)
    );
  }

  private end(tally: Tally, finishReason: CompletionResult['finishReason']): CompletionResult {
    const usage = tally.usage ?? { promptTokens: tally.promptTokens, completionTokens: estimateTokens(tally.text) };
    return { model: this.name, usage: { ...usage }, finishReason };
  }
}

/** Reads at most `MAX_ERROR_BODY` bytes of an error response and parses its `error` object, if JSON. */
async function readErrorBody(response: Response): Promise<OpenAiErrorBody | undefined> {
  let text = '';
  try {
    const reader = response.body?.getReader();
    if (!reader) return undefined;
    const decoder = new TextDecoder();
    let size = 0;
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      size += value.byteLength;
      text += decoder.decode(value, { stream: true });
      if (size >= MAX_ERROR_BODY) {
        reader.cancel().catch(() => undefined);
        break;
      }
    }
  } catch {
    // A cut error body still has its status.
  }
  if (text.trim() === '') return undefined;
  try {
    return errorBodyOf(JSON.parse(text)) ?? { message: text.slice(0, 300) };
  } catch {
    return { message: text.slice(0, 300) };
  }
}
