import { type ActorContext, isRetryable } from '@warren/actors';
import {
  type ChatMessage,
  ModelComplete,
  type ModelCompletionEnd,
  SESSION_EVENT_TYPES,
  type SessionEventKind,
  type SessionMessage,
  sessionEventKey,
  toWireError,
  WARREN_ERROR_CODES,
} from '@warren/contracts';
import { countChatTokens, countTokens } from '@warren/models';
import type { ModerationDecision, Moderator } from '@warren/moderation';
import type { NewTurnPart, TaskStatus, WarrenStore } from '@warren/store';
import { cacheKey } from './cache-key';
import { failedEventExtras, userMessageFor } from './failure-messages';
import { languageOf } from './language';
import { type LimiterReservation, reserveTokens, settleTokens } from './limiter-reservation';
import { ModeratedOutput } from './moderated-output';
import { buildPrompt } from './prompt-builder';
import { type RoutingJournal, routedCall, routingJournalOf } from './routed-call';
import { type CachedAnswer, cachedDeltas, type SemanticCache } from './semantic-cache';
import type { SessionOptions } from './session.options';
import { lastEndpointOf, rememberEndpoint } from './session-affinity';
import { SessionRouting } from './session-routing';
import { type SessionState, wasCancelled } from './session-state';
import { normalizeText } from './text-normalizer';
import { type TurnEnd, tellTurnEnded } from './turn-event';
import { type StepTiming, TurnSteps } from './turn-steps';

/** What a turn reports to metrics (WarrenMetrics fits; optional). */
export interface TurnMetrics {
  turnEnded(outcome: 'completed' | 'failed' | 'interrupted' | 'blocked'): void;
  turnDuration(ms: number): void;
  stepDuration(step: string, ms: number): void;
  modelCall(model: string, ms: number, promptTokens: number, completionTokens: number): void;
  moderationBlocked(direction: 'in' | 'out', category: string): void;
  /** A routed call was answered by `endpoint`; `strategy`/`arm` of the A/B split, `none` outside one. */
  routingDecision?(strategy: string, arm: string, endpoint: string): void;
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
}

/** The abort reason of an interrupt (a shutdown aborts with another reason and is redelivered). */
export const INTERRUPTED = 'interrupted';

/**
 * Result of preprocessing, moderation in and the limiter. Not saved: a turn that runs again
 * (after a crash, or a retry in place) prepares again, which is cheap and gives the same result;
 * its one side effect, the reservation, is named by the task id, and the limiter grants a
 * reservation it holds again without charging twice.
 */
interface Prepared {
  /** Normalised user text with personal data masked: what the model and the history see. */
  text: string;
  language?: string;
  languageSource: string;
  moderationIn: ModerationDecision[];
  redactedIn: boolean;
  /** Set when input moderation blocked the text: the reply to give instead. */
  blocked?: { reply: string; categories: string[] };
  prompt: ChatMessage[];
  /** What the limiter granted: the counted prompt and the whole reservation (prompt + max output), settled after the model. */
  reservation?: { promptTokens: number; reserved: number };
  /** The semantic cache's key of this turn and, on a hit, the answer to reuse (only with the cache on). */
  cache?: { key: string; hit?: CachedAnswer };
}

/** Result of the `model` step (saved). */
interface Answer {
  text: string;
  model: string;
  usage: { promptTokens: number; completionTokens: number };
  interrupted: boolean;
  moderated: boolean;
  moderationOut: ModerationDecision[];
  /** The decision journal (strategy, candidates, arm, every call); absent when no model was called. */
  routing?: RoutingJournal;
  /** True when the answer came from the semantic cache (no model was called). */
  cached?: boolean;
  timings: StepTiming[];
}

/**
 * One turn of a session: preprocess → moderation in → limiter → model (streamed deltas,
 * moderation out) → write-back → notify. The model step's answer is saved with the actor's state
 * (`ctx.step`), so a redelivered turn does not call the model again. An interrupt fires
 * `ctx.signal`: the part already streamed goes to history marked `interrupted`.
 *
 * The limiter's reservation is settled after the task's final status is written: a turn run
 * again after that finds its task ended and stops, so nothing settles twice without a saved step
 * (a crash in between loses the settle, which leaves the estimate charged).
 */
