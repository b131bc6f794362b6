import { InvalidOptionsError } from '@warren/contracts';

/** Options of the built-in local model; each one documented with its default. */
export interface LocalModelOptions {
  /** Endpoint name: the worker pool is `model/<name>`. @default 'local' */
  name: string;
  /** Prompt plus completion tokens accepted (tokens are estimated, words × 1.3). @default 8192 */
  contextWindow: number;
  /** Delay before the first delta, in ms (time to first token). @default 50 */
  latencyMs: number;
  /** Delay before each following delta, in ms. @default 10 */
  perDeltaMs: number;
  /**
   * Share of completions that fail with a retryable `ModelUnavailableError` before the first
   * delta, 0..1. Decided by a PRNG seeded with `seed`, one draw per `complete()` call, so a
   * given seed gives the same sequence of failures every run. @default 0
   */
  failureRate: number;
  /** Seed of the failure PRNG, an integer 0..2^32-1. @default 1 */
  seed: number;
  /**
   * Scripted answers (tests, demos): the first reply whose `when` (a regular expression, any case)
   * matches the last user message is said instead of the rule responder's answer, streamed word by
   * word like any other. @default []
   */
  replies: LocalScriptedReply[];
  /**
   * Tool rules (tests, demos): the first rule whose `when` matches the last user message asks for
   * tool `call` (when the request offers it and `toolChoice` is not `none`), and once the tool's
   * result is in, answers `say` with `{result}` replaced by it. @default []
   */
  tools: LocalToolRule[];
}

/** A local model's rule for calling a tool. */
export interface LocalToolRule {
  /** Regular expression (flags `iu`) tested against the last user message. */
  when: string;
  /** The tool to call. */
  call: string;
  /** The arguments; in string values `$1`…`$9` are the groups `when` captured. @default {} */
  arguments?: Record<string, unknown>;
  /** The answer once the result is in; `{result}` is the tool's result. @default 'The <call> tool answered: {result}' */
  say?: string;
}

/** One scripted answer of a local model. */
export interface LocalScriptedReply {
  /** Regular expression (flags `iu`) tested against the last user message. */
  when: string;
  /** The answer. */
  say: string;
}

/** Defaults of `LocalModelOptions`. */
export const LOCAL_MODEL_DEFAULTS: Readonly<LocalModelOptions> = Object.freeze({
  name: 'local',
  contextWindow: 8192,
  latencyMs: 50,
  perDeltaMs: 10,
  failureRate: 0,
  seed: 1,
  replies: Object.freeze([]) as unknown as LocalScriptedReply[],
  tools: Object.freeze([]) as unknown as LocalToolRule[],
});

/** Endpoint names end up in routing keys and queue names (`warren.worker.model.<name>`). */
const NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/;
const KNOWN = new Set(Object.keys(LOCAL_MODEL_DEFAULTS));

/**
 * Fills defaults (`??`, so a deliberate 0 stays 0), rejects unknown keys, wrong types and
 * out-of-range values with an `InvalidOptionsError` naming the key. `raw` may come from YAML.
 */
export function resolveLocalModelOptions(raw: Partial<LocalModelOptions> = {}): LocalModelOptions {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw))
    throw new InvalidOptionsError('local model options', 'must be an object');
  for (const key of Object.keys(raw)) if (!KNOWN.has(key)) throw new InvalidOptionsError(key, 'is not a local model option');
  const d = LOCAL_MODEL_DEFAULTS;
  const o: LocalModelOptions = {
    name: raw.name ?? d.name,
    contextWindow: raw.contextWindow ?? d.contextWindow,
    latencyMs: raw.latencyMs ?? d.latencyMs,
    perDeltaMs: raw.perDeltaMs ?? d.perDeltaMs,
    failureRate: raw.failureRate ?? d.failureRate,
    seed: raw.seed ?? d.seed,
    replies: scriptedReplies(raw.replies ?? d.replies),
    tools: toolRules(raw.tools ?? d.tools),
  };
  if (typeof o.name !== 'string' || !NAME_PATTERN.test(o.name))
    throw new InvalidOptionsError('name', `must be 1-100 letters, digits, ".", "_" or "-" (got ${JSON.stringify(o.name)})`);
  if (!Number.isInteger(o.contextWindow) || o.contextWindow < 1)
    throw new InvalidOptionsError('contextWindow', `must be a positive integer (got ${o.contextWindow})`);
  for (const key of ['latencyMs', 'perDeltaMs'] as const) {
    if (!Number.isInteger(o[key]) || o[key] < 0) throw new InvalidOptionsError(key, `must be an integer ≥ 0 (got ${o[key]})`);
  }
  if (typeof o.failureRate !== 'number' || !(o.failureRate >= 0 && o.failureRate <= 1))
    throw new InvalidOptionsError('failureRate', `must be a number from 0 to 1 (got ${o.failureRate})`);
  if (!Number.isInteger(o.seed) || o.seed < 0 || o.seed > 0xffff_ffff)
    throw new InvalidOptionsError('seed', `must be an integer from 0 to 4294967295 (got ${o.seed})`);
  return o;
}

