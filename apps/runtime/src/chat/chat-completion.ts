import type { ActorContext } from '@warren/actors';
import {
  CancelledError,
  type ChatComplete,
  type ChatCompletionDelta,
  type ChatCompletionEnd,
  type ChatMessage,
  ModelComplete,
  type ModelCompletionEnd,
  toWireError,
  WARREN_ERROR_CODES,
} from '@warren/contracts';
import { countChatTokens, countTokens } from '@warren/models';
import type { ModerationDecision, Moderator } from '@warren/moderation';
import type { WarrenStore } from '@warren/store';
import { languageOf } from '../session/language';
import { type LimiterReservation, PER_REQUEST, type TokenReserver } from '../session/limiter-reservation';
import { ModeratedOutput } from '../session/moderated-output';
import { type RoutingJournal, routedCall, routingJournalOf } from '../session/routed-call';
import { type SessionOptions, tenantLanguage } from '../session/session.options';
import { SessionRouting } from '../session/session-routing';
import type { TurnMetrics } from '../session/session-turn.types';
import { TurnSteps } from '../session/turn-steps';
import { chatTarget } from './chat-target';

/** What a chat completion needs besides its message and context. */
export interface ChatDeps {
  /** The sessions' options: `rateLimit`, `maxOutputTokens`, `modelTimeoutMs`, `model` (the default endpoint). */
  options: SessionOptions;
  store: WarrenStore;
  moderator: Moderator;
  /** Endpoint names a request's `model` may name. */
  endpoints: ReadonlySet<string>;
  routing?: SessionRouting;
  metrics?: TurnMetrics;
  /** How the request reserves tokens (`LimiterLeases`); absent: per request with `limiter/<tenant>`. */
  limiter?: TokenReserver;
}

/**
 * One stateless chat completion, the one-shot form of a session turn built from the same parts:
 * moderation in (blocked → the safe reply, `finishReason: 'content_filter'`, no model call) →
 * `limiter/<tenant>` reservation → the routed model call (fallbacks, health, journal) with each
 * delta through output moderation (held back until nothing later can block or mask it) →
 * moderation out (blocked → the safe reply, marked `moderated`, `finishReason: 'content_filter'`) → settle. The caller sends the conversation;
 * no history is written. The task (`ctx.taskId`) records the steps, usage and routing journal.
 * A cancelled task (the HTTP client went away) aborts `ctx.signal`: the model call stops and the
 * task ends `interrupted`.
 */
export class ChatCompletion {
  private readonly taskId: string;
  private readonly steps: TurnSteps;
  private readonly reservation: LimiterReservation;
  private reserved = 0;
  private promptTokens = 0;
  private sent = '';
  private journal: RoutingJournal | undefined;
  private readonly startedAt = performance.now();

  constructor(
    private readonly deps: ChatDeps,
    private readonly msg: ChatComplete,
    private readonly ctx: ActorContext,
  ) {
    this.taskId = ctx.taskId ?? ctx.messageId;
    this.steps = new TurnSteps((name, ms) => deps.metrics?.stepDuration(name, ms));
    this.reservation = { tenant: msg.tenant, reservationId: this.taskId, ...(msg.userId ? { userId: msg.userId } : {}) };
  }

