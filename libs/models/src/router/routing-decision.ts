/** One endpoint the router considered, with why. */
export interface RoutingCandidate {
  endpoint: string;
  /** The strategy that considered it. */
  strategy: string;
  /** Latency (ms) or outstanding calls, for a performance strategy. */
  score?: number;
  /** The rule or class that matched, the arm, or why it was skipped. */
  reason: string;
  /** Health when decided. */
  health?: 'healthy' | 'cooldown';
}

/** One model call of a turn: the chosen endpoint or a fallback. */
export interface RoutingAttempt {
  endpoint: string;
  outcome: 'ok' | 'failed' | 'cancelled';
  /** Error code of a failure. */
  code?: string;
  message?: string;
  /** Characters already sent to the user when it failed. */
  sentChars?: number;
  /** Why this endpoint was called: `chosen`, `fallback`, `larger-context`, `continuation`, `ensemble`, `judge`. */
  why: string;
  ms: number;
}

/**
 * The decision journal of a turn, written as the task's `routing` field (`GET /v1/tasks/:id`):
 * "why did this turn go to model X?".
 */
export interface RoutingDecision {
  /** The top strategy (or endpoint) applied. */
  strategy: string;
  /** Where it came from: the request, the tenant, the route (channel) or the default. */
  source: 'request' | 'tenant' | 'route' | 'default';
  /** Strategies walked, outer first, with what each decided. */
  path: { strategy: string; kind: string; decided: string; why: string }[];
  candidates: RoutingCandidate[];
  /** The A/B arm, when a weighted strategy decided. */
  arm?: { strategy: string; name: string };
  /** The content class, when a content strategy classified the request. */
  class?: string;
  /** The endpoints in the order they would be tried. */
  chain: string[];
  /** The endpoint of the session's previous turn, and whether it was preferred. */
  affinity?: { endpoint: string; used: boolean; reason: string };
  /** Set when the decision is an ensemble. */
  ensemble?: { strategy: string; endpoints: string[]; pick: string; judge?: string; deadlineMs: number };
}