/** Checks `replies`: an array of `{ when, say }` with a valid, non-empty-matching expression and a non-empty answer. */
function scriptedReplies(raw: unknown): LocalScriptedReply[] {
  if (!Array.isArray(raw)) throw new InvalidOptionsError('replies', 'must be an array of { when, say }');
  return raw.map((r: unknown, i) => {
    const key = `replies[${i}]`;
    if (r === null || typeof r !== 'object' || Array.isArray(r)) throw new InvalidOptionsError(key, 'must be an object { when, say }');
    const { when, say, ...rest } = r as Record<string, unknown>;
    const unknown = Object.keys(rest)[0];
    if (unknown !== undefined) throw new InvalidOptionsError(`${key}.${unknown}`, 'is not a scripted reply option (when, say)');
    if (typeof when !== 'string' || when === '') throw new InvalidOptionsError(`${key}.when`, 'must be a non-empty regular expression');
    try {
      new RegExp(when, 'iu');
    } catch (error) {
      throw new InvalidOptionsError(`${key}.when`, `invalid regular expression /${when}/: ${(error as Error).message}`);
    }
    if (typeof say !== 'string' || say.trim() === '') throw new InvalidOptionsError(`${key}.say`, 'must be a non-empty string');
    return { when, say };
  });
}

/** Checks `tools`: an array of `{ when, call, arguments?, say? }` with a valid expression and a tool name. */
function toolRules(raw: unknown): LocalToolRule[] {
  if (!Array.isArray(raw)) throw new InvalidOptionsError('tools', 'must be an array of { when, call, arguments?, say? }');
  return raw.map((r: unknown, i) => {
    const key = `tools[${i}]`;
    if (r === null || typeof r !== 'object' || Array.isArray(r)) throw new InvalidOptionsError(key, 'must be an object { when, call }');
    const { when, call, arguments: args, say, ...rest } = r as Record<string, unknown>;
    const unknown = Object.keys(rest)[0];
    if (unknown !== undefined) throw new InvalidOptionsError(`${key}.${unknown}`, 'is not a tool rule option (when, call, arguments, say)');
    if (typeof when !== 'string' || when === '') throw new InvalidOptionsError(`${key}.when`, 'must be a non-empty regular expression');
    try {
      new RegExp(when, 'iu');
    } catch (error) {
      throw new InvalidOptionsError(`${key}.when`, `invalid regular expression /${when}/: ${(error as Error).message}`);
    }
    if (typeof call !== 'string' || !/^[A-Za-z0-9_-]{1,64}$/.test(call))
      throw new InvalidOptionsError(`${key}.call`, 'must be a tool name (1-64 letters, digits, "_" or "-")');
    if (args !== undefined && (args === null || typeof args !== 'object' || Array.isArray(args)))
      throw new InvalidOptionsError(`${key}.arguments`, 'must be an object');
    if (say !== undefined && (typeof say !== 'string' || say.trim() === ''))
      throw new InvalidOptionsError(`${key}.say`, 'must be a non-empty string');
    return {
      when,
      call,
      ...(args === undefined ? {} : { arguments: args as Record<string, unknown> }),
      ...(say === undefined ? {} : { say: say as string }),
    };
  });
}
