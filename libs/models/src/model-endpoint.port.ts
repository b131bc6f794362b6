import type { ChatMessage, ModelCompletionEnd, ModelTool, ModelToolChoice } from '@warren/contracts';

/** What a model endpoint is asked: the prompt and the knobs every adapter understands. */
export interface CompletionRequest {
  /** The prompt, oldest first; the last `user` message is the turn being answered. */
  readonly messages: readonly Pick<ChatMessage, 'role' | 'content' | 'toolCalls' | 'toolCallId'>[];
  /** Upper bound of completion tokens; the completion ends with `finishReason: 'length'` when reached. */
  readonly maxTokens?: number;
  /** 0..2; adapters that are deterministic ignore it. */
  readonly temperature?: number;
  /** BCP 47 tag of the user's language (e.g. `fr-FR`), when known. */
  readonly locale?: string;
  /**
   * Tools the model may call. An endpoint that can ends its completion with `finishReason:
   * 'tool_calls'` and the calls in `toolCalls` (arguments as JSON text); one that cannot ignores them.
   */
  readonly tools?: readonly ModelTool[];
  /** OpenAI's `tool_choice`. @default 'auto' when `tools` are given */
  readonly toolChoice?: ModelToolChoice;
}

/** How a completion ended: the wire end marker of a `model/<name>` stream (model, usage, finishReason). */
export type CompletionResult = ModelCompletionEnd;

/**
 * One completion in progress: the text deltas as they come, and the result once they end.
 *
 * - `deltas` can be iterated once. The work runs while it is iterated (an adapter may start
 *   early, but `result` settles only once `deltas` ended or was abandoned).
 * - `result` resolves with the usage and `finishReason` when `deltas` ends; it rejects with the
 *   same error `deltas` threw. A rejection nobody awaits is not reported as unhandled.
 * - Cancellation is an outcome, not an error: when `signal` aborts, `deltas` ends at once
 *   (between two deltas at the latest) and `result` resolves with `finishReason: 'cancelled'`
 *   and the usage so far, so the partial text can still be kept and billed. Leaving the
 *   iteration early (`break`) ends the completion the same way.
 */
export interface Completion {
  readonly deltas: AsyncIterable<string>;
  readonly result: Promise<CompletionResult>;
}

/**
 * Port of a model endpoint (local model, OpenAI-compatible HTTP, …). Failures are
 * `ModelEndpointError`s: `ModelUnavailableError` (retryable), `ModelRejectedError`,
 * `ContextTooLongError` (fatal). Implementations are safe to call concurrently.
 */
export interface ModelEndpoint {
  /** The endpoint's name: the key of its worker pool, `model/<name>`. */
  readonly name: string;
  /** Prompt plus completion tokens the endpoint accepts. */
  readonly contextWindow: number;
  complete(request: CompletionRequest, signal: AbortSignal): Completion;
}
