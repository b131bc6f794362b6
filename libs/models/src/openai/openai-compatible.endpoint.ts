import type OpenAI from 'openai';
import { APIError } from 'openai';
import type {
  ChatCompletion,
  ChatCompletionChunk,
  ChatCompletionMessageParam,
  ChatCompletionTool,
  ChatCompletionToolChoiceOption,
} from 'openai/resources/chat/completions';
import type { CompletionRequest } from '../model-endpoint.port';
import { type ProviderChunk, ProviderEndpoint } from '../providers/provider-endpoint';
import type { ProviderFailure } from '../providers/provider-failure';
import type { OpenAiEndpointOptions } from '../providers/provider-options';
import { openAiClient, openAiFailureOf } from './openai-failure';

/** Margin of the SDK's own request timeout over `timeoutMs`, so Warren's deadline (which names itself) fires first. */
const SDK_TIMEOUT_MARGIN_MS = 1000;

/**
 * A model endpoint speaking the OpenAI chat completions API — OpenAI, Azure OpenAI's v1 API
 * (`https://<resource>.openai.azure.com/openai/v1`), vLLM, Ollama (`http://localhost:11434/v1`),
 * LM Studio (`http://localhost:1234/v1`), LiteLLM — through the official `openai` SDK:
 * `POST <baseUrl>/chat/completions` with `stream: true` and `stream_options.include_usage`.
 *
 * The SDK does HTTP, SSE and JSON; its retries are off (Warren's fallback chain and retry tiers
 * decide) and it reads no `OPENAI_*` variable for the key, base URL, organisation or project.
 * Warren's part (deadlines, concurrency, cancellation, error classes) is {@link ProviderEndpoint}.
 * `choices[0].delta.content` are the deltas; `finish_reason: 'length'` ends with `'length'`,
 * `'content_filter'` fails with a `ModelRejectedError`; a server that answers a plain JSON
 * completion instead of a stream is read too (one delta). Tools: the request's `tools` and
 * `toolChoice` are sent as `tools` / `tool_choice`, assistant tool calls and tool results in the
 * prompt as `tool_calls` / `role: 'tool'`; the streamed `delta.tool_calls` pieces are put together
 * and end the completion with `finishReason: 'tool_calls'`.
 */
export class OpenAiCompatibleEndpoint extends ProviderEndpoint {
  private readonly client: OpenAI;

  /** @param path where the options came from, for `InvalidOptionsError` keys (`models.endpoints.gpt4o`). */
  constructor(options: Partial<OpenAiEndpointOptions>, path = 'openai endpoint') {
    super(options, path);
    this.client = openAiClient({ ...this.options, timeoutMs: this.options.timeoutMs + SDK_TIMEOUT_MARGIN_MS });
  }

  protected async open(
    request: CompletionRequest,
    signal: AbortSignal,
    headers: Record<string, string>,
  ): Promise<AsyncIterable<ProviderChunk>> {
    const { data, response } = await this.client.chat.completions
      .create(
        {
          model: this.options.model,
          messages: request.messages.map(toOpenAiMessage),
          stream: true,
          stream_options: { include_usage: true },
          max_tokens: this.maxTokensOf(request),
          ...(request.temperature === undefined ? {} : { temperature: request.temperature }),
          ...(request.tools && request.tools.length > 0 ? { tools: request.tools.map(toOpenAiTool) } : {}),
          ...(request.toolChoice !== undefined && request.tools && request.tools.length > 0
            ? { tool_choice: toOpenAiToolChoice(request.toolChoice) }
            : {}),
        },
        { signal, headers },
      )
      .withResponse();
    // A server that ignored `stream: true` answers one JSON completion; the stream has not read the body yet.
    if (/application\/json/i.test(response.headers.get('content-type') ?? '')) return plainAnswer(await response.json());
    return chunksOf(data);
  }

  protected failureOf(error: unknown): ProviderFailure {
    return openAiFailureOf(error);
  }
}

