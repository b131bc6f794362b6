/**
 * The public types and tokens of a session turn: what a turn reports to metrics, what it needs
 * (`TurnDeps`), the abort reason of an interrupt, and when a task has ended.
 */

import type { Moderator } from '@warren/moderation';
import type { TaskStatus, WarrenStore } from '@warren/store';
import type { ToolOptions } from '../tools/tool-options';
import type { SessionIntents } from './intent-gate';
import type { TokenReserver } from './limiter-reservation';
import type { SemanticCache } from './semantic-cache';
import type { SessionOptions } from './session.options';
import type { SessionRouting } from './session-routing';
import type { TurnKnowledge } from './turn-retrieval';

/** What a turn reports to metrics (WarrenMetrics fits; optional). */
export interface TurnMetrics {
  turnEnded(outcome: 'completed' | 'failed' | 'interrupted' | 'blocked'): void;
  turnDuration(ms: number): void;
  stepDuration(step: string, ms: number): void;
  modelCall(model: string, ms: number, promptTokens: number, completionTokens: number): void;
  moderationBlocked(direction: 'in' | 'out', category: string): void;
  /** A routed call was answered by `endpoint`; `strategy`/`arm` of the A/B split, `none` outside one. */
  routingDecision?(strategy: string, arm: string, endpoint: string): void;
  /** The first delta of a turn (or a chat completion) went out `ms` after it started (`warren_time_to_first_delta_seconds`). */
  firstDeltaSent?(source: 'session' | 'chat', ms: number): void;
  /** A semantic cache lookup (only when the cache is on). */
  cacheLookup?(result: 'hit' | 'miss'): void;
}

/** Nest injection token of the metrics a session reports to (optional). */
export const SESSION_METRICS = Symbol('warren:session-metrics');

/** What a turn needs besides its message and context. */
export interface TurnDeps {
  options: SessionOptions;
  store: WarrenStore;
  moderator: Moderator;
  metrics?: TurnMetrics;
  /** Where model calls go (`routing:`); absent: `session.model`, static, no health tracking. */
  routing?: SessionRouting;
  /** The semantic cache (`cache:`); absent or disabled: every turn calls a model. */
  cache?: SemanticCache;
  /** How turns reserve tokens (`LimiterLeases`: from a lease when it can); absent: per request with `limiter/<tenant>`. */
  limiter?: TokenReserver;
  /** The proactive rules and classifier: a turn tells its intent actor only when they concern it; absent: every turn tells it. */
  intents?: SessionIntents;
  /** Tools as actors (`tools:`): the tenant's declared tools are offered to the model; absent: none. */
  tools?: ToolOptions;
  /** The knowledge base and its options (`knowledge:`): the `retrieve` step runs for tenants with retrieval on; absent: never. */
  knowledge?: TurnKnowledge;
}

/** The abort reason of an interrupt (a shutdown aborts with another reason and is redelivered). */
export const INTERRUPTED = 'interrupted';

/** A task that ended: no turn runs it again unless it is replayed. */
export function isFinal(status: TaskStatus): boolean {
  return status === 'completed' || status === 'failed' || status === 'compensated' || status === 'interrupted';
}