export class SessionTurn {
  private readonly tenant: string;
  private readonly sessionId: string;
  private readonly taskId: string;
  private readonly steps: TurnSteps;
  private readonly startedAt = performance.now();
  /** When the user's part happened: the turn's start, so history orders it before the reply. */
  private readonly arrivedAt = new Date();
  private streamed = '';
  /** The decision journal of this turn's model call, once routed (kept for a failed or interrupted end too). */
  private routingJournal: RoutingJournal | undefined;

  constructor(
    private readonly deps: TurnDeps,
    private readonly msg: SessionMessage,
    private readonly ctx: ActorContext<SessionState>,
  ) {
    const sep = ctx.key.indexOf('~');
    this.tenant = ctx.key.slice(0, sep);
    this.sessionId = ctx.key.slice(sep + 1);
    this.taskId = ctx.taskId ?? ctx.messageId;
    this.steps = new TurnSteps((name, ms) => deps.metrics?.stepDuration(name, ms));
  }

  async run(): Promise<void> {
    const state = this.ctx.state ?? {};
    this.ctx.state = state;
    if (wasCancelled(state, this.taskId)) {
      // Interrupted before it started (it waited in the mailbox): it never runs.
      if (await this.start()) await this.endInterrupted(normalizeText(this.msg.text));
      return;
    }
    state.current = this.taskId;
    let prepared: Prepared | undefined;
    try {
      if (!(await this.start())) return;
      prepared = await this.prepare();
      const answer = prepared.blocked
        ? this.blockedAnswer(prepared)
        : await this.ctx.step('model', () =>
            prepared?.cache?.hit ? this.cachedAnswer(prepared.cache.hit) : this.callModel(prepared as Prepared),
          );
      this.steps.restore(answer.timings);
      this.rememberAnswer(prepared, answer);
      if (answer.interrupted) {
        await this.endInterrupted(prepared.text, answer.text);
        await this.settle(prepared, answer);
      } else {
        await this.complete(prepared, answer);
      }
    } catch (error) {
      if (this.ctx.signal.aborted && this.ctx.signal.reason === INTERRUPTED) {
        await this.endInterrupted(prepared?.text ?? normalizeText(this.msg.text), this.streamed);
        await this.settle(prepared);
        return;
      }
      await this.fail(error, prepared);
    } finally {
      if (state.current === this.taskId) state.current = undefined;
    }
  }

  /**
   * Creates the task as running (one write; the gateway may have created it already, then it is
   * marked running); false when it already ended. An operator's replay of a dead turn
   * (`ctx.replayOf`, same task id) runs a `failed` or `compensated` task again.
   */
  private async start(): Promise<boolean> {
    const { tasks } = this.deps.store;
    const task = await tasks.create({
      id: this.taskId,
      tenant: this.tenant,
      sessionId: this.sessionId,
      userId: this.msg.userId,
      actor: this.ctx.self,
      status: 'running',
    });
    const replayable = this.ctx.replayOf !== undefined && (task.status === 'failed' || task.status === 'compensated');
    if (isFinal(task.status) && !replayable) return false;
    if (task.status !== 'running') await tasks.updateStatus(this.taskId, { status: 'running' });
    return true;
  }

