import type { ModelToolCall } from '@warren/contracts';
import type { CompletionRequest } from '../model-endpoint.port';
import type { LocalToolRule } from './local-model-options';

/** What the local model does about tools for a request: call one, answer from a result, or neither (undefined). */
export type LocalToolStep = { kind: 'call'; call: ModelToolCall } | { kind: 'answer'; text: string };

/**
 * The local model's tool rules applied to a request. When the prompt ends with the user's message,
 * the first rule whose `when` matches it asks for its tool (if offered and `toolChoice` is not
 * `none`; a named choice must name it), with its arguments (`$1`…`$9` replaced by the groups
 * captured). When the prompt ends with tool results, the rule that matched the user's message
 * answers its `say` with `{result}` replaced by the results (joined by a space). Deterministic: the
 * call id is derived from the number of messages, so a turn run again asks with the same id.
 */
export function localToolStep(rules: readonly LocalToolRule[], request: CompletionRequest): LocalToolStep | undefined {
  if (rules.length === 0) return undefined;
  const messages = request.messages;
  const last = messages[messages.length - 1];
  const userText = [...messages].reverse().find((m) => m.role === 'user')?.content ?? '';
  const matched = rules.map((rule) => ({ rule, m: new RegExp(rule.when, 'iu').exec(userText) })).find((r) => r.m !== null);
  if (last?.role === 'tool') {
    const results: string[] = [];
    for (let i = messages.length - 1; i >= 0 && messages[i]?.role === 'tool'; i--) results.unshift(messages[i]?.content ?? '');
    const say = matched?.rule.say ?? `The ${matched?.rule.call ?? 'tool'} tool answered: {result}`;
    return { kind: 'answer', text: say.replaceAll('{result}', results.join(' ')) };
  }
  if (last?.role !== 'user' || !matched || request.toolChoice === 'none') return undefined;
  const choice = request.toolChoice;
  if (typeof choice === 'object' && choice.name !== matched.rule.call) return undefined;
  if (!request.tools?.some((t) => t.name === matched.rule.call)) return undefined;
  const groups = matched.m as RegExpExecArray;
  const args = fill(matched.rule.arguments ?? {}, groups);
  return { kind: 'call', call: { id: `call_local_${messages.length}`, name: matched.rule.call, arguments: JSON.stringify(args) } };
}

/** `value` with `$1`…`$9` in its strings replaced by the captured groups (recursively). */
function fill(value: unknown, groups: RegExpExecArray): unknown {
  if (typeof value === 'string') return value.replace(/\$([1-9])/gu, (_, n: string) => groups[Number(n)] ?? '');
  if (Array.isArray(value)) return value.map((v) => fill(v, groups));
  if (value !== null && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, fill(v, groups)]));
  return value;
}
