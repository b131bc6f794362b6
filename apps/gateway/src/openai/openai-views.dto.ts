import { ApiProperty, ApiPropertyOptional, getSchemaPath } from '@nestjs/swagger';

// OpenAPI views of the OpenAI-compatible routes: what the gateway reads and writes (see chat-request.ts,
// embedding-request.ts, openai-format.ts), in OpenAI's field names. Documentation only: the routes
// parse their bodies themselves, so OpenAI's own unknown fields stay accepted.

/** A text part of a message's content. */
export class TextPartView {
  @ApiProperty({ enum: ['text'] }) type!: 'text';
  @ApiProperty() text!: string;
}

/** The function a tool call names. */
export class ToolCallFunctionView {
  @ApiProperty({ example: 'calendar' }) name!: string;
  @ApiProperty({ description: 'The arguments as JSON text.', example: '{"date":"2026-12-08"}' }) arguments!: string;
}

/** A tool call of an assistant message (`tool_calls[]`). */
export class ToolCallView {
  @ApiPropertyOptional({ description: 'In streamed chunks: which call of the answer (each call comes whole, in one chunk).' })
  index?: number;
  @ApiProperty({ example: 'call_abc123' }) id!: string;
  @ApiProperty({ enum: ['function'] }) type!: 'function';
  @ApiProperty({ type: ToolCallFunctionView }) function!: ToolCallFunctionView;
}

/** One message of the conversation. */
export class ChatMessageView {
  @ApiProperty({
    enum: ['system', 'developer', 'user', 'assistant', 'tool'],
    description: "`developer` is read as `system`; `tool` carries the result of an assistant's tool call (`tool_call_id`).",
  })
  role!: string;
  @ApiProperty({
    description: 'Text, or text parts (joined); an assistant message may have `null`. Non-text parts are refused.',
    oneOf: [{ type: 'string' }, { type: 'array', items: { $ref: getSchemaPath(TextPartView) } }],
    nullable: true,
  })
  content!: string | TextPartView[] | null;
  @ApiPropertyOptional({ description: 'Not passed on.' }) name?: string;
  @ApiPropertyOptional({ type: [ToolCallView], description: "An assistant's calls of the caller's tools (as a completion returned them)." })
  tool_calls?: ToolCallView[];
  @ApiPropertyOptional({ description: 'A `tool` message: the id of the call it answers.' }) tool_call_id?: string;
}

/** A function tool's declaration. */
export class FunctionDefinitionView {
  @ApiProperty({ pattern: '^[A-Za-z0-9_-]{1,64}$', example: 'calendar' }) name!: string;
  @ApiPropertyOptional() description?: string;
  @ApiPropertyOptional({ type: 'object', additionalProperties: true, description: 'JSON schema of the arguments.' })
  parameters?: Record<string, unknown>;
}

/** A tool the model may call (`tools[]`): only `function` tools. */
export class ToolView {
  @ApiProperty({ enum: ['function'] }) type!: 'function';
  @ApiProperty({ type: FunctionDefinitionView }) function!: FunctionDefinitionView;
}

/** `stream_options`. */
export class StreamOptionsView {
  @ApiPropertyOptional({ description: 'A last chunk with the usage and no choices; every other chunk has `usage: null`.' })
  include_usage?: boolean;
}

/** `response_format`: only text. */
export class ResponseFormatView {
  @ApiProperty({ enum: ['text'], description: '`json_object` and `json_schema` are refused (400, `param: response_format`).' })
  type!: 'text';
}

