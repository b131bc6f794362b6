/**
 * The steps every model turn shares, whether a session turn or a one-shot chat completion: the
 * reservation with the tenant's limiter, the routed model call whose deltas leave only through
 * output moderation, moderation of the whole answer, and what the reservation settles to. Each
 * caller adds what is its own around them (a session: history, prompt, events, one commit; a chat
 * completion: the caller's messages, a stream of chunks, the task) — the lean path exists once.
 */

import { Logger } from '@nestjs/common';
import type { ActorContext } from '@warren/actors';
import type { ChatMessage, ModelComplete, ModelCompletionEnd } from '@warren/contracts';
import { countChatTokens, countTokens, type RouteInput } from '@warren/models';
import type { ModerationDecision, Moderator } from '@warren/moderation';
import { type LimiterReservation, PER_REQUEST, type TokenReserver } from './limiter-reservation';
import { ModeratedOutput } from './moderated-output';
import { type RoutingJournal, routedCall, routingJournalOf, type SwitchedData } from './routed-call';
import type { SessionOptions } from './session.options';
import { SessionRouting } from './session-routing';
import type { TurnMetrics } from './session-turn.types';
import type { TurnSteps } from './turn-steps';

const log = new Logger('ModelCall');

/** What the shared steps need. */
export interface ModelCallDeps {
  options: Pick<SessionOptions, 'rateLimit' | 'model' | 'modelTimeoutMs'>;
  moderator: Moderator;
  routing?: SessionRouting;
  metrics?: TurnMetrics;
  /** `LimiterLeases` (a lease when it can); absent: per request with `limiter/<tenant>`. */
  limiter?: TokenReserver;
}

/** What a granted reservation holds: the counted prompt and the whole reservation (prompt + most output). */
export interface Reservation {
  promptTokens: number;
  reserved: number;
}

/** A moderated answer from the model (or from the safe reply that replaced a blocked one). */
export interface ModelAnswer {
  /** What the user gets: the streamed text, or the safe reply when output moderation blocked the answer. */
  text: string;
  model: string;
  usage: { promptTokens: number; completionTokens: number };
  finishReason: ModelCompletionEnd['finishReason'];
  /** Output moderation blocked the answer. */
  blocked: boolean;
  /** Blocked, or personal data was masked. */
  moderated: boolean;
  decisions: ModerationDecision[];
  journal: RoutingJournal;
  endpoint: string;
}

/** How the caller takes part in the call. */
export interface ModelCallHooks {
  /** Each delta released by output moderation, in order; `moderated` marks the safe reply replacing a blocked answer. */
  onDelta(text: string, moderated: boolean): void;
  /** A broken stream goes on with another endpoint (a session announces it with a `switched` event). */
  onSwitched?(data: SwitchedData): Promise<void>;
  /** Awaited before the router runs (a failpoint). */
  beforeCall?(): Promise<void>;
  /** Awaited once the stream has ended, before the answer is moderated as a whole (a failpoint). */
  afterStream?(): Promise<void>;
}

/** The model turn's shared steps on one handler's context; `sent` and `journal` stay readable after a failure. */
export class ModelCall {
  /** The text released to the user so far (what an interrupted or failed end keeps and bills). */
  sent = '';
  /** The decision journal, once routed (also after a failure). */
  journal: RoutingJournal | undefined;

  constructor(
    private readonly deps: ModelCallDeps,
    private readonly ctx: ActorContext<unknown>,
    private readonly steps: TurnSteps,
  ) {}

  private get reserver(): TokenReserver {
    return this.deps.limiter ?? PER_REQUEST;
  }

  /**
   * The `limiter` step: reserves the counted prompt plus the most output (or `fixedTokens`, a cache
   * hit's price) unless rate limiting is off. A refusal (`RateLimitedError`, `BudgetExceededError`)
   * is thrown; in queue mode this waits.
   */
  async reserve(r: LimiterReservation, prompt: ChatMessage[], maxTokens: number, fixedTokens?: number): Promise<Reservation | undefined> {
    if (!this.deps.options.rateLimit) {
      this.steps.skip('limiter');
      return undefined;
    }
    return this.steps.run('limiter', async () => {
      const promptTokens = fixedTokens === undefined ? countChatTokens(prompt) : 0;
      const reserved = fixedTokens ?? promptTokens + maxTokens;
      await this.reserver.reserve(this.ctx, r, reserved);
      return { promptTokens, reserved };
    });
  }