  private async prepare(): Promise<Prepared> {
    const { options, store, moderator, metrics } = this.deps;
    const pre = await this.steps.run('preprocess', async () => {
      const text = normalizeText(this.msg.text);
      const lang = languageOf(text, this.msg.locale);
      const [profile, history] = await Promise.all([
        this.msg.userId ? store.profiles.get(this.tenant, this.msg.userId) : Promise.resolve(undefined),
        options.historyTurns > 0 ? store.history.lastTurns({ tenant: this.tenant, sessionId: this.sessionId }, options.historyTurns) : [],
      ]);
      return { text, lang, tags: profile?.tags ?? [], history };
    });
    const checked = await this.steps.run('moderation-in', async () => moderator.check(pre.text, 'in'));
    const base = {
      text: checked.text,
      language: pre.lang.language,
      languageSource: pre.lang.source,
      moderationIn: checked.decisions,
      redactedIn: checked.redactions.length > 0,
    };
    if (!checked.allowed) {
      const categories = checked.decisions.filter((d) => d.action === 'block').map((d) => d.category);
      for (const c of categories) metrics?.moderationBlocked('in', c);
      this.steps.skip('limiter');
      this.steps.skip('model');
      return { ...base, blocked: { reply: checked.safeReply ?? moderator.rules.safeReply, categories }, prompt: [] };
    }
    const prompt = buildPrompt({
      systemPrompt: options.systemPrompt,
      tags: pre.tags,
      language: pre.lang.language,
      history: pre.history,
      text: checked.text,
    });
    const cache = await this.lookupCache(prompt, { text: checked.text, ...(pre.lang.language ? { language: pre.lang.language } : {}) });
    let reservation: Prepared['reservation'];
    if (options.rateLimit) {
      reservation = await this.steps.run('limiter', async () => {
        // Reserve the counted prompt plus the most output; settled to the real usage after the model.
        // A cache hit calls no model: it reserves only `cache.hitTokens` (its request still counts).
        const promptTokens = cache?.hit ? 0 : countChatTokens(prompt);
        const reserved = cache?.hit ? (this.deps.cache?.options.hitTokens ?? 0) : promptTokens + options.maxOutputTokens;
        // A refusal (RateLimitedError, BudgetExceededError) fails the turn; the limiter counts it. In queue
        // mode this waits (the ask's timeout, runtime.askTimeoutMs, is checked to exceed the queue's).
        await reserveTokens(this.ctx, this.reservation(), reserved);
        return { promptTokens, reserved };
      });
    } else {
      this.steps.skip('limiter');
    }
    return { ...base, prompt, ...(reservation ? { reservation } : {}), ...(cache ? { cache } : {}) };
  }

  /**
   * The semantic cache's key of this turn (tenant, route, system message, last messages of the
   * context, new text; see `cacheKey`) and the answer stored under it, if any. Undefined when the
   * cache is off.
   */
  private async lookupCache(prompt: ChatMessage[], input: Pick<Prepared, 'text' | 'language'>): Promise<Prepared['cache']> {
    const cache = this.deps.cache;
    if (!cache?.enabled) return undefined;
    const routing = this.deps.routing ?? SessionRouting.fromConfig({}, this.deps.options.model);
    let route: string;
    try {
      const { decision } = routing.router.route(await this.routeInput(input, routing));
      route = JSON.stringify([decision.strategy, decision.arm?.name ?? '', this.msg.channel ?? '']);
    } catch {
      return undefined; // the model step reports the routing error
    }
    const key = cacheKey({ tenant: this.tenant, route, prompt, contextMessages: cache.options.contextMessages });
    const hit = cache.get(key);
    this.deps.metrics?.cacheLookup?.(hit ? 'hit' : 'miss');
    return hit ? { key, hit } : { key };
  }

  /** Stores a model's answer in the semantic cache: whole, unmoderated, not from the cache, input not masked. */
  private rememberAnswer(prepared: Prepared, answer: Answer): void {
    const cache = this.deps.cache;
    if (!cache?.enabled || !prepared.cache || prepared.cache.hit || prepared.redactedIn) return;
    if (answer.cached || answer.interrupted || answer.moderated || answer.text.length === 0) return;
    cache.set(prepared.cache.key, { text: answer.text, model: answer.model });
  }

  /**
   * A turn answered from the semantic cache: the stored answer streamed as deltas (word-aligned
   * parts), no model called. The answer was moderated when it was stored.
   */
  private async cachedAnswer(hit: CachedAnswer): Promise<Answer> {
    let sent = '';
    await this.steps.run('model', async () => {
      let seq = 0;
      for (const text of cachedDeltas(hit.text)) {
        if (this.ctx.signal.aborted) break;
        await this.emit('delta', SESSION_EVENT_TYPES.DELTA, { taskId: this.taskId, seq: seq++, text });
        sent += text;
        this.streamed = sent;
      }
    });
    this.steps.skip('moderation-out');
    if (this.ctx.signal.aborted && this.ctx.signal.reason === INTERRUPTED) {
      return { ...this.partial(sent), model: hit.model, cached: true, timings: this.steps.snapshot() };
    }
    return {
      text: hit.text,
      model: hit.model,
      usage: { promptTokens: 0, completionTokens: 0 },
      interrupted: false,
      moderated: false,
      moderationOut: [],
      cached: true,
      timings: this.steps.snapshot(),
    };
  }

