import { ArrayMaxSize, ArrayMinSize, IsArray, IsIn, IsInt, IsNumber, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';
import { CHAT_ROLES, IsChatMessages } from './chat-messages.validator';
import { Message } from './message.decorator';
import { IsModelToolChoice, IsModelTools } from './model-tools.validator';
import type { ModelTool, ModelToolCall, ModelToolChoice } from './tool.messages';

/** One chat message of a prompt. In a `messages` array it is checked by `IsChatMessages` (same rules, one pass). */
export class ChatMessage {
  @IsIn(CHAT_ROLES) role!: 'system' | 'user' | 'assistant' | 'tool';
  @IsString() content!: string;
  /** An assistant's tool calls (the model asked for tools; `content` is what it said besides, often empty). */
  toolCalls?: ModelToolCall[];
  /** A tool message: the id of the call it answers. */
  toolCallId?: string;
}

/** Asks a model endpoint worker (`model/<name>`) for a completion; the reply is streamed. */
@Message('warren.model.complete')
export class ModelComplete {
  @IsArray() @ArrayMinSize(1) @IsChatMessages() messages!: ChatMessage[];
  @IsOptional() @IsInt() @Min(1) @Max(1_000_000) maxTokens?: number;
  @IsOptional() @IsNumber() @Min(0) @Max(2) temperature?: number;
  /** BCP 47 tag of the conversation, when known (the local model answers in it). */
  @IsOptional() @IsString() @MaxLength(35) locale?: string;
  /** Tools the model may call (OpenAI's `tools[].function`); it answers `finishReason: 'tool_calls'` to call them. */
  @IsOptional() @IsArray() @ArrayMaxSize(128) @IsModelTools() tools?: ModelTool[];
  /** Whether the model may, must or must not call a tool (OpenAI's `tool_choice`). */
  @IsOptional() @IsModelToolChoice() toolChoice?: ModelToolChoice;
}

/** A streamed part of a completion (a `warren.reply.chunk` value). */
export interface ModelDelta {
  text: string;
}

/** Token usage of one completion. */
export interface ModelUsage {
  promptTokens: number;
  completionTokens: number;
}

/** The last part of a completion stream: who answered and what it cost. */
export interface ModelCompletionEnd {
  model: string;
  usage: ModelUsage;
  /** `tool_calls`: the model asks for the tools of `toolCalls` (their arguments complete, as JSON text). */
  finishReason: 'stop' | 'length' | 'cancelled' | 'tool_calls';
  /** The tools the model asks for, when `finishReason` is `tool_calls`. */
  toolCalls?: ModelToolCall[];
}
