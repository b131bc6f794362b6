import { Logger } from '@nestjs/common';
import type { ActorContext } from '@warren/actors';
import {
  CancelledError,
  type ChatComplete,
  type ChatCompletionDelta,
  type ChatCompletionEnd,
  type ChatMessage,
  ModelComplete,
  toWireError,
  WARREN_ERROR_CODES,
} from '@warren/contracts';
import type { ModerationDecision, Moderator } from '@warren/moderation';
import type { WarrenStore } from '@warren/store';
import { languageOf } from '../session/language';
import type { LimiterReservation, TokenReserver } from '../session/limiter-reservation';
import { type ModelAnswer, ModelCall, type Reservation } from '../session/model-call';
import { type SessionOptions, tenantLanguage } from '../session/session.options';
import { SessionRouting } from '../session/session-routing';
import type { TurnMetrics } from '../session/session-turn.types';
import { TurnSteps } from '../session/turn-steps';
import type { ToolOptions } from '../tools/tool-options';
import { chatTarget } from './chat-target';

const log = new Logger('ChatCompletion');

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
  /** Warren-hosted tools (`tools:`): the tenant's are offered besides the caller's own; absent: only the caller's. */
  tools?: ToolOptions;
}

/**
 * One stateless chat completion, the one-shot form of a session turn on the same steps
 * (`ModelCall`, shared with session turns): moderation in (blocked → the safe reply,
 * `finishReason: 'content_filter'`, no model call) → `limiter/<tenant>` reservation → the routed
 * model call (fallbacks, health, journal) with each delta through output moderation (held back
 * until nothing later can block or mask it) → moderation out (blocked → the safe reply, marked
 * `moderated`, `finishReason: 'content_filter'`) → settle. The caller sends the conversation; no
 * history is written. The task (`ctx.taskId`) records the steps, usage and routing journal. A
 * cancelled task (the HTTP client went away) aborts `ctx.signal`: the model call stops and the
 * task ends `interrupted`. Tools: the tenant's Warren-hosted tools are run here (rounds, as in a
 * session turn); the caller's own (`msg.tools`) are passed on, and a call to one ends the completion
 * with `finishReason: 'tool_calls'` for the caller to run.
 */
export class ChatCompletion {
  private readonly taskId: string;
  private readonly steps: TurnSteps;
  private readonly reservation: LimiterReservation;
  private readonly model: ModelCall;
  private reserved: Reservation | undefined;
  private readonly startedAt = performance.now();

  constructor(
    private readonly deps: ChatDeps,
    private readonly msg: ChatComplete,
    private readonly ctx: ActorContext,
  ) {
    this.taskId = ctx.taskId ?? ctx.messageId;
    this.steps = new TurnSteps((name, ms) => deps.metrics?.stepDuration(name, ms));
    this.model = new ModelCall(deps, ctx, this.steps);
    this.reservation = { tenant: msg.tenant, reservationId: this.taskId, ...(msg.userId ? { userId: msg.userId } : {}) };
  }