  /**
   * Tells the limiter what the turn really used, so it refunds or charges the difference to the
   * reservation: the model's reported usage; for an interrupted or failed call, the prompt plus
   * what was streamed (nothing when nothing was streamed: a refused or unreachable endpoint bills
   * nothing). Called once the task's final status is written (see the class comment). A lost
   * settle only keeps the reservation charged (the tenant pays the estimate), so its failure does
   * not fail the turn.
   */
  private async settle(prepared: Prepared | undefined, answer?: Answer): Promise<void> {
    const r = prepared?.reservation;
    if (!r) return;
    const reported = answer ? answer.usage.promptTokens + answer.usage.completionTokens : 0;
    const partial = answer?.text ?? this.streamed;
    // A cached answer costs what was reserved for it (cache.hitTokens), whatever its length.
    const used = answer?.cached ? r.reserved : reported > 0 ? reported : partial.length > 0 ? r.promptTokens + countTokens(partial) : 0;
    await settleTokens(this.ctx, this.reservation(), r.reserved, used).catch(() => undefined);
  }

  /** This turn's reservation at `limiter/<tenant>`: named by the task, for the user when known. */
  private reservation(): LimiterReservation {
    return { tenant: this.tenant, reservationId: this.taskId, ...(this.msg.userId ? { userId: this.msg.userId } : {}) };
  }

  private blockedAnswer(prepared: Prepared): Answer {
    return {
      text: prepared.blocked?.reply ?? '',
      model: 'moderation',
      usage: { promptTokens: 0, completionTokens: 0 },
      interrupted: false,
      moderated: true,
      moderationOut: [],
      timings: [],
    };
  }

  private async callModel(prepared: Prepared): Promise<Answer> {
    const { options, moderator, metrics } = this.deps;
    const output = new ModeratedOutput(moderator);
    const emits: Promise<void>[] = [];
    let seq = 0;
    const stream = (text: string | undefined): void => {
      if (text === undefined || this.ctx.signal.aborted) return;
      const p = this.emit('delta', SESSION_EVENT_TYPES.DELTA, { taskId: this.taskId, seq: seq++, text });
      p.catch(() => undefined); // awaited below; this only keeps it from counting as unhandled meanwhile
      emits.push(p);
      this.streamed = output.sent;
    };
    const request = Object.assign(new ModelComplete(), {
      messages: prepared.prompt,
      maxTokens: options.maxOutputTokens,
      ...(prepared.language ? { locale: prepared.language } : {}),
    });
    const t0 = performance.now();
    let end: ModelCompletionEnd | undefined;
    const routing = this.deps.routing ?? SessionRouting.fromConfig({}, options.model);
    const modelStep = this.steps.run('model', async () => {
      const plan = routing.router.route(await this.routeInput(prepared, routing));
      const sink = {
        push: (text: string) => {
          stream(output.push(text));
          return !output.blocked;
        },
        sentChars: () => output.sent.length,
        switched: (data: object) => this.emit('switched', SESSION_EVENT_TYPES.SWITCHED, { taskId: this.taskId, ...data }),
      };
      const result = await routedCall(this.ctx, plan, request, sink, {
        timeoutMs: options.modelTimeoutMs,
        health: routing.health,
        contextWindows: routing.options.contextWindows,
        continueStreams: routing.options.continueStreams,
        continueInstruction: routing.options.continueInstruction,
      });
      end = result.end;
      this.routingJournal = result.journal;
      const arm = result.journal.arm;
      metrics?.routingDecision?.(arm?.strategy ?? 'none', arm?.name ?? 'none', result.endpoint);
      rememberEndpoint(this.ctx.state, result.endpoint);
    });
    try {
      await modelStep;
    } catch (error) {
      this.routingJournal ??= routingJournalOf(error);
      await Promise.allSettled(emits);
      if (this.ctx.signal.aborted && this.ctx.signal.reason === INTERRUPTED) {
        return { ...this.partial(output.sent), ...this.journal(), timings: this.steps.snapshot() };
      }
      throw error;
    }
    const finished = await this.steps.run('moderation-out', async () => output.finish());
    stream(finished.rest);
    await Promise.all(emits);
    const usage = end?.usage ?? { promptTokens: 0, completionTokens: 0 };
    const model = end?.model ?? options.model;
    metrics?.modelCall(model, performance.now() - t0, usage.promptTokens, usage.completionTokens);
    const blocked = !finished.result.allowed;
    if (blocked) for (const d of finished.result.decisions) if (d.action === 'block') metrics?.moderationBlocked('out', d.category);
    return {
      text: blocked ? (finished.result.safeReply ?? moderator.rules.safeReply) : finished.result.text,
      model,
      usage,
      interrupted: false,
      moderated: blocked || finished.result.redactions.length > 0,
      moderationOut: finished.result.decisions,
      ...this.journal(),
      timings: this.steps.snapshot(),
    };
  }

