import type { ActorContext } from '@warren/actors';
import {
  type ChatMessage,
  type ModelTool,
  type ModelToolCall,
  ToolArgumentsError,
  ToolCall,
  ToolNotAllowedError,
  type ToolResult,
  toolAddress,
  toWireError,
} from '@warren/contracts';
import type { TaskToolCall } from '@warren/store';
import type { TurnSteps } from '../session/turn-steps';
import { schemaProblems, type ToolDeclaration, type ToolOptions, toolsOfTenant } from './tool-options';

/** Whose turn calls tools: the tool gets it in its `ToolCall`, and it decides which tools are allowed. */
export interface ToolScope {
  tenant: string;
  sessionId?: string;
  userId?: string;
}

/** How much of a result the task's step keeps (the model gets all of it). */
const STEP_RESULT_CHARS = 4000;

/**
 * Runs the Warren-hosted tool calls of one model turn on the turn's context: for each call, the
 * tool must be declared for the tenant (`WARREN_TOOL_NOT_ALLOWED`) and its arguments JSON valid for
 * the tool's schema (`WARREN_TOOL_INVALID_ARGUMENTS`), both checked before anything is sent; then
 * `tool/<name>` is asked with a `ToolCall` and the tool's timeout. Each call is a `tool` step of the
 * task (arguments, result or error, time). A failure becomes an error result the model reads
 * (`{"error":{"code","message"}}`), unless `failOnError` says to fail the turn; an interrupt (the
 * turn's signal) always ends the turn: the ask is abandoned and the tool's own signal fires through
 * `warren.control` (`cancel(taskId)`), since the call carries the turn's task id.
 */
export class ToolCaller {
  constructor(
    private readonly options: ToolOptions,
    private readonly ctx: ActorContext<unknown>,
    private readonly steps: TurnSteps,
    private readonly scope: ToolScope,
  ) {}

  /** The tools offered to the model for this turn. */
  offered(): ModelTool[] {
    return toolsOfTenant(this.options, this.scope.tenant);
  }

  /** Rounds of tool calls this turn may make. */
  get maxRounds(): number {
    return this.options.maxRounds;
  }

  /** Whether `name` is a tool Warren runs for this tenant. */
  hosts(name: string): boolean {
    return this.declared(name) !== undefined;
  }

  /** Runs one round's calls (at once), in the model's order: the `tool` messages that answer them. */
  run(calls: readonly ModelToolCall[]): Promise<ChatMessage[]> {
    return Promise.all(calls.map((call) => this.one(call)));
  }

  private declared(name: string): ToolDeclaration | undefined {
    const d = this.options.declarations.get(name);
    return d && (d.tenants.includes('*') || d.tenants.includes(this.scope.tenant)) ? d : undefined;
  }

  private async one(call: ModelToolCall): Promise<ChatMessage> {
    const startedAt = Date.now();
    const t0 = performance.now();
    const decl = this.declared(call.name);
    const parsed = parseArguments(call.arguments);
    const record: TaskToolCall = { name: call.name, callId: call.id, arguments: parsed.ok ? parsed.value : call.arguments };
    try {
      if (!decl) throw new ToolNotAllowedError(call.name, this.scope.tenant);
      if (!parsed.ok) throw new ToolArgumentsError(call.name, [parsed.problem]);
      if (!decl.validate(parsed.value)) throw new ToolArgumentsError(call.name, schemaProblems(decl.validate.errors));
      const message = Object.assign(new ToolCall(), {
        name: call.name,
        arguments: parsed.value,
        callId: call.id,
        tenant: this.scope.tenant,
        ...(this.scope.sessionId ? { sessionId: this.scope.sessionId } : {}),
        ...(this.scope.userId ? { userId: this.scope.userId } : {}),
      });
      const reply = await this.ctx.ask<ToolResult>(toolAddress(call.name), message, { timeoutMs: decl.timeoutMs });
      const content = resultText(reply?.content);
      this.steps.record({
        name: 'tool',
        startedAt,
        durationMs: performance.now() - t0,
        outcome: 'ok',
        tool: { ...record, result: content.slice(0, STEP_RESULT_CHARS) },
      });
      return { role: 'tool', content, toolCallId: call.id };
    } catch (error) {
      const wire = toWireError(error);
      const failed = { code: wire.code, message: wire.message };
      this.steps.record({ name: 'tool', startedAt, durationMs: performance.now() - t0, outcome: 'error', error: failed, tool: record });
      if (this.ctx.signal.aborted || (decl?.failOnError ?? this.options.failOnError)) throw error;
      return { role: 'tool', content: JSON.stringify({ error: failed }), toolCallId: call.id };
    }
  }
}

type Parsed = { ok: true; value: Record<string, unknown> } | { ok: false; problem: string };

/** The model's arguments text as an object (`{}` for empty text). */
export function parseArguments(text: string): Parsed {
  if (text.trim() === '') return { ok: true, value: {} };
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return { ok: false, problem: `not JSON (${(error as Error).message})` };
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return { ok: false, problem: 'must be a JSON object' };
  return { ok: true, value: value as Record<string, unknown> };
}

/** A tool's result as the model reads it: a string as it is, anything else as JSON. */
export function resultText(content: unknown): string {
  if (typeof content === 'string') return content;
  return JSON.stringify(content ?? null);
}