/** The SDK's chunks as provider chunks. */
async function* chunksOf(stream: AsyncIterable<ChatCompletionChunk>): AsyncGenerator<ProviderChunk, void, undefined> {
  for await (const chunk of stream) {
    const choice = chunk.choices?.[0];
    const out: ProviderChunk = {};
    if (typeof choice?.delta?.content === 'string') out.text = choice.delta.content;
    const calls = choice?.delta?.tool_calls;
    if (Array.isArray(calls) && calls.length > 0)
      out.toolCalls = calls.map((c) => ({
        index: c.index,
        ...(c.id ? { id: c.id } : {}),
        ...(c.function?.name ? { name: c.function.name } : {}),
        ...(c.function?.arguments ? { arguments: c.function.arguments } : {}),
      }));
    if (choice?.finish_reason) out.finish = finishOf(choice.finish_reason);
    if (chunk.usage) out.usage = { promptTokens: chunk.usage.prompt_tokens, completionTokens: chunk.usage.completion_tokens };
    yield out;
  }
}

/** A whole `chat.completion` read as one chunk; an `{ error }` body becomes the SDK's in-stream error. */
async function* plainAnswer(json: unknown): AsyncGenerator<ProviderChunk, void, undefined> {
  const completion = json as Partial<ChatCompletion> & { error?: unknown };
  if (completion.choices === undefined && completion.error !== undefined)
    throw new APIError(undefined, completion.error as object, undefined, undefined);
  const choice = completion.choices?.[0];
  const content = choice?.message?.content;
  const calls = (choice?.message?.tool_calls ?? []).flatMap((c, index) =>
    c.type === 'function' ? [{ index, id: c.id, name: c.function.name, arguments: c.function.arguments }] : [],
  );
  if (typeof content !== 'string' && calls.length === 0) throw new SyntaxError('a JSON completion without choices[0].message.content');
  yield {
    text: content ?? '',
    ...(calls.length > 0 ? { toolCalls: calls } : {}),
    finish: finishOf(choice?.finish_reason ?? 'stop'),
    ...(completion.usage
      ? { usage: { promptTokens: completion.usage.prompt_tokens, completionTokens: completion.usage.completion_tokens } }
      : {}),
  };
}

/** OpenAI's `finish_reason` as Warren reads it: `length`, `content_filter` (filtered), `tool_calls` (and the old `function_call`), anything else a normal stop. */
function finishOf(reason: string): NonNullable<ProviderChunk['finish']> {
  if (reason === 'length') return 'length';
  if (reason === 'content_filter') return 'filtered';
  if (reason === 'tool_calls' || reason === 'function_call') return 'tool_calls';
  return 'stop';
}

/** A prompt message in the API's shape: an assistant's tool calls as `tool_calls`, a tool result with its `tool_call_id`. */
export function toOpenAiMessage(m: CompletionRequest['messages'][number]): ChatCompletionMessageParam {
  if (m.role === 'tool') return { role: 'tool', content: m.content, tool_call_id: m.toolCallId ?? '' };
  if (m.role === 'assistant' && m.toolCalls && m.toolCalls.length > 0)
    return {
      role: 'assistant',
      content: m.content === '' ? null : m.content,
      tool_calls: m.toolCalls.map((c) => ({ id: c.id, type: 'function', function: { name: c.name, arguments: c.arguments } })),
    };
  return { role: m.role, content: m.content };
}

function toOpenAiTool(t: NonNullable<CompletionRequest['tools']>[number]): ChatCompletionTool {
  return {
    type: 'function',
    function: {
      name: t.name,
      ...(t.description === undefined ? {} : { description: t.description }),
      ...(t.parameters === undefined ? {} : { parameters: t.parameters }),
    },
  };
}

function toOpenAiToolChoice(choice: NonNullable<CompletionRequest['toolChoice']>): ChatCompletionToolChoiceOption {
  return typeof choice === 'string' ? choice : { type: 'function', function: { name: choice.name } };
}
