/**
 * The orchestrator of a session turn (`SessionTurn.run`) and its own steps: start, prepare, the
 * model call. How a turn ends is in `turn-outcomes.ts`, the cache steps in `turn-cache.ts`, the
 * public types and tokens in `session-turn.types.ts`.
 */

import { Logger } from '@nestjs/common';
import { ActivationLostError, InvalidMessageError, ModelComplete, SESSION_EVENT_TYPES, WARREN_ERROR_CODES } from '@warren/contracts';
import { FAILPOINTS, failpoint } from '@warren/telemetry';
import { confidentLanguage, languageOf } from './language';
import type { ModelAnswer } from './model-call';
import { buildPrompt } from './prompt-builder';
import type { RoutingJournal } from './routed-call';
import { tenantLanguage } from './session.options';
import { rememberEndpoint } from './session-affinity';
import { SessionRouting } from './session-routing';
import { wasCancelled } from './session-state';
import { INTERRUPTED, isFinal } from './session-turn.types';
import { normalizeText } from './text-normalizer';
import { cachedAnswer, lookupCache, rememberAnswer } from './turn-cache';
import { answerAgain, complete, endInterrupted, fail } from './turn-outcomes';
import type { Answer, Prepared } from './turn-results';
import { retrieve } from './turn-retrieval';
import { TurnScope } from './turn-scope';

const log = new Logger('SessionTurn');

/** How long a turn runs before its task is marked running (a shorter one is written once, by its commit). */
export const RUNNING_MARK_DELAY_MS = 200;

/**
 * One turn of a session: preprocess → moderation in → limiter → model (streamed deltas,
 * moderation out) → one commit → outbox. The turn's end is ONE commit with the session's state
 * and processed id: the task's final state, the history parts and the outbox of its events (see
 * turn-outcomes.ts). A turn cut before that commit (a crash, a lost connection, a shutdown past
 * its drain) commits nothing and runs again from the start where its message is delivered next:
 * the model call is safe to repeat, and an earlier run's deltas are a preview the reply replaces.
 * An interrupt fires `ctx.signal`: the part already streamed goes to history marked `interrupted`.
 */
export class SessionTurn extends TurnScope {
  private runningMark: NodeJS.Timeout | undefined;

  async run(): Promise<void> {
    const state = this.ctx.state ?? {};
    this.ctx.state = state;
    if (wasCancelled(state, this.taskId)) {
      // Interrupted before it started (it waited in the mailbox): it never runs.
      if (await this.start()) await endInterrupted(this, normalizeText(this.msg.text));
      clearTimeout(this.runningMark);
      return;
    }
    // Outside the try: a turn that must not run, or only be dead-lettered again, ends here.
    if (!(await this.start())) return;
    state.current = this.taskId;
    let prepared: Prepared | undefined;
    try {
      prepared = await this.prepare();
      const answer = prepared.blocked
        ? this.blockedAnswer(prepared)
        : prepared.cache?.hit
          ? await cachedAnswer(this, prepared.cache.hit)
          : await this.callModel(prepared);
      this.steps.restore(answer.timings);
      rememberAnswer(this, prepared, answer);
      if (answer.interrupted) await endInterrupted(this, prepared.text, answer.text, prepared);
      else await complete(this, prepared, answer);
    } catch (error) {
      if (this.ctx.signal.aborted && this.ctx.signal.reason === INTERRUPTED) {
        await endInterrupted(this, prepared?.text ?? normalizeText(this.msg.text), this.streamed, prepared);
        return;
      }
      // Cut by a shutdown past its drain or by a lost shard: nothing is committed here, the
      // message goes back to its queue and the turn runs again where it is delivered next.
      if (this.ctx.signal.aborted || error instanceof ActivationLostError) throw error;
      await fail(this, error, prepared);
    } finally {
      clearTimeout(this.runningMark);
      if (state.current === this.taskId) state.current = undefined;
    }
  }

  /**
   * Marks the task running (one write: created running on the AMQP path, moved from `accepted`
   * when the gateway created it); false when it already ended. An operator's replay of a dead
   * turn (`ctx.replayOf`, same task id) runs a `failed` or `compensated` task again. A task id of
   * another session is refused (task ids are scoped: only a raw actor message can do that).
   */
  private async start(): Promise<boolean> {
    const { tasks } = this.deps.store;
    const task = await tasks.get(this.taskId);
    if (task && (task.tenant !== this.tenant || (task.sessionId !== undefined && task.sessionId !== this.sessionId))) {
      throw new InvalidMessageError(`task ${this.taskId} belongs to another session; give each turn its own id`, [
        { field: 'x-warren-task-id', constraints: ['a task id of this session'] },
      ]);
    }
    const replayable = this.ctx.replayOf !== undefined && (task?.status === 'failed' || task?.status === 'compensated');
    if (task && isFinal(task.status) && !replayable) {
      await answerAgain(this, task);
      return false;
    }
    // A replay moves its ended task back to running now (the commit only ends tasks that have not ended).
    if (replayable) await tasks.updateStatus(this.taskId, { status: 'running' });
    else if (task?.status !== 'running') this.markRunningLater(task !== undefined);
    return true;
  }

