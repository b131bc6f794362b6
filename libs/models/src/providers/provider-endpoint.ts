import { injectTraceHeaders, otelContext, type TraceContext } from '@warren/telemetry';
import { toCompletion } from '../completion-stream';
import { ContextTooLongError, ModelRejectedError, ModelUnavailableError } from '../errors/model.errors';
import type { Completion, CompletionRequest, CompletionResult, ModelEndpoint } from '../model-endpoint.port';
import { estimatePromptTokens, estimateTokens } from '../token-estimate';
import { ToolCallAccumulator, type ToolCallDelta } from '../tools/tool-call-deltas';
import { CallTimer } from './call-timer';
import { ConcurrencyGate } from './concurrency-gate';
import type { CallContext } from './http-error-classifier';
import { modelErrorOf, type ProviderFailure } from './provider-failure';
import { type ProviderEndpointOptions, resolveProviderOptions } from './provider-options';

/** One event of a provider's stream, as an adapter reads it from its SDK's parsed events. */
export interface ProviderChunk {
  /** Text to pass on (empty or absent: none). */
  text?: string;
  /**
   * How the provider says the answer ended: `stop`, `length` (the token limit), `filtered` (its
   * content policy: fails with `ModelRejectedError`), `tool_calls` (the model asks for the tools
   * streamed in `toolCalls`). A stream that ends without one was cut short.
   */
  finish?: 'stop' | 'length' | 'filtered' | 'tool_calls';
  /** Pieces of tool calls (OpenAI streams each call's arguments in pieces); put together by the base class. */
  toolCalls?: ToolCallDelta[];
  /** Usage as far as the provider reported it (either count may come in a separate event). */
  usage?: { promptTokens?: number; completionTokens?: number };
}

/** The running tally of one call: what `result` reports, also when cancelled midway. */
interface Tally {
  promptTokens: number;
  text: string;
  promptUsage?: number;
  completionUsage?: number;
  /** The trace of the call (the model call's span), sent upstream as `traceparent`. */
  trace: TraceContext;
  /** The tool calls streamed so far. */
  toolCalls: ToolCallAccumulator;
}

/**
 * What Warren keeps around a provider SDK, whatever the provider: the port (`complete` → deltas +
 * result), the context-window check before any request, the concurrency gate, the deadlines,
 * cancellation and the usage tally; the SDK does HTTP, SSE and JSON. An adapter implements
 * `open` (start the SDK's streamed call with the given signal and map its events to
 * {@link ProviderChunk}s) and `failureOf` (map its SDK's errors to a {@link ProviderFailure}).
 *
 * - Deltas are yielded as they come; usage is the provider's, else estimated (words × 1.3).
 * - Deadlines: `timeoutMs` from sending to the first event, `idleTimeoutMs` for each next one
 *   (only the wait for the server: a slow reader of `deltas` does not time out); either ends the
 *   request and fails retryably.
 * - `maxConcurrency` calls at once per instance; more wait their turn for up to `timeoutMs`, then
 *   fail with a retryable `ModelUnavailableError` (waiting is cancellable).
 * - Cancellation (the signal, or leaving `deltas` early) aborts the HTTP request; `result` resolves
 *   with `finishReason: 'cancelled'` and the usage so far.
 * - A stream that ends before the provider said how it finished fails retryably ("cut short");
 *   deltas already yielded stay yielded, the caller decides how to continue.
 */
export abstract class ProviderEndpoint implements ModelEndpoint {
  readonly name: string;
  readonly contextWindow: number;
  readonly options: Readonly<ProviderEndpointOptions>;
  private readonly gate: ConcurrencyGate;

  /** @param path where the options came from, for `InvalidOptionsError` keys (`models.endpoints.gpt4o`). */
  protected constructor(options: Partial<ProviderEndpointOptions>, path: string, defaultBaseUrl?: string) {
    this.options = Object.freeze(resolveProviderOptions(options, path, defaultBaseUrl));
    this.name = this.options.name;
    this.contextWindow = this.options.contextWindow;
    this.gate = new ConcurrencyGate(this.options.maxConcurrency);
  }

  /** Calls allowed at once per instance. */
  get maxConcurrency(): number {
    return this.options.maxConcurrency;
  }

  /** Calls running now and calls waiting for a slot. */
  get load(): { running: number; waiting: number } {
    return { running: this.gate.inUse, waiting: this.gate.waiting };
  }

  complete(request: CompletionRequest, signal: AbortSignal): Completion {
    // The caller's trace, taken now (the stream runs later): the upstream request carries it as `traceparent`.
    const tally: Tally = {
      promptTokens: estimatePromptTokens(request),
      text: '',
      trace: otelContext.active(),
      toolCalls: new ToolCallAccumulator(),
    };
    return toCompletion(this.stream(request, signal, tally), () => this.end(tally, 'cancelled'));
  }