  async *run(): AsyncGenerator<ChatCompletionDelta, ChatCompletionEnd, undefined> {
    const { store, moderator } = this.deps;
    const target = chatTarget(this.msg.model, this.routing().options, this.deps.endpoints);
    await store.tasks.create({
      id: this.taskId,
      tenant: this.msg.tenant,
      ...(this.msg.userId ? { userId: this.msg.userId } : {}),
      actor: this.ctx.self,
    });
    await store.tasks.updateStatus(this.taskId, { status: 'running' });
    let granted = false;
    try {
      const checked = await this.steps.run('moderation-in', async () => this.moderateIn());
      if (checked.blocked) {
        this.steps.skip('limiter');
        this.steps.skip('model');
        for (const c of checked.blocked) this.deps.metrics?.moderationBlocked('in', c);
        const reply = checked.safeReply ?? moderator.rules.safeReply;
        yield { text: reply, moderated: true };
        const end: ChatCompletionEnd = {
          model: 'moderation',
          usage: { promptTokens: 0, completionTokens: 0 },
          finishReason: 'content_filter',
        };
        await this.completed(end, { strategy: 'moderation', moderation: { in: checked.decisions, blocked: checked.blocked } });
        return end;
      }
      const maxTokens = this.msg.maxTokens ?? this.deps.options.maxOutputTokens;
      this.promptTokens = countChatTokens(checked.prompt);
      if (this.deps.options.rateLimit) {
        await this.steps.run('limiter', () => this.limiter().reserve(this.ctx, this.reservation, this.promptTokens + maxTokens));
        this.reserved = this.promptTokens + maxTokens;
        granted = true;
      } else this.steps.skip('limiter');
      const output = new ModeratedOutput(moderator);
      const request = Object.assign(new ModelComplete(), {
        messages: checked.prompt,
        maxTokens,
        ...(this.msg.temperature === undefined ? {} : { temperature: this.msg.temperature }),
      });
      const t0 = performance.now();
      const result = yield* this.streamCall(checked.prompt, request, output, target.strategy);
      // The client's cancel reaches every node at once: the model may end its stream as
      // 'cancelled' (an outcome, not an error) before this handler sees its own signal.
      if (this.ctx.signal.aborted || result.finishReason === 'cancelled') throw new CancelledError('the client went away');
      const finished = await this.steps.run('moderation-out', async () => output.finish());
      // Blocked: the safe reply, marked, after the clean text already released (never a part of the blocked text).
      if (finished.rest) yield { text: finished.rest, ...(finished.blocked ? { moderated: true } : {}) };
      this.sent = output.sent;
      const blocked = finished.blocked;
      if (blocked)
        for (const d of finished.result.decisions) if (d.action === 'block') this.deps.metrics?.moderationBlocked('out', d.category);
      const usage = result.usage;
      this.deps.metrics?.modelCall(result.model, performance.now() - t0, usage.promptTokens, usage.completionTokens);
      await this.settle(usage.promptTokens + usage.completionTokens);
      granted = false;
      const end: ChatCompletionEnd = {
        model: result.model,
        usage,
        finishReason: blocked ? 'content_filter' : result.finishReason === 'length' ? 'length' : 'stop',
      };
      await this.completed(end, {
        ...(this.journal ?? {}),
        strategy: this.journal?.strategy ?? 'static',
        target: target.kind,
        moderation: { in: checked.decisions, out: finished.result.decisions, ...(blocked ? { blockedOut: true } : {}) },
      });
      return end;
    } catch (error) {
      this.journal ??= routingJournalOf(error);
      if (granted) await this.settle(this.sent.length > 0 ? this.promptTokens + countTokens(this.sent) : 0);
      await this.failed(error);
      throw error;
    }
  }

  private limiter(): TokenReserver {
    return this.deps.limiter ?? PER_REQUEST;
  }

  private routing(): SessionRouting {
    return this.deps.routing ?? SessionRouting.fromConfig({}, this.deps.options.model);
  }

  /** Input moderation of every user message (the caller may put anything in earlier turns): masked text, or the categories that block. */
  private moderateIn(): { prompt: ChatMessage[]; decisions: ModerationDecision[]; blocked?: string[]; safeReply?: string } {
    const prompt: ChatMessage[] = [];
    const decisions: ModerationDecision[] = [];
    let blocked: string[] | undefined;
    let safeReply: string | undefined;
    for (const m of this.msg.messages) {
      if (m.role !== 'user') {
        prompt.push({ role: m.role, content: m.content });
        continue;
      }
      const checked = this.deps.moderator.check(m.content, 'in');
      decisions.push(...checked.decisions);
      if (!checked.allowed) {
        blocked = [...(blocked ?? []), ...checked.decisions.filter((d) => d.action === 'block').map((d) => d.category)];
        safeReply ??= checked.safeReply;
      }
      prompt.push({ role: 'user', content: checked.text });
    }
    return { prompt, decisions, ...(blocked ? { blocked } : {}), ...(safeReply ? { safeReply } : {}) };
  }

