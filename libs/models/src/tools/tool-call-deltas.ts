import type { ModelToolCall } from '@warren/contracts';

/** One streamed piece of a tool call, as OpenAI-compatible servers send it (`choices[0].delta.tool_calls[]`). */
export interface ToolCallDelta {
  /** Which call of the answer the piece belongs to (several calls may interleave). */
  index: number;
  /** Sent with the first piece of a call. */
  id?: string;
  /** Sent with the first piece of a call (some servers repeat it). */
  name?: string;
  /** A piece of the arguments' JSON text: pieces are concatenated in order. */
  arguments?: string;
}

/**
 * Puts streamed tool-call pieces back together: the first piece of a call carries its id and name,
 * the next ones carry more of its arguments' JSON text. `calls()` gives the whole calls in index
 * order, each with an id (a server that sent none gets `call_<index>`) and its arguments (`{}` when
 * none came). Whether the JSON parses is checked later, against the tool's schema.
 */
export class ToolCallAccumulator {
  private readonly parts = new Map<number, { id?: string; name: string; arguments: string }>();

  get size(): number {
    return this.parts.size;
  }

  add(delta: ToolCallDelta): void {
    const part = this.parts.get(delta.index) ?? { name: '', arguments: '' };
    if (delta.id) part.id ??= delta.id;
    // The name comes whole with the first piece; a server that repeats it is not appended twice.
    if (delta.name && !part.name.endsWith(delta.name)) part.name += delta.name;
    if (delta.arguments) part.arguments += delta.arguments;
    this.parts.set(delta.index, part);
  }

  calls(): ModelToolCall[] {
    return [...this.parts.entries()]
      .sort(([a], [b]) => a - b)
      .map(([index, p]) => ({ id: p.id ?? `call_${index}`, name: p.name, arguments: p.arguments === '' ? '{}' : p.arguments }));
  }
}