/** The body of `POST /v1/chat/completions`. */
export class ChatCompletionRequestView {
  @ApiProperty({
    description:
      '`auto` (the routing default), a routing strategy, a route (`voice`, `text`) or a model endpoint (`local`, `models.endpoints.<name>`): see `GET /v1/models`.',
    example: 'auto',
    minLength: 1,
    maxLength: 256,
  })
  model!: string;
  @ApiProperty({ type: [ChatMessageView], minItems: 1, maxItems: 1000, description: 'At least one `user` message.' })
  messages!: ChatMessageView[];
  @ApiPropertyOptional({ default: false, description: 'Answer as `chat.completion.chunk` Server-Sent Events ending with `data: [DONE]`.' })
  stream?: boolean;
  @ApiPropertyOptional({ type: StreamOptionsView }) stream_options?: StreamOptionsView;
  @ApiPropertyOptional({ minimum: 1, maximum: 1_000_000, description: 'Upper bound of the answer, in tokens (wins over `max_tokens`).' })
  max_completion_tokens?: number;
  @ApiPropertyOptional({ minimum: 1, maximum: 1_000_000, deprecated: true }) max_tokens?: number;
  @ApiPropertyOptional({ minimum: 0, maximum: 2 }) temperature?: number;
  @ApiPropertyOptional({
    minLength: 1,
    maxLength: 256,
    description: "The caller's end user: per-user limits, the task's user, the sticky A/B key.",
  })
  user?: string;
  @ApiPropertyOptional({ enum: [1], description: 'Only one choice.' }) n?: number;
  @ApiPropertyOptional({ type: ResponseFormatView }) response_format?: ResponseFormatView;
  @ApiPropertyOptional({
    type: [ToolView],
    maxItems: 128,
    description:
      "The caller's tools: passed to the model; a call to one ends the answer with `finish_reason: tool_calls`. The tenant's Warren-hosted tools are offered besides them and run by Warren.",
  })
  tools?: ToolView[];
  @ApiPropertyOptional({
    oneOf: [
      { type: 'string', enum: ['none', 'auto', 'required'] },
      { type: 'object', example: { type: 'function', function: { name: 'calendar' } } },
    ],
    description:
      '`none` also turns off the Warren-hosted tools; a named function must be one of `tools` (or, without `tools`, a hosted one).',
  })
  tool_choice?: string | object;
  @ApiPropertyOptional({ description: 'Accepted; the model may always ask for several calls at once.' }) parallel_tool_calls?: boolean;
  @ApiPropertyOptional({ enum: [false], description: 'Log probabilities are refused.' }) logprobs?: boolean;
  @ApiPropertyOptional({ type: [String], enum: ['text'], description: 'Text only.' }) modalities?: string[];
}

/** Token usage of a completion. */
export class CompletionUsageView {
  @ApiProperty() prompt_tokens!: number;
  @ApiProperty() completion_tokens!: number;
  @ApiProperty() total_tokens!: number;
}

/** The assistant's message of a non-streamed completion. */
export class AssistantMessageView {
  @ApiProperty({ enum: ['assistant'] }) role!: 'assistant';
  @ApiProperty({
    description:
      'The moderated answer; only the safe reply when the answer was blocked (`finish_reason: content_filter`); `null` when the model only asks for tools.',
    nullable: true,
  })
  content!: string | null;
  @ApiProperty({ type: String, nullable: true, enum: [null] }) refusal!: null;
  @ApiPropertyOptional({ type: [ToolCallView], description: "The caller's tools the model asks for (`finish_reason: tool_calls`)." })
  tool_calls?: ToolCallView[];
}

/** A choice of a non-streamed completion. */
export class ChoiceView {
  @ApiProperty({ enum: [0] }) index!: number;
  @ApiProperty({ type: AssistantMessageView }) message!: AssistantMessageView;
  @ApiProperty({ type: Object, nullable: true, enum: [null] }) logprobs!: null;
  @ApiProperty({ enum: ['stop', 'length', 'content_filter', 'tool_calls'] }) finish_reason!: string;
}

/** `chat.completion`: the answer of a non-streamed request. */
export class ChatCompletionView {
  @ApiProperty({ example: 'chatcmpl-7c1d…', description: '`chatcmpl-<task id>`.' }) id!: string;
  @ApiProperty({ enum: ['chat.completion'] }) object!: string;
  @ApiProperty({ description: 'Unix seconds.' }) created!: number;
  @ApiProperty({ description: 'The endpoint that answered (`moderation` when input moderation did).' }) model!: string;
  @ApiProperty({ type: String, nullable: true, enum: [null] }) system_fingerprint!: null;
  @ApiProperty({ type: [ChoiceView] }) choices!: ChoiceView[];
  @ApiProperty({ type: CompletionUsageView }) usage!: CompletionUsageView;
}

/** The delta of a streamed chunk. */
export class ChunkDeltaView {
  @ApiPropertyOptional({ enum: ['assistant'], description: 'On the first chunk only.' }) role?: string;
  @ApiPropertyOptional() content?: string;
  @ApiPropertyOptional({ type: [ToolCallView], description: 'Tool calls, each whole in one chunk before the finish chunk.' })
  tool_calls?: ToolCallView[];
}

