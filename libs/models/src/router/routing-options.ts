import { InvalidOptionsError } from '@warren/contracts';

/**
 * A routing target: the name of a strategy in `routing.strategies`, or else the name of a model
 * endpoint (`model/<name>`). Strategies compose by naming other strategies as targets.
 */
export type Target = string;

/** Conditions of a rule; all given ones must hold (an absent one always holds). */
export interface RuleCondition {
  /** The turn's tenant is one of these. */
  tenants?: string[];
  /** The user's profile has at least one of these tags. */
  tags?: string[];
  /** The turn's language (primary subtag, e.g. `fr`) is one of these. */
  languages?: string[];
  /** The turn's channel is one of these. */
  channels?: ('voice' | 'text')[];
  /** The user's text has at least this many characters. */
  minLength?: number;
  /** The user's text has at most this many characters. */
  maxLength?: number;
}

interface StrategyBase {
  /** Endpoints tried, in order, when the chosen one fails (after the inner strategies' own). */
  fallbacks: string[];
}

/** Always the same endpoint. */
export interface StaticStrategy extends StrategyBase {
  kind: 'static';
  endpoint: string;
}

/** The first rule whose conditions hold decides; `otherwise` when none does. */
export interface RulesStrategy extends StrategyBase {
  kind: 'rules';
  rules: { name: string; when: RuleCondition; use: Target }[];
  otherwise: Target;
}

/** The request's class (from the `RequestClassifier`) picks the target; `otherwise` when unclassified or unmapped. */
export interface ContentStrategy extends StrategyBase {
  kind: 'content';
  classes: Record<string, Target>;
  otherwise: Target;
}

/** The endpoint with the lowest recent latency (EWMA) or the fewest outstanding calls; endpoints in cooldown are skipped. */
export interface PerformanceStrategy extends StrategyBase {
  kind: 'performance';
  endpoints: string[];
  metric: 'latency' | 'outstanding';
}

/** Weighted A/B split, sticky per session: a hash of the session key picks the arm. */
export interface WeightedStrategy extends StrategyBase {
  kind: 'weighted';
  arms: { name: string; weight: number; use: Target }[];
}

/** Ask several endpoints in parallel and pick one answer by `pick`, among those done by `deadlineMs`. */
export interface EnsembleStrategy extends StrategyBase {
  kind: 'ensemble';
  endpoints: string[];
  pick: 'first' | 'majority' | 'longest' | 'judge';
  /** The endpoint that judges (`pick: judge`). */
  judge?: string;
  deadlineMs: number;
}

export type Strategy = StaticStrategy | RulesStrategy | ContentStrategy | PerformanceStrategy | WeightedStrategy | EnsembleStrategy;
export type StrategyKind = Strategy['kind'];

/** The `routing:` section, resolved. */
export interface RoutingOptions {
  /** Target of a turn that no tenant or route names. Empty: `session.model`. @default '' */
  default: Target;
  /** Target per tenant (wins over routes). @default {} */
  tenants: Record<string, Target>;
  /** Target per route, i.e. per channel (`voice`, `text`). @default {} */
  routes: Record<string, Target>;
  /** Named strategies. @default {} */
  strategies: Record<string, Strategy>;
  /** Endpoints tried last, after every strategy's own fallbacks. @default [] */
  fallbacks: string[];
  /** Context windows (tokens) of endpoints, for going to a larger one on `WARREN_CONTEXT_TOO_LONG`. @default {} */
  contextWindows: Record<string, number>;
  /** Session affinity: prefer the endpoint of the session's previous turn while healthy and below `affinityMaxOutstanding`. @default false */
  affinity: boolean;
  /** Outstanding calls above which the previous endpoint is no longer preferred. @default 8 */
  affinityMaxOutstanding: number;
  /** On a failure after deltas were sent, ask the next endpoint to continue the text (else: fail the turn). @default true */
  continueStreams: boolean;
  /** Instruction given to the endpoint that continues a broken stream (after the partial answer as an assistant message). */
  continueInstruction: string;
  /** Classes of the default keyword/regex classifier: class → regular expressions (case-insensitive), first class matching wins. Empty: `DEFAULT_CLASSIFIER`. */
  classifier: Record<string, string[]>;
}