  /** `max_tokens` to send: the request's, never above `maxOutputTokens`. */
  protected maxTokensOf(request: CompletionRequest): number {
    return Math.min(request.maxTokens ?? this.options.maxOutputTokens, this.options.maxOutputTokens);
  }

  /**
   * Starts the provider's streamed call, aborted by `signal` (the caller's cancellation and the
   * deadlines) and sending `headers` (the W3C trace context), and resolves once the response
   * headers are in.
   */
  protected abstract open(
    request: CompletionRequest,
    signal: AbortSignal,
    headers: Record<string, string>,
  ): Promise<AsyncIterable<ProviderChunk>>;

  /** The failure an error of the SDK stands for. */
  protected abstract failureOf(error: unknown): ProviderFailure;

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
    timer.arm(this.options.timeoutMs, 'first-byte');
    let events: AsyncIterator<ProviderChunk>;
    try {
      events = (await this.open(request, timer.signal, traceHeadersOf(tally.trace)))[Symbol.asyncIterator]();
    } catch (error) {
      if (signal.aborted) return this.end(tally, 'cancelled');
      throw this.failure(timer, error, tally);
    }
    let finish: 'stop' | 'length' | 'tool_calls' | undefined;
    let first = true;
    try {
      for (;;) {
        // The deadlines count only the wait for the server: the first-byte one (armed before the
        // request) up to the first event, then the idle one per event, never the caller's own pace.
        if (!first) timer.arm(this.options.idleTimeoutMs, 'idle');
        let next: IteratorResult<ProviderChunk>;
        try {
          next = await events.next();
        } catch (error) {
          if (signal.aborted) return this.end(tally, 'cancelled');
          throw this.failure(timer, error, tally);
        }
        timer.disarm();
        first = false;
        // The SDKs end a stream quietly when its request is aborted: say why it ended.
        if (signal.aborted) return this.end(tally, 'cancelled');
        if (timer.expired) throw this.timeout(timer);
        if (next.done) break;
        const chunk = next.value;
        if (chunk.usage?.promptTokens !== undefined) tally.promptUsage = chunk.usage.promptTokens;
        if (chunk.usage?.completionTokens !== undefined) tally.completionUsage = chunk.usage.completionTokens;
        for (const piece of chunk.toolCalls ?? []) tally.toolCalls.add(piece);
        if (chunk.text) {
          tally.text += chunk.text;
          yield chunk.text;
          if (signal.aborted) return this.end(tally, 'cancelled');
        }
        if (chunk.finish === 'filtered') throw new ModelRejectedError(this.name, 'content policy: the output was filtered');
        if (chunk.finish !== undefined) finish = chunk.finish;
      }
    } finally {
      if (!finish) events.return?.().catch(() => undefined);
    }
    if (!finish) throw new ModelUnavailableError(this.name, 'the stream ended before the provider said how it finished (cut short)');
    // Some servers end a tool-calling answer with `stop`: the calls say what it is.
    if (tally.toolCalls.size > 0 && finish !== 'length') finish = 'tool_calls';
    return this.end(tally, finish);
  }

  private failure(timer: CallTimer, error: unknown, tally: Tally): Error {
    if (timer.expired) return this.timeout(timer);
    const ctx: CallContext = { endpoint: this.name, promptTokens: tally.promptTokens, contextWindow: this.contextWindow };
    return modelErrorOf(ctx, this.failureOf(error), this.options.timeoutMs);
  }

  private timeout(timer: CallTimer): ModelUnavailableError {
    return timer.expired === 'idle'
      ? new ModelUnavailableError(this.name, `no chunk for ${this.options.idleTimeoutMs} ms (idleTimeoutMs)`)
      : new ModelUnavailableError(this.name, `no response within ${this.options.timeoutMs} ms (timeoutMs)`);
  }

  private end(tally: Tally, finishReason: CompletionResult['finishReason']): CompletionResult {
    const promptTokens = tally.promptUsage ?? tally.promptTokens;
    const completionTokens = tally.completionUsage ?? estimateTokens(tally.text);
    const toolCalls = finishReason === 'tool_calls' ? tally.toolCalls.calls() : [];
    return { model: this.name, usage: { promptTokens, completionTokens }, finishReason, ...(toolCalls.length > 0 ? { toolCalls } : {}) };
  }
}

/** `traceparent` (and `tracestate`) of a trace, as request headers. */
function traceHeadersOf(trace: TraceContext): Record<string, string> {
  const headers: Record<string, string | number> = {};
  injectTraceHeaders(headers, trace);
  return Object.fromEntries(Object.entries(headers).map(([k, v]) => [k, String(v)]));
}
