import { IsObject, IsOptional, IsString, Matches, MaxLength } from 'class-validator';
import { Message } from './message.decorator';

/** The actor type of tools: `tool/<name>`, a worker pool any Nest app can host with `@Actor('tool', { kind: 'worker' })`. */
export const TOOL_ACTOR_TYPE = 'tool';

/** A tool's name: what the model calls it and the key of its address (`tool/<name>`); OpenAI's function name rule. */
export const TOOL_NAME_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;

/** The address of tool `name`. */
export function toolAddress(name: string): string {
  return `${TOOL_ACTOR_TYPE}/${name}`;
}

/**
 * A model asked for tool `name` (`tool/<name>` is asked, with a timeout, by the session turn or the
 * chat completion that runs the model). The arguments were checked against the tool's declared JSON
 * schema before the call. The reply is a {@link ToolResult}; a failure is an error reply with its
 * `WARREN_*` code (throw `ToolFailedError` for a failure the model should read). The message id is
 * derived from the turn's message, so a turn that runs again sends the same id: a tool with side
 * effects should key them on `callId` or on the message id (`ctx.messageId`).
 */
@Message('warren.tool.call')
export class ToolCall {
  /** The tool asked for (the key of `tool/<name>`: one worker may host several). */
  @IsString() @Matches(TOOL_NAME_PATTERN) name!: string;
  /** The model's arguments, parsed from its JSON and valid for the tool's schema. */
  @IsObject() arguments!: Record<string, unknown>;
  /** The model's id of this call (OpenAI's `tool_calls[].id`). */
  @IsString() @MaxLength(256) callId!: string;
  /** Whose turn asks: the tool decides what the tenant and user may see or do. */
  @IsString() @Matches(/^[A-Za-z0-9_-]{1,128}$/) tenant!: string;
  /** The session of the turn (absent for a chat completion). */
  @IsOptional() @IsString() @MaxLength(128) sessionId?: string;
  /** The user of the turn, when known. */
  @IsOptional() @IsString() @MaxLength(256) userId?: string;
}

/** What a tool answers: any JSON value, given to the model as text (a string as is, anything else as JSON). */
export interface ToolResult {
  content: unknown;
}

/** One tool call of a model's answer, as OpenAI streams it (`tool_calls[]`): `arguments` is the model's JSON text. */
export interface ModelToolCall {
  id: string;
  name: string;
  arguments: string;
}

/** A tool offered to a model (OpenAI's `tools[].function`): `parameters` is a JSON schema of the arguments. */
export interface ModelTool {
  name: string;
  description?: string;
  parameters?: Record<string, unknown>;
}

/** Whether the model may, must or must not call a tool, or which one (OpenAI's `tool_choice`). */
export type ModelToolChoice = 'none' | 'auto' | 'required' | { name: string };