  /** What the router decides on: the turn's tenant, session, text, language, channel, profile tags (when a rule needs them), last endpoint. */
  private async routeInput(prepared: Pick<Prepared, 'text' | 'language'>, routing: SessionRouting) {
    const tags =
      routing.needsTags && this.msg.userId ? ((await this.deps.store.profiles.get(this.tenant, this.msg.userId))?.tags ?? []) : [];
    const last = lastEndpointOf(this.ctx.state);
    return {
      tenant: this.tenant,
      sessionKey: this.ctx.key,
      text: prepared.text,
      tags,
      ...(prepared.language ? { language: prepared.language } : {}),
      ...(this.msg.channel ? { channel: this.msg.channel } : {}),
      ...(last ? { lastEndpoint: last } : {}),
    };
  }

  private journal(): { routing?: RoutingJournal } {
    return this.routingJournal ? { routing: this.routingJournal } : {};
  }

  private partial(text: string): Omit<Answer, 'timings'> {
    return {
      text,
      model: this.deps.options.model,
      usage: { promptTokens: 0, completionTokens: 0 },
      interrupted: true,
      moderated: false,
      moderationOut: [],
    };
  }

  private async complete(prepared: Prepared, answer: Answer): Promise<void> {
    await this.steps.run('write-back', () =>
      this.deps.store.history.append([
        this.userPart(prepared.text),
        {
          ...this.ref(),
          id: `${this.taskId}:assistant`,
          role: 'assistant',
          content: answer.text,
          model: answer.model,
          tokens: {
            prompt: answer.usage.promptTokens,
            completion: answer.usage.completionTokens,
            total: answer.usage.promptTokens + answer.usage.completionTokens,
          },
          taskId: this.taskId,
        },
      ]),
    );
    await this.deps.store.tasks.updateStatus(this.taskId, {
      status: 'completed',
      steps: this.steps.toTaskSteps(),
      usage: {
        promptTokens: answer.usage.promptTokens,
        completionTokens: answer.usage.completionTokens,
        totalTokens: answer.usage.promptTokens + answer.usage.completionTokens,
      },
      routing: {
        ...(answer.routing ?? {}),
        model: answer.model,
        strategy: prepared.blocked ? 'moderation' : answer.cached ? 'cache' : (answer.routing?.strategy ?? 'static'),
        ...(prepared.cache ? { cache: { hit: prepared.cache.hit !== undefined, key: prepared.cache.key } } : {}),
        language: prepared.language,
        languageSource: prepared.languageSource,
        moderation: {
          in: prepared.moderationIn,
          redactedIn: prepared.redactedIn,
          out: answer.moderationOut,
          blocked: prepared.blocked?.categories,
        },
      },
    });
    // The reply goes out first; the settle and the intent's notice are sent meanwhile, and the
    // handler ends (the message is acked) once the broker has confirmed all three.
    const notifyStart = performance.now();
    const reply = this.emit('reply', SESSION_EVENT_TYPES.REPLY, {
      taskId: this.taskId,
      text: answer.text,
      model: answer.model,
      usage: answer.usage,
      ...(prepared.language ? { language: prepared.language } : {}),
      ...(answer.moderated || prepared.redactedIn ? { moderated: true } : {}),
      ...(answer.cached ? { cached: true } : {}),
    });
    const after = Promise.all([
      this.settle(prepared, answer),
      this.tellIntent({
        text: prepared.text,
        reply: answer.text,
        outcome: prepared.blocked ? 'blocked' : 'completed',
        ...(prepared.language ? { language: prepared.language } : {}),
      }),
    ]);
    after.catch(() => undefined); // awaited below; this only keeps it from counting as unhandled meanwhile
    await reply;
    this.deps.metrics?.stepDuration('notify', performance.now() - notifyStart);
    this.deps.metrics?.turnEnded(prepared.blocked ? 'blocked' : 'completed');
    this.deps.metrics?.turnDuration(performance.now() - this.startedAt);
    await after;
  }