/** A choice of a streamed chunk. */
export class ChunkChoiceView {
  @ApiProperty({ enum: [0] }) index!: number;
  @ApiProperty({ type: ChunkDeltaView }) delta!: ChunkDeltaView;
  @ApiProperty({ type: Object, nullable: true, enum: [null] }) logprobs!: null;
  @ApiProperty({ type: String, nullable: true, enum: ['stop', 'length', 'content_filter', 'tool_calls', null] }) finish_reason!:
    | string
    | null;
}

/**
 * `chat.completion.chunk`: one `data:` frame of a streamed answer. The stream is the role chunk, the
 * text chunks, the finish chunk, with `include_usage` a usage chunk (no choices), then `data: [DONE]`;
 * an error after the start is one `data: {"error": …}` frame in OpenAI's error shape.
 */
export class ChatCompletionChunkView {
  @ApiProperty() id!: string;
  @ApiProperty({ enum: ['chat.completion.chunk'] }) object!: string;
  @ApiProperty() created!: number;
  @ApiProperty() model!: string;
  @ApiProperty({ type: String, nullable: true, enum: [null] }) system_fingerprint!: null;
  @ApiProperty({ type: [ChunkChoiceView] }) choices!: ChunkChoiceView[];
  @ApiPropertyOptional({ type: CompletionUsageView, nullable: true }) usage?: CompletionUsageView | null;
}

/** A model a tenant may name. */
export class ModelView {
  @ApiProperty({ example: 'auto' }) id!: string;
  @ApiProperty({ enum: ['model'] }) object!: string;
  @ApiProperty({ description: 'Unix seconds (when this gateway started).' }) created!: number;
  @ApiProperty({ example: 'warren' }) owned_by!: string;
  @ApiProperty({
    enum: ['auto', 'strategy', 'route', 'endpoint', 'embedding'],
    description:
      'How Warren reads the name: the routing default, a routing strategy, a route, a model endpoint (chat), or an embedding endpoint.',
  })
  kind!: string;
}

/** `GET /v1/models`. */
export class ModelListView {
  @ApiProperty({ enum: ['list'] }) object!: string;
  @ApiProperty({ type: [ModelView] }) data!: ModelView[];
}

/** The body of `POST /v1/embeddings`. */
export class EmbeddingRequestView {
  @ApiProperty({
    description: 'An embedding endpoint: `local` (built in) or one of `models.embeddings` (see `GET /v1/models`).',
    example: 'local',
  })
  model!: string;
  @ApiProperty({
    description: 'A text or up to 2048 texts, none empty. Token arrays are refused.',
    oneOf: [{ type: 'string' }, { type: 'array', items: { type: 'string' }, minItems: 1, maxItems: 2048 }],
  })
  input!: string | string[];
  @ApiPropertyOptional({
    enum: ['float', 'base64'],
    default: 'float',
    description: '`base64`: little-endian float32, as the OpenAI SDKs ask by default.',
  })
  encoding_format?: string;
  @ApiPropertyOptional({ minimum: 1, maximum: 65536, description: 'Vector length, when the endpoint can shorten its vectors.' })
  dimensions?: number;
  @ApiPropertyOptional({ minLength: 1, maxLength: 256 }) user?: string;
}

/** One vector. */
export class EmbeddingView {
  @ApiProperty({ enum: ['embedding'] }) object!: string;
  @ApiProperty() index!: number;
  @ApiProperty({
    oneOf: [
      { type: 'array', items: { type: 'number' } },
      { type: 'string', format: 'byte' },
    ],
  })
  embedding!: number[] | string;
}

/** Token usage of an embedding request. */
export class EmbeddingUsageView {
  @ApiProperty() prompt_tokens!: number;
  @ApiProperty() total_tokens!: number;
}

/** The answer of `POST /v1/embeddings`. */
export class EmbeddingListView {
  @ApiProperty({ enum: ['list'] }) object!: string;
  @ApiProperty({ type: [EmbeddingView] }) data!: EmbeddingView[];
  @ApiProperty() model!: string;
  @ApiProperty({ type: EmbeddingUsageView }) usage!: EmbeddingUsageView;
}