  /**
   * Settles a reservation to what was used: the model's reported usage; for a call that ended early,
   * the prompt plus what was released (nothing when nothing was: a refused or unreachable endpoint
   * bills nothing); a fixed price when given. Never fails its caller: a lost settle leaves the
   * estimate charged.
   */
  settle(r: LimiterReservation, reservation: Reservation | undefined, answer?: Pick<ModelAnswer, 'usage' | 'text'>, fixed = false): void {
    if (!reservation) return;
    const reported = answer ? answer.usage.promptTokens + answer.usage.completionTokens : 0;
    const partial = answer?.text ?? this.sent;
    const used = fixed
      ? reservation.reserved
      : reported > 0
        ? reported
        : partial.length > 0
          ? reservation.promptTokens + countTokens(partial)
          : 0;
    this.reserver.settle(this.ctx, r, reservation.reserved, used).catch((err: unknown) => {
      log.warn(`${this.ctx.self}: could not settle reservation ${r.reservationId} (the estimate stays charged): ${(err as Error).message}`);
    });
  }

  /**
   * The `model` and `moderation-out` steps: routes `route`, calls the chain (fallbacks, continued
   * streams, health), releases each delta through output moderation to `hooks.onDelta`, then
   * moderates the whole answer (a blocked one ends with the safe reply, marked).
   */
  async call(request: ModelComplete, route: RouteInput, hooks: ModelCallHooks): Promise<ModelAnswer> {
    const { options, moderator, metrics } = this.deps;
    const routing = this.deps.routing ?? SessionRouting.fromConfig({}, options.model);
    const output = new ModeratedOutput(moderator);
    const t0 = performance.now();
    let result: Awaited<ReturnType<typeof routedCall>>;
    try {
      result = await this.steps.run('model', async () => {
        await hooks.beforeCall?.();
        const plan = routing.router.route(route);
        const sink = {
          push: (text: string) => {
            const released = output.push(text);
            if (released !== undefined) {
              hooks.onDelta(released, false);
              this.sent = output.sent;
            }
            return !output.blocked;
          },
          sentChars: () => output.sent.length,
          switched: (data: SwitchedData) => hooks.onSwitched?.(data) ?? Promise.resolve(),
        };
        const r = await routedCall(this.ctx, plan, request, sink, {
          timeoutMs: options.modelTimeoutMs,
          health: routing.health,
          contextWindows: routing.options.contextWindows,
          continueStreams: routing.options.continueStreams,
          continueInstruction: routing.options.continueInstruction,
        });
        await hooks.afterStream?.();
        return r;
      });
    } catch (error) {
      this.journal ??= routingJournalOf(error);
      throw error;
    }
    this.journal = result.journal;
    const arm = result.journal.arm;
    metrics?.routingDecision?.(arm?.strategy ?? 'none', arm?.name ?? 'none', result.endpoint);
    const finished = await this.steps.run('moderation-out', async () => output.finish());
    // Blocked: the safe reply, marked: it replaces the clean start released before it.
    if (finished.rest) hooks.onDelta(finished.rest, finished.blocked);
    this.sent = output.sent;
    const usage = result.end.usage ?? { promptTokens: 0, completionTokens: 0 };
    const model = result.end.model ?? options.model;
    metrics?.modelCall(model, performance.now() - t0, usage.promptTokens, usage.completionTokens);
    if (finished.blocked)
      for (const d of finished.result.decisions) if (d.action === 'block') metrics?.moderationBlocked('out', d.category);
    return {
      text: finished.text,
      model,
      usage,
      finishReason: result.end.finishReason,
      blocked: finished.blocked,
      moderated: finished.blocked || finished.result.redactions.length > 0,
      decisions: finished.result.decisions,
      journal: result.journal,
      endpoint: result.endpoint,
    };
  }
}
