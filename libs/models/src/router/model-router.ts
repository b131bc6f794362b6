import { InvalidOptionsError } from '@warren/contracts';
import type { RequestClassifier } from './request-classifier';
import type { RouterHealthView } from './router-health.port';
import type { RoutingCandidate, RoutingDecision } from './routing-decision';
import type { EnsembleStrategy, RoutingOptions, RuleCondition, Strategy, Target } from './routing-options';
import { pickWeighted } from './sticky-hash';

/** What the router knows of a turn when it decides. */
export interface RouteInput {
  tenant: string;
  /** The session's actor key (`<tenant>~<sessionId>`): the sticky A/B key. */
  sessionKey: string;
  /** The user's text (normalised, masked). */
  text: string;
  /** The user's profile tags. */
  tags?: readonly string[];
  /** BCP 47 language of the turn. */
  language?: string;
  channel?: 'voice' | 'text';
  /** A strategy or endpoint named by the request itself (wins over tenant and route). */
  strategy?: string;
  /** The endpoint that served the session's previous turn (session affinity). */
  lastEndpoint?: string;
}

/** The router's answer: the endpoints to try in order (or an ensemble first), and why. */
export interface RoutingPlan {
  chain: string[];
  ensemble?: EnsembleStrategy & { name: string };
  decision: RoutingDecision;
}

/** Strategies nest at most this deep (cycles are refused when the options are resolved). */
const MAX_DEPTH = 16;

/**
 * Decides where a turn goes. Pure and synchronous (no I/O): strategies come from `routing:`,
 * health from the node's tracker, classes from the `RequestClassifier`. The target is the
 * request's, else the tenant's, else the route's (channel), else `routing.default`; a target
 * naming a strategy applies it (strategies compose), any other name is an endpoint. The chain
 * is the chosen endpoint, then each strategy's fallbacks (inner first; a performance strategy's
 * other members rank first among its own), then `routing.fallbacks`;
 * endpoints in cooldown go to its end; with affinity on, the previous turn's endpoint goes first
 * while it is in the chain, healthy and not overloaded.
 */
export class ModelRouter {
  constructor(
    readonly options: RoutingOptions,
    private readonly classifier: RequestClassifier,
    private readonly health: RouterHealthView,
  ) {}

  route(input: RouteInput): RoutingPlan {
    const { target, source } = this.topTarget(input);
    const decision: RoutingDecision = { strategy: target, source, path: [], candidates: [], chain: [] };
    const fallbacks: string[][] = [];
    let ensemble: RoutingPlan['ensemble'];
    let endpoint: string | undefined;
    let current: Target = target;
    for (let depth = 0; ; depth++) {
      if (depth > MAX_DEPTH) throw new InvalidOptionsError('routing.strategies', `nested deeper than ${MAX_DEPTH}`);
      const strategy = this.options.strategies[current];
      if (!strategy) {
        endpoint = current;
        break;
      }
      fallbacks.unshift(strategy.fallbacks);
      if (strategy.kind === 'ensemble') {
        // Members in cooldown are left out (all of them in cooldown: all are asked).
        const live = strategy.endpoints.filter((e) => !this.cooling(e));
        const members = live.length > 0 ? live : [...strategy.endpoints];
        ensemble = { ...strategy, endpoints: members, name: current };
        decision.ensemble = {
          strategy: current,
          endpoints: [...members],
          pick: strategy.pick,
          ...(strategy.judge ? { judge: strategy.judge } : {}),
          deadlineMs: strategy.deadlineMs,
        };
        decision.path.push({ strategy: current, kind: 'ensemble', decided: members.join('+'), why: `pick ${strategy.pick}` });
        for (const e of strategy.endpoints)
          decision.candidates.push({
            endpoint: e,
            strategy: current,
            reason: members.includes(e) ? 'ensemble member' : 'in cooldown: skipped',
            ...this.healthOf(e),
          });
        break;
      }
      const step = this.apply(current, strategy, input, decision);
      if (step.ranked) fallbacks.unshift(step.ranked);
      decision.path.push({ strategy: current, kind: strategy.kind, decided: step.next, why: step.why });
      current = step.next;
    }
    const ordered = unique([...(endpoint ? [endpoint] : []), ...fallbacks.flat(), ...this.options.fallbacks]);
    let chain = [...ordered.filter((e) => !this.cooling(e)), ...ordered.filter((e) => this.cooling(e))];
    if (endpoint && chain[0] !== endpoint)
      decision.candidates.push({
        endpoint,
        strategy: decision.path.at(-1)?.strategy ?? target,
        reason: 'in cooldown: tried last',
        health: 'cooldown',
      });
    if (this.options.affinity && input.lastEndpoint && !ensemble) chain = this.withAffinity(chain, input.lastEndpoint, decision);
    decision.chain = chain;
    return { chain, ...(ensemble ? { ensemble } : {}), decision };
  }

  private topTarget(input: RouteInput): { target: Target; source: RoutingDecision['source'] } {
    if (input.strategy) return { target: input.strategy, source: 'request' };
    const tenant = this.options.tenants[input.tenant];
    if (tenant) return { target: tenant, source: 'tenant' };
    const route = input.channel ? this.options.routes[input.channel] : undefined;
    if (route) return { target: route, source: 'route' };
    return { target: this.options.default, source: 'default' };
  }