/** The default classifier's classes (code, math, chit-chat). */
export const DEFAULT_CLASSIFIER: Readonly<Record<string, string[]>> = Object.freeze({
  code: [
    '```',
    '\\b(function|class|def|const|let|var|import|return|compile[rd]?|stack ?trace|exception|typescript|javascript|python|java|sql|regex|bug|null pointer)\\b',
  ],
  math: ['\\d+\\s*[-+*/^×÷=]\\s*\\d+', '\\b(solve|equation|integral|derivative|calculate|sqrt|square root|percent(age)?)\\b'],
  'chit-chat': ['^\\s*(hi|hello|hey|thanks|thank you|good (morning|afternoon|evening|night)|how are you|bye)\\b'],
});

export const ROUTING_DEFAULTS: Readonly<RoutingOptions> = Object.freeze({
  default: '',
  tenants: {},
  routes: {},
  strategies: {},
  fallbacks: [],
  contextWindows: {},
  affinity: false,
  affinityMaxOutstanding: 8,
  continueStreams: true,
  continueInstruction:
    'Your previous answer was cut off. Continue it exactly where it stopped, without repeating anything already written and without any preamble.',
  classifier: DEFAULT_CLASSIFIER as Record<string, string[]>,
});

const NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/;
const KINDS: readonly StrategyKind[] = ['static', 'rules', 'content', 'performance', 'weighted', 'ensemble'];
const PICKS = ['first', 'majority', 'longest', 'judge'] as const;
const TOP_KEYS = new Set(Object.keys(ROUTING_DEFAULTS));

/**
 * The one place `routing:` is checked: fills defaults, refuses unknown keys, bad values,
 * unknown strategy kinds, bad regular expressions and cycles between strategies, with an
 * `InvalidOptionsError` naming the key path (e.g. `routing.strategies.ab.arms[1].weight`).
 */
export function resolveRoutingOptions(raw: unknown = {}, fallbackDefault = 'local'): RoutingOptions {
  const r = object(raw, 'routing');
  for (const key of Object.keys(r)) if (!TOP_KEYS.has(key)) throw new InvalidOptionsError(`routing.${key}`, 'is not a routing option');
  const d = ROUTING_DEFAULTS;
  const o: RoutingOptions = {
    default: r.default === undefined || r.default === '' ? fallbackDefault : name(r.default, 'routing.default'),
    tenants: targets(r.tenants ?? {}, 'routing.tenants'),
    routes: targets(r.routes ?? {}, 'routing.routes'),
    strategies: {},
    fallbacks: names(r.fallbacks ?? [], 'routing.fallbacks'),
    contextWindows: {},
    affinity: bool(r.affinity ?? d.affinity, 'routing.affinity'),
    affinityMaxOutstanding: int(r.affinityMaxOutstanding ?? d.affinityMaxOutstanding, 'routing.affinityMaxOutstanding', 1),
    continueStreams: bool(r.continueStreams ?? d.continueStreams, 'routing.continueStreams'),
    continueInstruction: text(r.continueInstruction ?? d.continueInstruction, 'routing.continueInstruction'),
    classifier: {},
  };
  for (const [k, v] of Object.entries(object(r.contextWindows ?? {}, 'routing.contextWindows')))
    o.contextWindows[name(k, `routing.contextWindows.${k}`)] = int(v, `routing.contextWindows.${k}`, 1);
  const classes = object(r.classifier ?? {}, 'routing.classifier');
  for (const [k, v] of Object.entries(Object.keys(classes).length > 0 ? classes : d.classifier))
    o.classifier[k] = patterns(v, `routing.classifier.${k}`);
  for (const [k, v] of Object.entries(object(r.strategies ?? {}, 'routing.strategies')))
    o.strategies[name(k, `routing.strategies.${k}`)] = strategy(v, `routing.strategies.${k}`);
  checkCycles(o);
  return o;
}

