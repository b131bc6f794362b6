import { InvalidOptionsError, TURN_OUTCOMES, type TurnEventOutcome } from '@warren/contracts';
import { isValidTimeZone } from './zoned-time';

/** Nest injection token of the resolved {@link ProactiveOptions}. */
export const PROACTIVE_OPTIONS = Symbol('warren:proactive-options');

/** Which later turn of the session cancels a pending proactive message. */
export type CancelOn = 'any-turn' | 'same-intent' | 'never';

/** An intent's detection, compiled. */
export interface IntentMatcher {
  name: string;
  /** Keywords and patterns as case-insensitive regular expressions; empty: every turn of `outcomes`. */
  patterns: RegExp[];
  in: 'user' | 'reply';
  outcomes: TurnEventOutcome[];
  extractTime: boolean;
}

/** What Warren does about an intent. */
export interface ProactiveRule {
  delayMs: number;
  template?: string;
  prompt?: string;
  priority: number;
  ttlMs: number;
  cancelOn: CancelOn;
}

/** The proactive policy as the intent actor and the session use it. */
export interface ProactiveOptions {
  enabled: boolean;
  maxPerUserPerDay: number;
  busyDeferMs: number;
  maxPending: number;
  defaultTimeZone: string;
  intents: IntentMatcher[];
  rules: Record<string, ProactiveRule>;
  /** The rules on for tenants without their own list. @default ['reminder'] */
  enabledRules: ReadonlySet<string>;
  /** Per tenant: its rules and idle limit. @default {} */
  tenants: Readonly<Record<string, { rules?: ReadonlySet<string>; maxSessionIdleMs?: number }>>;
  /** No message to a session whose user has not written for this long (ms); 0: no limit. @default 86400000 */
  maxSessionIdleMs: number;
  /** Ask `limiter/<tenant>` before a message goes out (a tenant over budget gets none; over its rate, later): `session.rateLimit`. @default true */
  rateLimit: boolean;
  /** The clock of the policy (quiet hours, expiry, caps). @default the system clock */
  now: () => Date;
}

/** The rules on for `tenant`: its own list, else `enabledRules`. */
export function rulesFor(options: Pick<ProactiveOptions, 'enabledRules' | 'tenants'>, tenant: string): ReadonlySet<string> {
  return options.tenants[tenant]?.rules ?? options.enabledRules;
}

/** The idle limit of `tenant`'s sessions (ms, 0: none). */
export function idleLimitFor(options: Pick<ProactiveOptions, 'maxSessionIdleMs' | 'tenants'>, tenant: string): number {
  return options.tenants[tenant]?.maxSessionIdleMs ?? options.maxSessionIdleMs;
}

/** Raw options: the `proactive:` section of the configuration. */
export interface ProactiveOptionsInput {
  enabled?: boolean;
  maxPerUserPerDay?: number;
  busyDeferMs?: number;
  maxPending?: number;
  defaultTimeZone?: string;
  intents?: Readonly<Record<string, unknown>>;
  rules?: Readonly<Record<string, unknown>>;
  enabledRules?: readonly string[];
  tenants?: Readonly<Record<string, unknown>>;
  maxSessionIdleMs?: number;
  /** Not a key of `proactive:`: `session.rateLimit`. */
  rateLimit?: boolean;
  now?: () => Date;
}

/** Rules on by default: the user's own reminders. */
export const DEFAULT_ENABLED_RULES: readonly string[] = Object.freeze(['reminder']);
/** @default 24 hours */
export const DEFAULT_MAX_SESSION_IDLE_MS = 86_400_000;
const TENANT_KEYS = new Set(['rules', 'maxSessionIdleMs']);

const INTENT_NAME = /^[A-Za-z][A-Za-z0-9_-]{0,63}$/;
const INTENT_KEYS = new Set(['keywords', 'patterns', 'in', 'outcomes', 'extractTime']);
const RULE_KEYS = new Set(['delayMs', 'template', 'prompt', 'priority', 'ttlMs', 'cancelOn']);
const CANCEL_ON: readonly CancelOn[] = ['any-turn', 'same-intent', 'never'];