  async *run(): AsyncGenerator<ChatCompletionDelta, ChatCompletionEnd, undefined> {
    const { store, moderator } = this.deps;
    const routing = this.deps.routing ?? SessionRouting.fromConfig({}, this.deps.options.model);
    const target = chatTarget(this.msg.model, routing.options, this.deps.endpoints);
    await store.tasks.create({
      id: this.taskId,
      tenant: this.msg.tenant,
      ...(this.msg.userId ? { userId: this.msg.userId } : {}),
      actor: this.ctx.self,
      status: 'running',
    });
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
      this.reserved = await this.model.reserve(this.reservation, checked.prompt, maxTokens);
      const request = Object.assign(new ModelComplete(), {
        messages: checked.prompt,
        maxTokens,
        ...(this.msg.temperature === undefined ? {} : { temperature: this.msg.temperature }),
      });
      const answer = yield* this.streamCall(checked.prompt, request, target.strategy);
      // The client's cancel reaches every node at once: the model may end its stream as
      // 'cancelled' (an outcome, not an error) before this handler sees its own signal.
      if (this.ctx.signal.aborted || answer.finishReason === 'cancelled') throw new CancelledError('the client went away');
      this.model.settle(this.reservation, this.reserved, answer);
      this.reserved = undefined;
      const end: ChatCompletionEnd = {
        model: answer.model,
        usage: answer.usage,
        finishReason: answer.blocked
          ? 'content_filter'
          : answer.toolCalls
            ? 'tool_calls'
            : answer.finishReason === 'length'
              ? 'length'
              : 'stop',
        ...(answer.toolCalls && !answer.blocked ? { toolCalls: answer.toolCalls } : {}),
      };
      await this.completed(end, {
        ...answer.journal,
        strategy: answer.journal.strategy ?? 'static',
        target: target.kind,
        moderation: { in: checked.decisions, out: answer.decisions, ...(answer.blocked ? { blockedOut: true } : {}) },
      });
      return end;
    } catch (error) {
      this.model.settle(this.reservation, this.reserved);
      await this.failed(error);
      throw error;
    }
  }

  /** Input moderation of every user message (the caller may put anything in earlier turns): masked text, or the categories that block. */
  private moderateIn(): { prompt: ChatMessage[]; decisions: ModerationDecision[]; blocked?: string[]; safeReply?: string } {
    const prompt: ChatMessage[] = [];
    const decisions: ModerationDecision[] = [];
    let blocked: string[] | undefined;
    let safeReply: string | undefined;
    for (const m of this.msg.messages) {
      if (m.role !== 'user') {
        prompt.push({
          role: m.role,
          content: m.content,
          ...(m.toolCalls ? { toolCalls: m.toolCalls } : {}),
          ...(m.toolCallId ? { toolCallId: m.toolCallId } : {}),
        });
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

  /** The shared model step, its moderated deltas yielded as they are released; returns the answer. */
  private async *streamCall(
    prompt: ChatMessage[],
    request: ModelComplete,
    strategy: string | undefined,
  ): AsyncGenerator<ChatCompletionDelta, ModelAnswer, undefined> {
    const queue: ChatCompletionDelta[] = [];
    let wake: (() => void) | undefined;
    let done = false;
    const notify = () => {
      wake?.();
      wake = undefined;
    };
    let first = true;
    const lastUser = [...prompt].reverse().find((m) => m.role === 'user')?.content ?? '';
    const language = languageOf(lastUser, { tenant: tenantLanguage(this.deps.options, this.msg.tenant) }).language;
    const route = {
      tenant: this.msg.tenant,
      // The sticky A/B key: the caller's user when named, else this request alone.
      sessionKey: `${this.msg.tenant}~chat-${this.msg.userId ?? this.taskId}`,
      text: lastUser,
      ...(language ? { language } : {}),
      ...(strategy ? { strategy } : {}),
    };
    const tools = {
      scope: { tenant: this.msg.tenant, ...(this.msg.userId ? { userId: this.msg.userId } : {}) },
      ...(this.msg.tools ? { client: this.msg.tools } : {}),
      ...(this.msg.toolChoice ? { choice: this.msg.toolChoice } : {}),
    };
    const call = this.model
      .call(
        request,
        route,
        {
          onDelta: (text, moderated) => {
            if (first) this.deps.metrics?.firstDeltaSent?.('chat', performance.now() - this.startedAt);
            first = false;
            queue.push(moderated ? { text, moderated } : { text });
            notify();
          },
        },
        tools,
      )
      .finally(() => {
        done = true;
        notify();
      });
    call.catch(() => undefined); // awaited below, once the queue is drained
    for (;;) {
      const delta = queue.shift();
      if (delta !== undefined) {
        yield delta;
        continue;
      }
      if (done) break;
      await new Promise<void>((resolve) => {
        wake = resolve;
      });
    }
    return call;
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

  /** The task ends failed, or interrupted when the client went away. A failed write is logged, never thrown over the error. */
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
        ...(this.model.journal ? { routing: { ...this.model.journal } } : {}),
      })
      .catch((err: unknown) => log.warn(`chat task ${this.taskId}: could not record its end: ${(err as Error).message}`));
  }
}
