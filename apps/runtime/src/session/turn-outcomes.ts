/**
 * How a session turn ends: completed (or blocked), interrupted, or failed. Each writes the history
 * and the task's final status, tells the user and the intent actor, and settles the limiter's
 * reservation (`settle`) once the final status is written.
 */

import { isRetryable } from '@warren/actors';
import { SESSION_EVENT_TYPES, toWireError, WARREN_ERROR_CODES } from '@warren/contracts';
import { countTokens } from '@warren/models';
import type { NewTurnPart } from '@warren/store';
import { failedEventExtras, userMessageFor } from './failure-messages';
import { PER_REQUEST } from './limiter-reservation';
import { isFinal } from './session-turn.types';
import { normalizeText } from './text-normalizer';
import { type TurnEnd, tellTurnEnded } from './turn-event';
import type { Answer, Prepared } from './turn-results';
import type { TurnScope } from './turn-scope';

export async function complete(turn: TurnScope, prepared: Prepared, answer: Answer): Promise<void> {
  await turn.steps.run('write-back', () =>
    turn.deps.store.history.append([
      turn.userPart(prepared.text),
      {
        ...turn.ref(),
        id: `${turn.taskId}:assistant`,
        role: 'assistant',
        content: answer.text,
        model: answer.model,
        tokens: {
          prompt: answer.usage.promptTokens,
          completion: answer.usage.completionTokens,
          total: answer.usage.promptTokens + answer.usage.completionTokens,
        },
        taskId: turn.taskId,
      },
    ]),
  );
  await turn.deps.store.tasks.updateStatus(turn.taskId, {
    status: 'completed',
    steps: turn.steps.toTaskSteps(),
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
  const reply = turn.emit('reply', SESSION_EVENT_TYPES.REPLY, {
    taskId: turn.taskId,
    text: answer.text,
    model: answer.model,
    usage: answer.usage,
    ...(prepared.language ? { language: prepared.language } : {}),
    ...(answer.moderated || prepared.redactedIn ? { moderated: true } : {}),
    ...(answer.cached ? { cached: true } : {}),
  });
  const after = Promise.all([
    settle(turn, prepared, answer),
    tellIntent(turn, {
      text: prepared.text,
      reply: answer.text,
      outcome: prepared.blocked ? 'blocked' : 'completed',
      ...(prepared.language ? { language: prepared.language } : {}),
    }),
  ]);
  after.catch(() => undefined); // awaited below; this only keeps it from counting as unhandled meanwhile
  await reply;
  turn.deps.metrics?.stepDuration('notify', performance.now() - notifyStart);
  turn.deps.metrics?.turnEnded(prepared.blocked ? 'blocked' : 'completed');
  turn.deps.metrics?.turnDuration(performance.now() - turn.startedAt);
  await after;
}

export async function endInterrupted(turn: TurnScope, userText: string, partial = ''): Promise<void> {
  const parts: NewTurnPart[] = [turn.userPart(userText)];
  if (partial.length > 0) {
    parts.push({
      ...turn.ref(),
      id: `${turn.taskId}:assistant`,
      role: 'assistant',
      content: partial,
      taskId: turn.taskId,
      status: 'interrupted',
    });
  }
  await turn.deps.store.history.append(parts);
  await setFinal(turn, 'interrupted', { code: WARREN_ERROR_CODES.CANCELLED, message: 'interrupted by the user' });
  await turn.emit('interrupted', SESSION_EVENT_TYPES.INTERRUPTED, { taskId: turn.taskId, partialText: partial });
  turn.deps.metrics?.turnEnded('interrupted');
  await tellIntent(turn, { text: userText, ...(partial ? { reply: partial } : {}), outcome: 'interrupted' });
}

/**
 * A failed turn. While retries may help (a model that failed, a timeout), the error goes back
 * to the runtime, which runs the turn again in place. When it is final: the task is failed,
 * the user gets a `failed` event, and unexpected errors go on to the dead letters.
 */
export async function fail(turn: TurnScope, error: unknown, prepared: Prepared | undefined): Promise<void> {
  const wire = toWireError(error);
  const expected = wire.code === WARREN_ERROR_CODES.RATE_LIMITED || wire.code === WARREN_ERROR_CODES.BUDGET_EXCEEDED;
  if (!expected && isRetryable(error) && turn.ctx.attempt < turn.deps.options.maxAttempts) throw error;
  await turn.deps.store.history.append([turn.userPart(prepared?.text ?? normalizeText(turn.msg.text))]);
  await setFinal(turn, 'failed', { code: wire.code, message: wire.message });
  await settle(turn, prepared);
  await turn.emit('failed', SESSION_EVENT_TYPES.FAILED, {
    taskId: turn.taskId,
    code: wire.code,
    message: userMessageFor(wire.code, error),
    ...failedEventExtras(wire.code, error),
  });
  turn.deps.metrics?.turnEnded('failed');
  await tellIntent(turn, { text: prepared?.text ?? normalizeText(turn.msg.text), outcome: 'failed', errorCode: wire.code });
  if (!expected) throw error;
}

/**
 * Tells the limiter what the turn really used, so it refunds or charges the difference to the
 * reservation: the model's reported usage; for an interrupted or failed call, the prompt plus
 * what was streamed (nothing when nothing was streamed: a refused or unreachable endpoint bills
 * nothing). Called once the task's final status is written (see `SessionTurn`'s comment). A lost
 * settle only keeps the reservation charged (the tenant pays the estimate), so its failure does
 * not fail the turn.
 */
export async function settle(turn: TurnScope, prepared: Prepared | undefined, answer?: Answer): Promise<void> {
  const r = prepared?.reservation;
  if (!r) return;
  const reported = answer ? answer.usage.promptTokens + answer.usage.completionTokens : 0;
  const partial = answer?.text ?? turn.streamed;
  // A cached answer costs what was reserved for it (cache.hitTokens), whatever its length.
  const used = answer?.cached ? r.reserved : reported > 0 ? reported : partial.length > 0 ? r.promptTokens + countTokens(partial) : 0;
  await (turn.deps.limiter ?? PER_REQUEST).settle(turn.ctx, turn.reservation(), r.reserved, used).catch(() => undefined);
}

/** The intent actor hears of every ended turn (proactive messages); off with `proactive.enabled: false`. */
async function tellIntent(turn: TurnScope, end: Pick<TurnEnd, 'text' | 'reply' | 'language' | 'outcome' | 'errorCode'>): Promise<void> {
  if (!turn.deps.options.proactive) return;
  await tellTurnEnded(turn.ctx, {
    ...end,
    tenant: turn.tenant,
    sessionId: turn.sessionId,
    taskId: turn.taskId,
    ...(turn.msg.userId ? { userId: turn.msg.userId } : {}),
  });
}

async function setFinal(turn: TurnScope, status: 'failed' | 'interrupted', error: { code: string; message: string }): Promise<void> {
  const task = await turn.deps.store.tasks.get(turn.taskId);
  if (!task || isFinal(task.status)) return;
  await turn.deps.store.tasks.updateStatus(turn.taskId, {
    status,
    steps: turn.steps.toTaskSteps(),
    error,
    ...(turn.routingJournal ? { routing: { ...turn.routingJournal } } : {}),
  });
}
