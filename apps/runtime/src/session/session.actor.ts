import { Inject, Optional } from '@nestjs/common';
import { Actor, type ActorContext, Handle } from '@warren/actors';
import {
  DeadLettered,
  ProactiveDeliver,
  ProactiveProbe,
  type ProactiveProbeReply,
  SessionInterrupt,
  SessionMessage,
} from '@warren/contracts';
import { Moderator } from '@warren/moderation';
import { type KnowledgeBase, WARREN_STORE, type WarrenStore } from '@warren/store';
import { PROACTIVE_METRICS, type ProactiveMetrics } from '../intents/intent.actor';
import { INTENT_CLASSIFIER, type IntentClassifier } from '../intents/intent-classifier';
import { PROACTIVE_OPTIONS, type ProactiveOptions } from '../intents/proactive.options';
import { KNOWLEDGE_BASE, KNOWLEDGE_OPTIONS, type KnowledgeOptions } from '../knowledge/knowledge.options';
import { TOOL_OPTIONS, type ToolOptions } from '../tools/tool-options';
import type { SessionIntents } from './intent-gate';
import { LimiterLeases } from './limiter-leases';
import { deliverProactive, probeReply } from './proactive-delivery';
import { SESSION_CACHE, type SemanticCache } from './semantic-cache';
import { SESSION_OPTIONS, type SessionOptions } from './session.options';
import { compensateTurn } from './session-compensation';
import { SESSION_ROUTING, type SessionRouting } from './session-routing';
import { rememberCancelled, type SessionState } from './session-state';
import { SessionTurn } from './session-turn';
import { INTERRUPTED, SESSION_METRICS, type TurnMetrics } from './session-turn.types';
import type { TurnKnowledge } from './turn-retrieval';

/**
 * `session/<tenant>~<sessionId>`: one user's conversation. Turns run one at a time in arrival
 * order (ordinary handler); an interrupt is interleaved, so it is handled at once while a turn
 * awaits its model: it fires the turn's signal here and cancels the model call on whichever
 * node runs it (`warren.control`). What it cancelled is saved in state, so a redelivered or
 * still-queued turn of that task stays cancelled. A turn that was dead-lettered comes back as
 * `DeadLettered` from the keeper and is compensated (the user is told once). After each ended turn
 * the intent actor is told a `TurnEvent`; a proactive message it lets through comes back as
 * `ProactiveDeliver` (an ordinary handler: never during a turn) and is composed and published here.
 */
@Actor('session')
export class SessionActor {
  constructor(
    @Inject(SESSION_OPTIONS) private readonly options: SessionOptions,
    @Inject(WARREN_STORE) private readonly store: WarrenStore,
    @Inject(Moderator) private readonly moderator: Moderator,
    @Optional() @Inject(SESSION_METRICS) private readonly metrics?: TurnMetrics,
    @Optional() @Inject(PROACTIVE_METRICS) private readonly proactiveMetrics?: ProactiveMetrics,
    @Optional() @Inject(SESSION_ROUTING) private readonly routing?: SessionRouting,
    @Optional() @Inject(SESSION_CACHE) private readonly cache?: SemanticCache,
    @Optional() @Inject(LimiterLeases) private readonly leases?: LimiterLeases,
    @Optional() @Inject(PROACTIVE_OPTIONS) private readonly proactiveOptions?: ProactiveOptions,
    @Optional() @Inject(INTENT_CLASSIFIER) private readonly classifier?: IntentClassifier,
    @Optional() @Inject(TOOL_OPTIONS) private readonly tools?: ToolOptions,
    @Optional() @Inject(KNOWLEDGE_BASE) knowledgeBase?: KnowledgeBase,
    @Optional() @Inject(KNOWLEDGE_OPTIONS) knowledgeOptions?: KnowledgeOptions,
  ) {
    this.intents = proactiveOptions && classifier ? { options: proactiveOptions, classifier } : undefined;
    this.knowledge = knowledgeBase && knowledgeOptions ? { base: knowledgeBase, options: knowledgeOptions } : undefined;
  }

  private readonly intents: SessionIntents | undefined;
  private readonly knowledge: TurnKnowledge | undefined;

  @Handle(SessionMessage)
  async message(msg: SessionMessage, ctx: ActorContext<SessionState>): Promise<void> {
    const deps = {
      options: this.options,
      store: this.store,
      moderator: this.moderator,
      metrics: this.metrics,
      routing: this.routing,
      cache: this.cache,
      limiter: this.leases,
      intents: this.intents,
      tools: this.tools,
      knowledge: this.knowledge,
    };
    await new SessionTurn(deps, msg, ctx).run();
  }

  /**
   * Compensation for a dead-lettered turn (see `compensateTurn`). Compensation handlers are
   * ordinary handlers: any actor type compensates its own messages with `@Handle(DeadLettered)`;
   * a type without one never gets a notice from the keeper.
   */
  @Handle(DeadLettered)
  async deadLettered(notice: DeadLettered, ctx: ActorContext<SessionState>): Promise<void> {
    await compensateTurn(notice, ctx, { store: this.store, metrics: this.metrics });
  }

  /** The intent actor asks before a proactive message: interleaved, so it is answered at once during a turn. */
  @Handle(ProactiveProbe, { interleave: true })
  probe(_msg: ProactiveProbe, ctx: ActorContext<SessionState>): ProactiveProbeReply {
    return probeReply(ctx.state);
  }

  /** A proactive message that passed the intent actor's policy: composed, moderated, written and published. */
  @Handle(ProactiveDeliver)
  async proactive(msg: ProactiveDeliver, ctx: ActorContext<SessionState>): Promise<void> {
    await deliverProactive(msg, ctx, {
      options: this.options,
      store: this.store,
      moderator: this.moderator,
      metrics: this.proactiveMetrics,
    });
  }

  @Handle(SessionInterrupt, { interleave: true })
  async interrupt(msg: SessionInterrupt, ctx: ActorContext<SessionState>): Promise<void> {
    const state = ctx.state ?? {};
    ctx.state = state;
    const target = msg.taskId ?? state.current;
    if (target === undefined) return; // nothing in progress: nothing to cut off
    rememberCancelled(state, target);
    ctx.abortRunning(INTERRUPTED, target);
    await ctx.cancelTask(target, INTERRUPTED);
  }
}
