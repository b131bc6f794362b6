import { registerDecorator, type ValidationArguments, type ValidationOptions } from 'class-validator';

/** The roles a chat message may have (`tool`: a tool's result, answering an assistant's `toolCalls`). */
export const CHAT_ROLES: readonly string[] = ['system', 'user', 'assistant', 'tool'];

/**
 * What is wrong with the first bad element of a `messages` array (`[i].role …`), or undefined
 * when every element is `{ role, content }` with a known role, string content and nothing else,
 * except an assistant's `toolCalls` (`[{ id, name, arguments }]`, strings) and a tool message's
 * `toolCallId` (required on it).
 */
export function chatMessagesProblem(value: unknown): string | undefined {
  if (!Array.isArray(value)) return 'must be an array';
  for (let i = 0; i < value.length; i++) {
    const m = value[i] as Record<string, unknown> | null;
    if (m === null || typeof m !== 'object' || Array.isArray(m)) return `[${i}] must be an object`;
    if (!CHAT_ROLES.includes(m.role as string)) return `[${i}].role must be one of the following values: ${CHAT_ROLES.join(', ')}`;
    if (typeof m.content !== 'string') return `[${i}].content must be a string`;
    if (m.role === 'tool' && (typeof m.toolCallId !== 'string' || m.toolCallId === ''))
      return `[${i}].toolCallId must be a non-empty string`;
    for (const key in m) {
      if (key === 'role' || key === 'content') continue;
      if (key === 'toolCallId' && m.role === 'tool') continue;
      if (key === 'toolCalls' && m.role === 'assistant') {
        const problem = toolCallsProblem(m.toolCalls);
        if (problem) return `[${i}].toolCalls${problem}`;
        continue;
      }
      return `[${i}].${key} should not exist`;
    }
  }
  return undefined;
}

function toolCallsProblem(value: unknown): string | undefined {
  if (!Array.isArray(value)) return ' must be an array';
  for (let j = 0; j < value.length; j++) {
    const c = value[j] as Record<string, unknown> | null;
    if (c === null || typeof c !== 'object' || Array.isArray(c)) return `[${j}] must be an object`;
    for (const key of ['id', 'name', 'arguments']) if (typeof c[key] !== 'string') return `[${j}].${key} must be a string`;
    for (const key in c) if (key !== 'id' && key !== 'name' && key !== 'arguments') return `[${j}].${key} should not exist`;
  }
  return undefined;
}

/**
 * Each element of the array is a chat message `{ role, content }` (see {@link chatMessagesProblem}).
 * The same rules as a nested `ChatMessage` class with whitelisting, checked in one pass without
 * an instance per element: a prompt carries the whole history on every model call.
 */
export function IsChatMessages(options?: ValidationOptions): PropertyDecorator {
  return (target: object, propertyName: string | symbol) => {
    registerDecorator({
      name: 'isChatMessages',
      target: target.constructor,
      propertyName: propertyName as string,
      options,
      validator: {
        validate: (value: unknown) => chatMessagesProblem(value) === undefined,
        defaultMessage: (args?: ValidationArguments) => `${args?.property}${chatMessagesProblem(args?.value) ?? ' is invalid'}`,
      },
    });
  };
}