/**
 * Checks the `proactive:` section in full (the config schema only checks its shape) and compiles
 * the intents' keywords and patterns. Every intent needs a rule and every rule an intent.
 * @throws InvalidOptionsError naming the key, e.g. `proactive.rules.reminder.template`.
 */
export function resolveProactiveOptions(raw: ProactiveOptionsInput): ProactiveOptions {
  const intents = Object.entries(raw.intents ?? {}).map(([name, value]) => resolveIntent(name, value));
  const rules: Record<string, ProactiveRule> = {};
  for (const [name, value] of Object.entries(raw.rules ?? {})) rules[name] = resolveRule(name, value);
  for (const intent of intents)
    if (!rules[intent.name]) throw new InvalidOptionsError(`proactive.rules.${intent.name}`, 'is missing: every intent needs a rule');
  for (const name of Object.keys(rules))
    if (!intents.some((i) => i.name === name)) throw new InvalidOptionsError(`proactive.rules.${name}`, 'has no intent of that name');
  const ruleList = (key: string, value: unknown): ReadonlySet<string> => {
    const names = strings(key, value);
    for (const [i, name] of names.entries())
      if (!rules[name]) throw new InvalidOptionsError(`${key}[${i}]`, `names no rule (rules: ${Object.keys(rules).join(', ') || 'none'})`);
    return new Set(names);
  };
  // Left out: the defaults that exist (a configuration that replaced the rules may have no `reminder`).
  const enabledRules =
    raw.enabledRules === undefined
      ? new Set(DEFAULT_ENABLED_RULES.filter((n) => rules[n]))
      : ruleList('proactive.enabledRules', raw.enabledRules);
  const tenants: Record<string, { rules?: ReadonlySet<string>; maxSessionIdleMs?: number }> = {};
  for (const [tenant, value] of Object.entries(raw.tenants ?? {})) {
    const key = `proactive.tenants.${tenant}`;
    const v = record(key, value, TENANT_KEYS);
    tenants[tenant] = {
      ...(v.rules === undefined ? {} : { rules: ruleList(`${key}.rules`, v.rules) }),
      ...(v.maxSessionIdleMs === undefined ? {} : { maxSessionIdleMs: nonNegativeInt(`${key}.maxSessionIdleMs`, v.maxSessionIdleMs) }),
    };
  }
  const timeZone = raw.defaultTimeZone ?? 'UTC';
  if (!isValidTimeZone(timeZone)) throw new InvalidOptionsError('proactive.defaultTimeZone', `is not a known time zone (got ${timeZone})`);
  return {
    enabled: raw.enabled ?? true,
    maxPerUserPerDay: positiveInt('proactive.maxPerUserPerDay', raw.maxPerUserPerDay ?? 10),
    busyDeferMs: positiveInt('proactive.busyDeferMs', raw.busyDeferMs ?? 5000),
    maxPending: positiveInt('proactive.maxPending', raw.maxPending ?? 20),
    defaultTimeZone: timeZone,
    intents,
    rules,
    enabledRules,
    tenants,
    maxSessionIdleMs: nonNegativeInt('proactive.maxSessionIdleMs', raw.maxSessionIdleMs ?? DEFAULT_MAX_SESSION_IDLE_MS),
    rateLimit: raw.rateLimit ?? true,
    now: raw.now ?? (() => new Date()),
  };
}

