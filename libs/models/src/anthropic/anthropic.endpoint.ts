import Anthropic, { APIConnectionError, APIConnectionTimeoutError, APIError, APIUserAbortError } from '@anthropic-ai/sdk';
import type { MessageParam, RawMessageStreamEvent } from '@anthropic-ai/sdk/resources/messages/messages';
import type { CompletionRequest } from '../model-endpoint.port';
import { errorBodyOf } from '../providers/http-error-classifier';
import { type ProviderChunk, ProviderEndpoint } from '../providers/provider-endpoint';
import type { ProviderFailure } from '../providers/provider-failure';
import { ANTHROPIC_BASE_URL, type ProviderEndpointOptions } from '../providers/provider-options';

/** Margin of the SDK's own request timeout over `timeoutMs`, so Warren's deadline (which names itself) fires first. */
const SDK_TIMEOUT_MARGIN_MS = 1000;

/** Options of an {@link AnthropicEndpoint}: those of every provider endpoint, `baseUrl` defaulting to Anthropic's API. */
export type AnthropicEndpointOptions = ProviderEndpointOptions;

/**
 * A model endpoint on Anthropic's Messages API through the official `@anthropic-ai/sdk`:
 * `POST <baseUrl>/v1/messages` with `stream: true`. System messages become the `system`
 * parameter, the conversation alternates `user` and `assistant` (consecutive messages of one role
 * are joined), `max_tokens` is always sent (Anthropic requires it), `temperature` is capped at 1 (Anthropic's range is 0..1).
 *
 * `content_block_delta` text deltas are the deltas; usage comes from `message_start` (input) and
 * `message_delta` (output); `stop_reason: 'max_tokens'` ends with `'length'`, `'refusal'` fails
 * with a `ModelRejectedError`. Errors (HTTP 429 with `retry-after`, 529 overloaded, an `error`
 * event in the stream, "prompt is too long") are classified as for every provider. The SDK's
 * retries are off and it reads no `ANTHROPIC_*` variable for the key or the base URL.
 */
export class AnthropicEndpoint extends ProviderEndpoint {
  private readonly client: Anthropic;

  /** @param path where the options came from, for `InvalidOptionsError` keys (`models.endpoints.claude`). */
  constructor(options: Partial<AnthropicEndpointOptions>, path = 'anthropic endpoint') {
    super(options, path, ANTHROPIC_BASE_URL);
    const key = this.options.apiKey;
    this.client = new Anthropic({
      baseURL: this.options.baseUrl,
      // The SDK insists on a credential; without a key configured (a local proxy), none is sent.
      apiKey: key ?? 'none',
      authToken: null,
      ...(key === undefined ? { defaultHeaders: { authorization: null, 'x-api-key': null } } : {}),
      maxRetries: 0,
      timeout: this.options.timeoutMs + SDK_TIMEOUT_MARGIN_MS,
      logLevel: 'off',
    });
  }

  protected async open(
    request: CompletionRequest,
    signal: AbortSignal,
    headers: Record<string, string>,
  ): Promise<AsyncIterable<ProviderChunk>> {
    const { system, messages } = toAnthropicPrompt(request.messages);
    const stream = await this.client.messages.create(
      {
        model: this.options.model,
        max_tokens: this.maxTokensOf(request),
        messages,
        ...(system ? { system } : {}),
        ...(request.temperature === undefined ? {} : { temperature: Math.min(request.temperature, 1) }),
        stream: true,
      },
      { signal, headers },
    );
    return chunksOf(stream);
  }

  protected failureOf(error: unknown): ProviderFailure {
    if (error instanceof APIConnectionTimeoutError) return { kind: 'timeout' };
    if (error instanceof APIUserAbortError) return { kind: 'cut', cause: error };
    if (error instanceof APIConnectionError) return { kind: 'connect', cause: error };
    if (error instanceof APIError) {
      const body = errorBodyOf(error.error) ?? { message: error.message };
      if (error.status === undefined) return { kind: 'stream-error', body };
      return { kind: 'http', status: error.status, body, headers: error.headers ?? new Headers() };
    }
    if (error instanceof SyntaxError) return { kind: 'malformed', cause: error };
    return { kind: 'cut', cause: error };
  }
}

/**
 * Warren's prompt in Anthropic's shape: the system messages joined into `system`, the rest as
 * alternating turns starting with `user` (consecutive messages of one role are joined by a blank
 * line; a conversation that starts with the assistant gets an empty user turn before it).
 */
export function toAnthropicPrompt(prompt: CompletionRequest['messages']): { system: string; messages: MessageParam[] } {
  const system = prompt
    .filter((m) => m.role === 'system')
    .map((m) => m.content)
    .join('\n\n');
  const messages: MessageParam[] = [];
  for (const m of prompt) {
    if (m.role === 'system') continue;
    // Tools are not offered to Anthropic endpoints: tool calls and results of an earlier round are told as text.
    const role = m.role === 'tool' ? 'user' : m.role;
    const content =
      m.role === 'tool'
        ? `(tool result ${m.toolCallId ?? ''}) ${m.content}`
        : m.toolCalls && m.toolCalls.length > 0
          ? `${m.content}${m.content ? '\n' : ''}${m.toolCalls.map((c) => `(called tool ${c.name} with ${c.arguments})`).join('\n')}`
          : m.content;
    const last = messages[messages.length - 1];
    if (last && last.role === role) last.content = `${last.content as string}\n\n${content}`;
    else messages.push({ role, content });
  }
  if (messages[0]?.role === 'assistant') messages.unshift({ role: 'user', content: '(conversation continues)' });
  return { system, messages };
}

/** Anthropic's stream events as provider chunks. */
async function* chunksOf(stream: AsyncIterable<RawMessageStreamEvent>): AsyncGenerator<ProviderChunk, void, undefined> {
  for await (const event of stream) {
    switch (event.type) {
      case 'message_start':
        yield { usage: { promptTokens: inputTokens(event.message.usage) } };
        break;
      case 'content_block_delta':
        if (event.delta.type === 'text_delta') yield { text: event.delta.text };
        break;
      case 'message_delta': {
        const reason = event.delta.stop_reason;
        yield {
          ...(reason ? { finish: finishOf(reason) } : {}),
          usage: {
            completionTokens: event.usage.output_tokens,
            ...(typeof event.usage.input_tokens === 'number' ? { promptTokens: inputTokens(event.usage) } : {}),
          },
        };
        break;
      }
      default:
        break;
    }
  }
}

/** `max_tokens` and a full context window end with `length`, `refusal` is a content-policy refusal, the rest a normal stop. */
function finishOf(reason: string): NonNullable<ProviderChunk['finish']> {
  if (reason === 'max_tokens' || reason === 'model_context_window_exceeded') return 'length';
  if (reason === 'refusal') return 'filtered';
  return 'stop';
}

/** All input tokens: uncached plus those written to and read from the prompt cache. */
function inputTokens(usage: {
  input_tokens: number | null;
  cache_creation_input_tokens?: number | null;
  cache_read_input_tokens?: number | null;
}): number {
  return (usage.input_tokens ?? 0) + (usage.cache_creation_input_tokens ?? 0) + (usage.cache_read_input_tokens ?? 0);
}