  /**
   * Marks the task running after `RUNNING_MARK_DELAY_MS`, unless the turn's commit ended it first:
   * a turn that ends sooner (most turns) is written once, by its commit, instead of twice.
   */
  private markRunningLater(exists: boolean): void {
    const { tasks } = this.deps.store;
    const mark = async () => {
      if (exists) await tasks.updateStatus(this.taskId, { status: 'running' });
      else await tasks.create(this.newTask());
    };
    this.runningMark = setTimeout(() => {
      this.runningMark = undefined;
      // The commit may have ended the task meanwhile: then there is nothing to mark.
      mark().catch((err: unknown) => {
        if ((err as { code?: unknown })?.code !== WARREN_ERROR_CODES.INVALID_TRANSITION)
          log.warn(`${this.ctx.self}: could not mark task ${this.taskId} running: ${(err as Error).message}`);
      });
    }, RUNNING_MARK_DELAY_MS);
  }

  private async prepare(): Promise<Prepared> {
    const { options, store, moderator, metrics } = this.deps;
    const pre = await this.steps.run('preprocess', async () => {
      const text = normalizeText(this.msg.text);
      const [profile, history] = await Promise.all([
        this.msg.userId ? store.profiles.get(this.tenant, this.msg.userId) : Promise.resolve(undefined),
        options.historyTurns > 0 ? store.history.lastTurns({ tenant: this.tenant, sessionId: this.sessionId }, options.historyTurns) : [],
      ]);
      const state = this.ctx.state ?? {};
      const lang = languageOf(text, {
        locale: this.msg.locale,
        profile: profile?.locale,
        session: state.language,
        tenant: tenantLanguage(options, this.tenant),
      });
      state.language = confidentLanguage(lang) ?? state.language; // saved with the turn's commit
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
    const retrieved = await retrieve(this, checked.text);
    const prompt = buildPrompt({
      systemPrompt: options.systemPrompt,
      tags: pre.tags,
      language: pre.lang.language,
      history: pre.history,
      text: checked.text,
      ...(retrieved ? { passages: retrieved.passages } : {}),
    });
    const cache = await lookupCache(this, prompt, { text: checked.text, ...(pre.lang.language ? { language: pre.lang.language } : {}) });
    // Reserve the counted prompt plus the most output; settled to the real usage after the model. A
    // cache hit calls no model: it reserves only `cache.hitTokens` (its request still counts). A
    // refusal (RateLimitedError, BudgetExceededError) fails the turn; in queue mode this waits (the
    // ask's timeout, runtime.askTimeoutMs, is checked to exceed the queue's).
    const hitTokens = cache?.hit ? (this.deps.cache?.options.hitTokens ?? 0) : undefined;
    const reservation = await this.model.reserve(this.reservation(), prompt, options.maxOutputTokens, hitTokens);
    return {
      ...base,
      prompt,
      ...(reservation ? { reservation } : {}),
      ...(cache ? { cache } : {}),
      ...(retrieved ? { citations: retrieved.citations } : {}),
    };
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

  /** The shared model step (`ModelCall`): deltas published as `session.<id>.delta` as output moderation releases them. */
  private async callModel(prepared: Prepared): Promise<Answer> {
    const { options } = this.deps;
    const emits: Promise<void>[] = [];
    let seq = 0;
    let midStream: Promise<void> | undefined;
    const onDelta = (text: string, moderated: boolean): void => {
      if (this.ctx.signal.aborted) return;
      const data = { taskId: this.clientTaskId, seq: seq++, text, ...(moderated ? { moderated } : {}) };
      const p = this.emit('delta', SESSION_EVENT_TYPES.DELTA, data);
      p.catch(() => undefined); // settled below; this only keeps it from counting as unhandled meanwhile
      emits.push(p);
      if (seq === 1) this.deps.metrics?.firstDeltaSent?.('session', performance.now() - this.startedAt);
      if (seq === 1)
        midStream = p.then(
          () => failpoint(FAILPOINTS.TURN_MID_STREAM, this.taskId),
          () => undefined,
        );
      this.streamed = this.model.sent;
    };
    const request = Object.assign(new ModelComplete(), {
      messages: prepared.prompt,
      maxTokens: options.maxOutputTokens,
      ...(prepared.language ? { locale: prepared.language } : {}),
    });
    const routing = this.deps.routing ?? SessionRouting.fromConfig({}, options.model);
    let answer: ModelAnswer;
    try {
      answer = await this.model.call(
        request,
        await this.routeInput(prepared, routing),
        {
          onDelta,
          onSwitched: (data) => this.emit('switched', SESSION_EVENT_TYPES.SWITCHED, { taskId: this.clientTaskId, ...data }),
          beforeCall: async () => failpoint(FAILPOINTS.TURN_BEFORE_MODEL, this.taskId),
          afterStream: async () => midStream,
        },
        this.deps.tools ? { scope: this.ref() } : undefined,
      );
    } catch (error) {
      this.routingJournal ??= this.model.journal;
      await Promise.allSettled(emits);
      if (this.ctx.signal.aborted && this.ctx.signal.reason === INTERRUPTED) {
        return { ...this.partial(this.model.sent), ...this.journal(), timings: this.steps.snapshot() };
      }
      throw error;
    }
    this.routingJournal = answer.journal;
    rememberEndpoint(this.ctx.state, answer.endpoint);
    this.streamed = this.model.sent;
    // The deltas' confirms are not waited for here: the turn's end is staged meanwhile, and `run`
    // waits for them before the handler ends (and so before the commit; see `TurnScope.deltas`).
    this.deltas = Promise.allSettled(emits);
    return {
      text: answer.text,
      model: answer.model,
      usage: answer.usage,
      interrupted: false,
      moderated: answer.moderated,
      moderationOut: answer.decisions,
      ...this.journal(),
      timings: this.steps.snapshot(),
    };
  }

  private journal(): { routing?: RoutingJournal } {
    return this.routingJournal ? { routing: this.routingJournal } : {};
  }
}