  private apply(
    name: string,
    s: Exclude<Strategy, EnsembleStrategy>,
    input: RouteInput,
    decision: RoutingDecision,
  ): { next: Target; why: string; ranked?: string[] } {
    switch (s.kind) {
      case 'static':
        decision.candidates.push({ endpoint: s.endpoint, strategy: name, reason: 'static', ...this.healthOf(s.endpoint) });
        return { next: s.endpoint, why: 'static' };
      case 'rules': {
        const rule = s.rules.find((r) => matches(r.when, input));
        for (const r of s.rules)
          decision.candidates.push({ endpoint: r.use, strategy: name, reason: r === rule ? `rule ${r.name} matched` : `rule ${r.name}` });
        return rule ? { next: rule.use, why: `rule ${rule.name} matched` } : { next: s.otherwise, why: 'no rule matched: otherwise' };
      }
      case 'content': {
        const cls = this.classifier.classify({ text: input.text, ...(input.language ? { language: input.language } : {}) });
        if (cls !== undefined) decision.class = cls;
        const next = cls !== undefined ? s.classes[cls] : undefined;
        decision.candidates.push({
          endpoint: next ?? s.otherwise,
          strategy: name,
          reason: cls === undefined ? 'unclassified' : `class ${cls}`,
        });
        return next
          ? { next, why: `class ${cls}` }
          : { next: s.otherwise, why: cls === undefined ? 'unclassified: otherwise' : `class ${cls} unmapped: otherwise` };
      }
      case 'performance': {
        const scored = s.endpoints.map((e) => {
          const h = this.health.state(e);
          return { e, h, score: s.metric === 'latency' ? h.ewmaLatencyMs : h.outstanding };
        });
        const live = scored.filter((x) => x.h.state !== 'cooldown');
        const pool = live.length > 0 ? live : scored;
        const best = pool.reduce((a, b) => (b.score < a.score ? b : a));
        // A live member not measured for a while (it lost) is measured again by this one turn: it may have recovered.
        const probe = s.metric === 'latency' ? live.find((x) => x !== best && this.health.claimProbe(x.e)) : undefined;
        for (const x of scored)
          decision.candidates.push({
            endpoint: x.e,
            strategy: name,
            score: Math.round(x.score * 100) / 100,
            reason:
              x.h.state === 'cooldown'
                ? 'in cooldown: skipped'
                : x === probe
                  ? 'latency probe: not measured lately'
                  : x === best
                    ? `lowest ${s.metric}`
                    : s.metric,
            health: x.h.state,
          });
        // The other members, best first, are the natural fallbacks of a performance choice.
        const ranked = [...scored].sort((a, b) => a.score - b.score).map((x) => x.e); // cooldown ones end up last in the chain
        if (probe) return { next: probe.e, why: 'latency probe', ranked };
        return { next: best.e, why: `lowest ${s.metric}${live.length === 0 ? ' (all in cooldown)' : ''}`, ranked };
      }
      case 'weighted': {
        const arm = pickWeighted(s.arms, `${name}:${input.sessionKey}`);
        decision.arm = { strategy: name, name: arm.name };
        for (const a of s.arms)
          decision.candidates.push({
            endpoint: a.use,
            strategy: name,
            score: a.weight,
            reason: a === arm ? `arm ${a.name} (sticky)` : `arm ${a.name}`,
          });
        return { next: arm.use, why: `arm ${arm.name}` };
      }
    }
  }

  private withAffinity(chain: string[], last: string, decision: RoutingDecision): string[] {
    const h = this.health.state(last);
    let reason: string;
    if (!chain.includes(last)) reason = 'not in this turn’s chain';
    else if (h.state === 'cooldown') reason = 'in cooldown';
    else if (h.outstanding >= this.options.affinityMaxOutstanding) reason = `overloaded (${h.outstanding} outstanding)`;
    else {
      decision.affinity = { endpoint: last, used: true, reason: 'served the previous turn' };
      return [last, ...chain.filter((e) => e !== last)];
    }
    decision.affinity = { endpoint: last, used: false, reason };
    return chain;
  }

  private cooling(endpoint: string): boolean {
    return this.health.state(endpoint).state === 'cooldown';
  }

  private healthOf(endpoint: string): Pick<RoutingCandidate, 'health'> {
    return { health: this.health.state(endpoint).state };
  }
}

function matches(c: RuleCondition, input: RouteInput): boolean {
  if (c.tenants && !c.tenants.includes(input.tenant)) return false;
  if (c.tags && !c.tags.some((t) => input.tags?.includes(t))) return false;
  if (c.languages) {
    const lang = input.language?.split('-')[0]?.toLowerCase();
    if (!lang || !c.languages.some((l) => l.toLowerCase() === lang || l.toLowerCase() === input.language?.toLowerCase())) return false;
  }
  if (c.channels && !(input.channel && c.channels.includes(input.channel))) return false;
  const length = [...input.text].length;
  if (c.minLength !== undefined && length < c.minLength) return false;
  if (c.maxLength !== undefined && length > c.maxLength) return false;
  return true;
}

function unique(list: string[]): string[] {
  return [...new Set(list)];
}