function resolveIntent(name: string, value: unknown): IntentMatcher {
  const key = `proactive.intents.${name}`;
  if (!INTENT_NAME.test(name)) throw new InvalidOptionsError(key, 'an intent name must match [A-Za-z][A-Za-z0-9_-]{0,63}');
  const v = record(key, value, INTENT_KEYS);
  const patterns: RegExp[] = [];
  for (const [i, word] of strings(`${key}.keywords`, v.keywords).entries()) {
    if (word.trim() === '') throw new InvalidOptionsError(`${key}.keywords[${i}]`, 'must not be empty');
    const escaped = word
      .trim()
      .replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
      .replace(/\s+/g, '\\s+');
    patterns.push(new RegExp(`(?:^|[^\\p{L}\\p{N}])${escaped}(?:$|[^\\p{L}\\p{N}])`, 'iu'));
  }
  for (const [i, source] of strings(`${key}.patterns`, v.patterns).entries()) {
    try {
      patterns.push(new RegExp(source, 'iu'));
    } catch (error) {
      throw new InvalidOptionsError(`${key}.patterns[${i}]`, `is not a regular expression (${(error as Error).message})`);
    }
  }
  const where = v.in ?? 'user';
  if (where !== 'user' && where !== 'reply') throw new InvalidOptionsError(`${key}.in`, `must be user or reply (got ${String(where)})`);
  const outcomes = strings(`${key}.outcomes`, v.outcomes ?? ['completed']);
  for (const o of outcomes)
    if (!(TURN_OUTCOMES as readonly string[]).includes(o))
      throw new InvalidOptionsError(`${key}.outcomes`, `must be among ${TURN_OUTCOMES.join(', ')} (got ${o})`);
  if (outcomes.length === 0) throw new InvalidOptionsError(`${key}.outcomes`, 'must name at least one outcome');
  const extractTime = v.extractTime ?? false;
  if (typeof extractTime !== 'boolean') throw new InvalidOptionsError(`${key}.extractTime`, 'must be true or false');
  return { name, patterns, in: where, outcomes: outcomes as TurnEventOutcome[], extractTime };
}

function resolveRule(name: string, value: unknown): ProactiveRule {
  const key = `proactive.rules.${name}`;
  const v = record(key, value, RULE_KEYS);
  const template = optionalText(`${key}.template`, v.template, 4000);
  const prompt = optionalText(`${key}.prompt`, v.prompt, 20_000);
  if ((template === undefined) === (prompt === undefined))
    throw new InvalidOptionsError(`${key}.template`, 'give exactly one of template and prompt');
  const cancelOn = (v.cancelOn ?? 'any-turn') as CancelOn;
  if (!CANCEL_ON.includes(cancelOn))
    throw new InvalidOptionsError(`${key}.cancelOn`, `must be one of ${CANCEL_ON.join(', ')} (got ${String(cancelOn)})`);
  const priority = v.priority ?? 50;
  if (!Number.isInteger(priority) || (priority as number) < 0 || (priority as number) > 100)
    throw new InvalidOptionsError(`${key}.priority`, `must be an integer 0..100 (got ${String(priority)})`);
  return {
    delayMs: nonNegativeInt(`${key}.delayMs`, v.delayMs),
    ...(template !== undefined ? { template } : {}),
    ...(prompt !== undefined ? { prompt } : {}),
    priority: priority as number,
    ttlMs: positiveInt(`${key}.ttlMs`, v.ttlMs),
    cancelOn,
  };
}

function record(key: string, value: unknown, allowed: ReadonlySet<string>): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new InvalidOptionsError(key, 'must be a mapping');
  for (const k of Object.keys(value))
    if (!allowed.has(k)) throw new InvalidOptionsError(`${key}.${k}`, `is not a known key (allowed: ${[...allowed].join(', ')})`);
  return value as Record<string, unknown>;
}

function strings(key: string, value: unknown): string[] {
  if (value === undefined) return [];
  if (!Array.isArray(value) || value.some((s) => typeof s !== 'string')) throw new InvalidOptionsError(key, 'must be a list of strings');
  return value as string[];
}

function optionalText(key: string, value: unknown, max: number): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || value.trim() === '' || value.length > max)
    throw new InvalidOptionsError(key, `must be a non-empty string of at most ${max} characters`);
  return value;
}

function positiveInt(key: string, value: unknown): number {
  if (!Number.isInteger(value) || (value as number) < 1)
    throw new InvalidOptionsError(key, `must be an integer ≥ 1 (got ${String(value)})`);
  return value as number;
}

function nonNegativeInt(key: string, value: unknown): number {
  if (!Number.isInteger(value) || (value as number) < 0)
    throw new InvalidOptionsError(key, `must be an integer ≥ 0 (got ${String(value)})`);
  return value as number;
}