function strategy(raw: unknown, path: string): Strategy {
  const s = object(raw, path);
  const kind = s.kind as StrategyKind;
  if (!KINDS.includes(kind))
    throw new InvalidOptionsError(`${path}.kind`, `must be one of ${KINDS.join(', ')} (got ${JSON.stringify(s.kind)})`);
  const allowed: Record<StrategyKind, string[]> = {
    static: ['endpoint'],
    rules: ['rules', 'otherwise'],
    content: ['classes', 'otherwise'],
    performance: ['endpoints', 'metric'],
    weighted: ['arms'],
    ensemble: ['endpoints', 'pick', 'judge', 'deadlineMs'],
  };
  for (const key of Object.keys(s))
    if (key !== 'kind' && key !== 'fallbacks' && !allowed[kind].includes(key))
      throw new InvalidOptionsError(`${path}.${key}`, `is not an option of a ${kind} strategy`);
  const fallbacks = names(s.fallbacks ?? [], `${path}.fallbacks`);
  switch (kind) {
    case 'static':
      return { kind, endpoint: name(s.endpoint, `${path}.endpoint`), fallbacks };
    case 'rules':
      return {
        kind,
        rules: array(s.rules, `${path}.rules`).map((rule, i) => {
          const p = `${path}.rules[${i}]`;
          const rr = object(rule, p);
          for (const key of Object.keys(rr))
            if (!['name', 'when', 'use'].includes(key)) throw new InvalidOptionsError(`${p}.${key}`, 'is not an option of a rule');
          return {
            name: rr.name === undefined ? `#${i}` : text(rr.name, `${p}.name`),
            when: condition(rr.when ?? {}, `${p}.when`),
            use: name(rr.use, `${p}.use`),
          };
        }),
        otherwise: name(s.otherwise, `${path}.otherwise`),
        fallbacks,
      };
    case 'content':
      return { kind, classes: targets(s.classes ?? {}, `${path}.classes`), otherwise: name(s.otherwise, `${path}.otherwise`), fallbacks };
    case 'performance': {
      const metric = s.metric ?? 'latency';
      if (metric !== 'latency' && metric !== 'outstanding')
        throw new InvalidOptionsError(`${path}.metric`, `must be latency or outstanding (got ${JSON.stringify(metric)})`);
      return { kind, endpoints: nonEmpty(names(s.endpoints, `${path}.endpoints`), `${path}.endpoints`), metric, fallbacks };
    }
    case 'weighted': {
      const arms = array(s.arms, `${path}.arms`).map((arm, i) => {
        const p = `${path}.arms[${i}]`;
        const a = object(arm, p);
        for (const key of Object.keys(a))
          if (!['name', 'weight', 'use'].includes(key)) throw new InvalidOptionsError(`${p}.${key}`, 'is not an option of an arm');
        const weight = a.weight;
        if (typeof weight !== 'number' || !Number.isFinite(weight) || weight < 0)
          throw new InvalidOptionsError(`${p}.weight`, `must be a number ≥ 0 (got ${JSON.stringify(weight)})`);
        const use = name(a.use, `${p}.use`);
        return { name: a.name === undefined ? use : name(a.name, `${p}.name`), weight, use };
      });
      nonEmpty(arms, `${path}.arms`);
      if (!(arms.reduce((n, a) => n + a.weight, 0) > 0))
        throw new InvalidOptionsError(`${path}.arms`, 'weights must add up to more than 0');
      return { kind, arms, fallbacks };
    }
    case 'ensemble': {
      const pick = s.pick ?? 'first';
      if (!PICKS.includes(pick as never))
        throw new InvalidOptionsError(`${path}.pick`, `must be one of ${PICKS.join(', ')} (got ${JSON.stringify(pick)})`);
      const judge = s.judge === undefined ? undefined : name(s.judge, `${path}.judge`);
      if (pick === 'judge' && judge === undefined) throw new InvalidOptionsError(`${path}.judge`, 'is required with pick: judge');
      const endpoints = names(s.endpoints, `${path}.endpoints`);
      if (endpoints.length < 2) throw new InvalidOptionsError(`${path}.endpoints`, 'must name at least 2 endpoints');
      return {
        kind,
        endpoints,
        pick: pick as EnsembleStrategy['pick'],
        ...(judge ? { judge } : {}),
        deadlineMs: int(s.deadlineMs ?? 10_000, `${path}.deadlineMs`, 1),
        fallbacks,
      };
    }
  }
}