  private async endInterrupted(userText: string, partial = ''): Promise<void> {
    const parts: NewTurnPart[] = [this.userPart(userText)];
    if (partial.length > 0) {
      parts.push({
        ...this.ref(),
        id: `${this.taskId}:assistant`,
        role: 'assistant',
        content: partial,
        taskId: this.taskId,
        status: 'interrupted',
      });
    }
    await this.deps.store.history.append(parts);
    await this.setFinal('interrupted', { code: WARREN_ERROR_CODES.CANCELLED, message: 'interrupted by the user' });
    await this.emit('interrupted', SESSION_EVENT_TYPES.INTERRUPTED, { taskId: this.taskId, partialText: partial });
    this.deps.metrics?.turnEnded('interrupted');
    await this.tellIntent({ text: userText, ...(partial ? { reply: partial } : {}), outcome: 'interrupted' });
  }

  /**
   * A failed turn. While retries may help (a model that failed, a timeout), the error goes back
   * to the runtime, which runs the turn again in place. When it is final: the task is failed,
   * the user gets a `failed` event, and unexpected errors go on to the dead letters.
   */
  private async fail(error: unknown, prepared: Prepared | undefined): Promise<void> {
    const wire = toWireError(error);
    const expected = wire.code === WARREN_ERROR_CODES.RATE_LIMITED || wire.code === WARREN_ERROR_CODES.BUDGET_EXCEEDED;
    if (!expected && isRetryable(error) && this.ctx.attempt < this.deps.options.maxAttempts) throw error;
    await this.deps.store.history.append([this.userPart(prepared?.text ?? normalizeText(this.msg.text))]);
    await this.setFinal('failed', { code: wire.code, message: wire.message });
    await this.settle(prepared);
    await this.emit('failed', SESSION_EVENT_TYPES.FAILED, {
      taskId: this.taskId,
      code: wire.code,
      message: userMessageFor(wire.code, error),
      ...failedEventExtras(wire.code, error),
    });
    this.deps.metrics?.turnEnded('failed');
    await this.tellIntent({ text: prepared?.text ?? normalizeText(this.msg.text), outcome: 'failed', errorCode: wire.code });
    if (!expected) throw error;
  }

  /** The intent actor hears of every ended turn (proactive messages); off with `proactive.enabled: false`. */
  private async tellIntent(end: Pick<TurnEnd, 'text' | 'reply' | 'language' | 'outcome' | 'errorCode'>): Promise<void> {
    if (!this.deps.options.proactive) return;
    await tellTurnEnded(this.ctx, {
      ...end,
      tenant: this.tenant,
      sessionId: this.sessionId,
      taskId: this.taskId,
      ...(this.msg.userId ? { userId: this.msg.userId } : {}),
    });
  }

  private async setFinal(status: 'failed' | 'interrupted', error: { code: string; message: string }): Promise<void> {
    const task = await this.deps.store.tasks.get(this.taskId);
    if (!task || isFinal(task.status)) return;
    await this.deps.store.tasks.updateStatus(this.taskId, {
      status,
      steps: this.steps.toTaskSteps(),
      error,
      ...(this.routingJournal ? { routing: { ...this.routingJournal } } : {}),
    });
  }

  private ref(): { tenant: string; sessionId: string; userId?: string } {
    return { tenant: this.tenant, sessionId: this.sessionId, ...(this.msg.userId ? { userId: this.msg.userId } : {}) };
  }

  private userPart(content: string): NewTurnPart {
    return { ...this.ref(), id: `${this.taskId}:user`, role: 'user', content, taskId: this.taskId, at: this.arrivedAt };
  }

  private emit(kind: SessionEventKind, type: string, data: object): Promise<void> {
    return this.ctx.emit(sessionEventKey(this.sessionId, kind), type, data, { subject: this.sessionId });
  }
}

/** A task that ended: no turn runs it again unless it is replayed. */
export function isFinal(status: TaskStatus): boolean {
  return status === 'completed' || status === 'failed' || status === 'compensated' || status === 'interrupted';
}
