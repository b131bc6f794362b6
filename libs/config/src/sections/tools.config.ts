import { IsBoolean, IsInt, IsObject, Max, Min } from 'class-validator';

/**
 * One tool of `tools.declarations.<name>` (checked in full when a runtime starts, by
 * `resolveToolOptions` in the runtime, which compiles `parameters` and names the bad key).
 */
export interface ToolDeclarationConfig {
  /** What the tool does, for the model. */
  description: string;
  /** JSON schema of the arguments (draft 2020-12 keywords that ajv knows); the arguments are checked against it before the call. @default { type: object } */
  parameters?: Record<string, unknown>;
  /** Tenants that may use it; `'*'`: every tenant. @default [] */
  tenants?: string[];
  /** Override of `tools.timeoutMs` for this tool. */
  timeoutMs?: number;
  /** Override of `tools.failOnError` for this tool. */
  failOnError?: boolean;
}

/**
 * Tools as actors (`tools:`): the tools a model may call in a session turn or a chat completion,
 * each answered by the worker pool `tool/<name>` that any app can host, and how calls are made.
 */
export class ToolsConfig {
  /**
   * Rounds of tool calls per turn: after this many the model is asked once more without tools and
   * must answer in text. 0 turns tool calling off.
   * @default 4
   */
  @IsInt()
  @Min(0)
  @Max(32)
  maxRounds = 4;

  /**
   * How long one tool call may take (the ask of `tool/<name>`) before the model gets a
   * `WARREN_ASK_TIMEOUT` error result.
   * @default 10000
   */
  @IsInt()
  @Min(10)
  @Max(600_000)
  timeoutMs = 10_000;

  /**
   * A failing, timed-out or refused tool call fails the turn instead of giving the model an error result.
   * @default false
   */
  @IsBoolean()
  failOnError = false;

  /**
   * The tools by name (`[A-Za-z0-9_-]{1,64}`, the key of `tool/<name>`): `{ description, parameters,
   * tenants, timeoutMs?, failOnError? }`. A tenant's turns and chat completions offer the model the
   * tools whose `tenants` name it (or `'*'`).
   * @default {}
   */
  @IsObject()
  declarations: Record<string, ToolDeclarationConfig> = {};
}