function condition(raw: unknown, path: string): RuleCondition {
  const c = object(raw, path);
  const out: RuleCondition = {};
  for (const [key, value] of Object.entries(c)) {
    const p = `${path}.${key}`;
    if (key === 'tenants' || key === 'tags' || key === 'languages') out[key] = strings(value, p);
    else if (key === 'channels') {
      const list = strings(value, p);
      for (const ch of list)
        if (ch !== 'voice' && ch !== 'text') throw new InvalidOptionsError(p, `must list voice or text (got ${JSON.stringify(ch)})`);
      out.channels = list as ('voice' | 'text')[];
    } else if (key === 'minLength' || key === 'maxLength') out[key] = int(value, p, 0);
    else throw new InvalidOptionsError(p, 'is not a rule condition (tenants, tags, languages, channels, minLength, maxLength)');
  }
  return out;
}

/** Strategies may name strategies; a cycle would never end. */
function checkCycles(o: RoutingOptions): void {
  const visiting = new Set<string>();
  const done = new Set<string>();
  const visit = (n: string, path: string): void => {
    const s = o.strategies[n];
    if (!s || done.has(n)) return;
    if (visiting.has(n)) throw new InvalidOptionsError(path, `strategies refer to each other in a cycle through "${n}"`);
    visiting.add(n);
    for (const t of innerTargets(s)) visit(t, `routing.strategies.${n}`);
    visiting.delete(n);
    done.add(n);
  };
  for (const n of Object.keys(o.strategies)) visit(n, `routing.strategies.${n}`);
}

/** The targets a strategy may hand a turn to. */
export function innerTargets(s: Strategy): string[] {
  switch (s.kind) {
    case 'static':
      return [s.endpoint];
    case 'rules':
      return [...s.rules.map((r) => r.use), s.otherwise];
    case 'content':
      return [...Object.values(s.classes), s.otherwise];
    case 'weighted':
      return s.arms.map((a) => a.use);
    default:
      return [];
  }
}

function object(v: unknown, path: string): Record<string, unknown> {
  if (v === null || typeof v !== 'object' || Array.isArray(v)) throw new InvalidOptionsError(path, 'must be an object');
  return v as Record<string, unknown>;
}
function array(v: unknown, path: string): unknown[] {
  if (!Array.isArray(v)) throw new InvalidOptionsError(path, 'must be a list');
  return v;
}
function nonEmpty<T>(v: T[], path: string): T[] {
  if (v.length === 0) throw new InvalidOptionsError(path, 'must not be empty');
  return v;
}
function name(v: unknown, path: string): string {
  if (typeof v !== 'string' || !NAME.test(v))
    throw new InvalidOptionsError(path, `must be a name of 1-100 letters, digits, ".", "_" or "-" (got ${JSON.stringify(v)})`);
  return v;
}
function names(v: unknown, path: string): string[] {
  return array(v, path).map((x, i) => name(x, `${path}[${i}]`));
}
function strings(v: unknown, path: string): string[] {
  return array(v, path).map((x, i) => text(x, `${path}[${i}]`));
}
function text(v: unknown, path: string): string {
  if (typeof v !== 'string' || v.trim() === '') throw new InvalidOptionsError(path, 'must be a non-empty string');
  return v;
}
function targets(v: unknown, path: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, t] of Object.entries(object(v, path))) out[k] = name(t, `${path}.${k}`);
  return out;
}
function bool(v: unknown, path: string): boolean {
  if (typeof v !== 'boolean') throw new InvalidOptionsError(path, `must be true or false (got ${JSON.stringify(v)})`);
  return v;
}
function int(v: unknown, path: string, min: number): number {
  if (!Number.isInteger(v) || (v as number) < min)
    throw new InvalidOptionsError(path, `must be an integer ≥ ${min} (got ${JSON.stringify(v)})`);
  return v as number;
}
function patterns(v: unknown, path: string): string[] {
  return strings(v, path).map((p, i) => {
    try {
      new RegExp(p, 'iu');
    } catch (error) {
      throw new InvalidOptionsError(`${path}[${i}]`, `is not a valid regular expression (${(error as Error).message})`);
    }
    return p;
  });
}
