import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsInt,
  IsNumber,
  IsOptional,
  IsString,
  Length,
  Matches,
  Max,
  MaxLength,
  Min,
} from 'class-validator';
import { IsChatMessages } from './chat-messages.validator';
import { Message } from './message.decorator';
import { ChatMessage } from './model.messages';
import { IsModelToolChoice, IsModelTools } from './model-tools.validator';
import type { ModelTool, ModelToolCall, ModelToolChoice } from './tool.messages';

/**
 * One stateless chat completion (the gateway's OpenAI-compatible `POST /v1/chat/completions`),
 * asked of the `chat/default` worker pool with `askStream` under the request's task id: the
 * caller sends the whole conversation, nothing is kept as history. The worker runs the one-shot
 * pipeline (moderation in, `limiter/<tenant>`, the routed model call with moderated deltas,
 * moderation out, settle), records the task, streams `ChatCompletionDelta` parts and ends with
 * a `ChatCompletionEnd`. Errors cross the wire with their `WARREN_*` code.
 */
@Message('warren.chat.complete')
export class ChatComplete {
  @IsString() @Matches(/^[A-Za-z0-9_-]{1,128}$/) tenant!: string;
  @IsArray() @ArrayMinSize(1) @IsChatMessages() messages!: ChatMessage[];
  /** `auto` (the routing default), an endpoint, a strategy or a route (channel) name. */
  @IsString() @Length(1, 256) model!: string;
  @IsOptional() @IsInt() @Min(1) @Max(1_000_000) maxTokens?: number;
  @IsOptional() @IsNumber() @Min(0) @Max(2) temperature?: number;
  /** The caller's end user (OpenAI's `user`): per-user limits and the task's user. */
  @IsOptional() @IsString() @MaxLength(256) userId?: string;
  /**
   * The caller's own tools (OpenAI's `tools`): offered to the model besides the tenant's Warren-hosted
   * ones (`tools.declarations`); a call to one of them ends the completion with `finishReason:
   * 'tool_calls'` and the calls, for the caller to run.
   */
  @IsOptional() @IsArray() @ArrayMaxSize(128) @IsModelTools() tools?: ModelTool[];
  /** OpenAI's `tool_choice` (first round). */
  @IsOptional() @IsModelToolChoice() toolChoice?: ModelToolChoice;
}

/** A streamed part of a chat completion (moderated text). */
export interface ChatCompletionDelta {
  text: string;
  /** True on the safe reply that ends a blocked completion (`finishReason: 'content_filter'`): the answer instead of the model's. */
  moderated?: boolean;
}

/** The last part of a chat completion stream. */
export interface ChatCompletionEnd {
  /** The endpoint that answered (`moderation` when input moderation answered instead). */
  model: string;
  usage: { promptTokens: number; completionTokens: number };
  /** `tool_calls`: the model asks for the caller's tools in `toolCalls`. */
  finishReason: 'stop' | 'length' | 'content_filter' | 'tool_calls';
  /** The caller's tools the model asks for (`finishReason: 'tool_calls'`). */
  toolCalls?: ModelToolCall[];
}

/** The address of the chat completion worker pool. */
export const CHAT_ADDRESS = 'chat/default';