  /** The routed call, its moderated deltas yielded as they are released; returns the call's end. */
  private async *streamCall(
    prompt: ChatMessage[],
    request: ModelComplete,
    output: ModeratedOutput,
    strategy: string | undefined,
  ): AsyncGenerator<ChatCompletionDelta, ModelCompletionEnd, undefined> {
    const routing = this.routing();
    const queue: string[] = [];
    let wake: (() => void) | undefined;
    let done = false;
    let failure: unknown;
    let end: ModelCompletionEnd | undefined;
    const notify = () => {
      wake?.();
      wake = undefined;
    };
    const lastUser = [...prompt].reverse().find((m) => m.role === 'user')?.content ?? '';
    const language = languageOf(lastUser, { tenant: tenantLanguage(this.deps.options, this.msg.tenant) }).language;
    const call = this.steps
      .run('model', async () => {
        const plan = routing.router.route({
          tenant: this.msg.tenant,
          // The sticky A/B key: the caller's user when named, else this request alone.
          sessionKey: `${this.msg.tenant}~chat-${this.msg.userId ?? this.taskId}`,
          text: lastUser,
          ...(language ? { language } : {}),
          ...(strategy ? { strategy } : {}),
        });
        const sink = {
          push: (text: string) => {
            const released = output.push(text);
            if (released !== undefined) {
              if (output.sent === released) this.deps.metrics?.firstDeltaSent?.('chat', performance.now() - this.startedAt);
              queue.push(released);
              notify();
            }
            return !output.blocked;
          },
          sentChars: () => output.sent.length,
          switched: async () => undefined, // journaled; the continuation streams on in the same completion
        };
        const result = await routedCall(this.ctx, plan, request, sink, {
          timeoutMs: this.deps.options.modelTimeoutMs,
          health: routing.health,
          contextWindows: routing.options.contextWindows,
          continueStreams: routing.options.continueStreams,
          continueInstruction: routing.options.continueInstruction,
        });
        this.journal = result.journal;
        end = result.end;
      })
      .catch((error: unknown) => {
        failure = error;
      })
      .finally(() => {
        done = true;
        notify();
      });
    for (;;) {
      const text = queue.shift();
      if (text !== undefined) {
        this.sent += text;
        yield { text };
        continue;
      }
      if (done) break;
      await new Promise<void>((resolve) => {
        wake = resolve;
      });
    }
    await call;
    if (failure !== undefined) throw failure;
    return end ?? { model: this.deps.options.model, usage: { promptTokens: 0, completionTokens: 0 }, finishReason: 'stop' };
  }

  /** A lost settle only keeps the reservation charged (the tenant pays the estimate): it does not fail the request. */
  private async settle(used: number): Promise<void> {
    if (this.reserved === 0) return;
    await this.limiter()
      .settle(this.ctx, this.reservation, this.reserved, used)
      .catch(() => undefined);
  }

  private async completed(end: ChatCompletionEnd, routing: Record<string, unknown>): Promise<void> {
    await this.deps.store.tasks.updateStatus(this.taskId, {
      status: 'completed',
      steps: this.steps.toTaskSteps(),
      usage: {
        promptTokens: end.usage.promptTokens,
        completionTokens: end.usage.completionTokens,
        totalTokens: end.usage.promptTokens + end.usage.completionTokens,
      },
      routing: { ...routing, model: end.model, finishReason: end.finishReason },
    });
  }

  private async failed(error: unknown): Promise<void> {
    const wire = toWireError(error);
    const cancelled = this.ctx.signal.aborted || wire.code === WARREN_ERROR_CODES.CANCELLED;
    await this.deps.store.tasks
      .updateStatus(this.taskId, {
        status: cancelled ? 'interrupted' : 'failed',
        steps: this.steps.toTaskSteps(),
        error: cancelled
          ? { code: WARREN_ERROR_CODES.CANCELLED, message: 'the client went away' }
          : { code: wire.code, message: wire.message },
        ...(this.journal ? { routing: { ...this.journal } } : {}),
      })
      .catch(() => undefined);
  }
}
