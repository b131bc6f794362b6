/**
 * How a session turn ends: completed (or blocked), interrupted, or failed. Each end is staged
 * for the turn's ONE commit (the runtime's save of the session's state and processed id): the
 * task's final state with its steps, the history parts, and the outbox of what goes out after
 * it (the `reply`/`interrupted`/`failed` event, the limiter's settle, the intent actor's
 * `TurnEvent`). So a crash never leaves a final task without its event: the commit holds both,
 * and the outbox is published again until the broker confirmed it.
 */

import { isRetryable } from '@warren/actors';
import {
  RemoteError,
  SESSION_EVENT_TYPES,
  type SessionEventData,
  type SessionEventKind,
  safeMessageId,
  sessionEventKey,
  toWireError,
  WARREN_ERROR_CODES,
} from '@warren/contracts';
import type { NewTurnPart, TaskRecord, TaskUpdate } from '@warren/store';
import { otelContext, traceIdOf } from '@warren/telemetry';
import { failedEventExtras, userMessageFor } from './failure-messages';
import { intentNeeded } from './intent-gate';
import { normalizeText } from './text-normalizer';
import { type TurnEnd, tellTurnEnded } from './turn-event';
import { logTurnEnd } from './turn-log';
import type { Answer, Prepared } from './turn-results';
import type { TurnScope } from './turn-scope';

/** A completed (or blocked) turn: user and assistant parts, the task completed, the reply. */
export async function complete(turn: TurnScope, prepared: Prepared, answer: Answer): Promise<void> {
  const total = answer.usage.promptTokens + answer.usage.completionTokens;
  endTurn(
    turn,
    [
      turn.userPart(prepared.text),
      {
        ...turn.ref(),
        id: `${turn.taskId}:assistant`,
        role: 'assistant',
        content: answer.text,
        model: answer.model,
        tokens: { prompt: answer.usage.promptTokens, completion: answer.usage.completionTokens, total },
        taskId: turn.taskId,
      },
    ],
    {
      status: 'completed',
      steps: turn.steps.toTaskSteps(),
      usage: { promptTokens: answer.usage.promptTokens, completionTokens: answer.usage.completionTokens, totalTokens: total },
      routing: {
        ...(answer.routing ?? {}),
        traceId: traceIdOf(otelContext.active()),
        model: answer.model,
        strategy: prepared.blocked ? 'moderation' : answer.cached ? 'cache' : (answer.routing?.strategy ?? 'static'),
        ...(prepared.cache
          ? {
              cache: {
                hit: prepared.cache.hit !== undefined,
                key: prepared.cache.key,
                mode: turn.deps.cache?.options.mode ?? 'exact',
                // How a hit matched: the same normalised question, or one close in meaning (its cosine similarity).
                ...(prepared.cache.hit
                  ? prepared.cache.similarity !== undefined
                    ? { match: 'semantic', similarity: Math.round(prepared.cache.similarity * 1000) / 1000 }
                    : { match: 'exact' }
                  : {}),
              },
            }
          : {}),
        language: prepared.language,
        languageSource: prepared.languageSource,
        moderation: {
          in: prepared.moderationIn,
          redactedIn: prepared.redactedIn,
          out: answer.moderationOut,
          blocked: prepared.blocked?.categories,
        },
      },
    },
  );
  turn.emitAfterCommit('reply', SESSION_EVENT_TYPES.REPLY, {
    taskId: turn.clientTaskId,
    text: answer.text,
    model: answer.model,
    usage: answer.usage,
    ...(prepared.language ? { language: prepared.language } : {}),
    ...(answer.moderated || prepared.redactedIn ? { moderated: true } : {}),
    ...(answer.cached ? { cached: true } : {}),
    ...(prepared.citations && prepared.citations.length > 0 ? { citations: prepared.citations } : {}),
  });
  settle(turn, prepared, answer);
  await tellIntent(turn, {
    text: prepared.text,
    reply: answer.text,
    outcome: prepared.blocked ? 'blocked' : 'completed',
    ...(prepared.language ? { language: prepared.language } : {}),
  });
  turn.deps.metrics?.turnEnded(prepared.blocked ? 'blocked' : 'completed');
  turn.deps.metrics?.turnDuration(performance.now() - turn.startedAt);
  logTurnEnd(turn, prepared.blocked ? 'blocked' : 'completed', { model: answer.model });
}

/** An interrupted turn: the user part, what was streamed marked `interrupted`, the `interrupted` event. */
export async function endInterrupted(turn: TurnScope, userText: string, partial = '', prepared?: Prepared): Promise<void> {
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
  endTurn(turn, parts, failedUpdate(turn, 'interrupted', { code: WARREN_ERROR_CODES.CANCELLED, message: 'interrupted by the user' }));
  turn.emitAfterCommit('interrupted', SESSION_EVENT_TYPES.INTERRUPTED, { taskId: turn.clientTaskId, partialText: partial });
  settle(turn, prepared);
  await tellIntent(turn, { text: userText, ...(partial ? { reply: partial } : {}), outcome: 'interrupted' });
  turn.deps.metrics?.turnEnded('interrupted');
  logTurnEnd(turn, 'interrupted');
}

/**
 * A failed turn. While retries may help (a model that failed, a timeout), the error goes back to
 * the runtime, which runs the turn again in place; nothing is committed. When it is final the task
 * is failed and the user gets a `failed` event. Expected refusals (rate limit, budget) end there,
 * in the turn's commit; unexpected errors are committed now (`ctx.commit()`: the user is told
 * before anything else happens) and thrown on to the dead-letter queue.
 */
export async function fail(turn: TurnScope, error: unknown, prepared: Prepared | undefined): Promise<void> {
  const wire = toWireError(error);
  const expected = wire.code === WARREN_ERROR_CODES.RATE_LIMITED || wire.code === WARREN_ERROR_CODES.BUDGET_EXCEEDED;
  if (!expected && isRetryable(error) && turn.ctx.attempt < turn.deps.options.maxAttempts) throw error;
  const text = prepared?.text ?? normalizeText(turn.msg.text);
  endTurn(turn, [turn.userPart(text)], failedUpdate(turn, 'failed', { code: wire.code, message: wire.message }));
  turn.emitAfterCommit('failed', SESSION_EVENT_TYPES.FAILED, {
    taskId: turn.clientTaskId,
    code: wire.code,
    message: userMessageFor(wire.code, error),
    ...failedEventExtras(wire.code, error),
  });
  settle(turn, prepared);
  await tellIntent(turn, { text, outcome: 'failed', errorCode: wire.code });
  turn.deps.metrics?.turnEnded('failed');
  logTurnEnd(turn, 'failed', { code: wire.code });
  if (expected) return;
  await turn.ctx.commit();
  throw error;
}

/**
 * Tells the limiter what the turn really used (`ModelCall#settle`): a lease is corrected in
 * process; a per-request reservation gets a `LimiterSettle` in the turn's outbox (sent once the
 * end is committed, so a turn run again never settles twice). A cached answer costs what was
 * reserved for it (`cache.hitTokens`).
 */
export function settle(turn: TurnScope, prepared: Prepared | undefined, answer?: Answer): void {
  const partial = answer ? undefined : { usage: { promptTokens: 0, completionTokens: 0 }, text: turn.streamed };
  turn.model.settle(turn.reservation(), prepared?.reservation, answer ?? partial, answer?.cached ?? false);
}

/**
 * A message whose task has already ended (sent again after its id left the session's processed
 * window, or redelivered after a crash between a committed failure and its dead letter): the
 * user gets the turn's outcome again (rebuilt from the task and the history, event id
 * `<message id>:answer`) instead of silence. A failure is thrown on to the dead-letter queue (the
 * keeper keeps one record per message id, so a repeat adds nothing).
 */
export async function answerAgain(turn: TurnScope, task: TaskRecord): Promise<void> {
  const id = safeMessageId(`${turn.ctx.messageId}:answer`);
  const emit = <K extends SessionEventKind>(kind: K, type: string, data: SessionEventData[K]) =>
    turn.ctx.emit(sessionEventKey(turn.sessionId, kind), type, data, { subject: turn.sessionId, id });
  const taskId = task.clientTaskId ?? turn.clientTaskId;
  if (task.status === 'completed' || task.status === 'interrupted') {
    const page = await turn.deps.store.history.page({ tenant: turn.tenant, sessionId: turn.sessionId }, { limit: 200, order: 'desc' });
    const assistant = page.items.find((p) => p.id === `${turn.taskId}:assistant`);
    if (task.status === 'interrupted')
      await emit('interrupted', SESSION_EVENT_TYPES.INTERRUPTED, { taskId, partialText: assistant?.content ?? '' });
    else
      await emit('reply', SESSION_EVENT_TYPES.REPLY, {
        taskId,
        text: assistant?.content ?? '',
        model: assistant?.model ?? (task.routing?.model as string | undefined) ?? turn.deps.options.model,
        usage: { promptTokens: task.usage?.promptTokens ?? 0, completionTokens: task.usage?.completionTokens ?? 0 },
      });
    return;
  }
  const code = task.error?.code ?? WARREN_ERROR_CODES.INTERNAL;
  await emit('failed', SESSION_EVENT_TYPES.FAILED, { taskId, code, message: userMessageFor(code, undefined) });
  if (task.status === 'failed' && task.error && code !== WARREN_ERROR_CODES.RATE_LIMITED && code !== WARREN_ERROR_CODES.BUDGET_EXCEEDED) {
    throw new RemoteError('TurnFailed', task.error.message, code, false);
  }
}

/** The turn's end in its commit: the history parts and the task's final state. */
function endTurn(turn: TurnScope, parts: NewTurnPart[], update: TaskUpdate): void {
  turn.ctx.commitWith({ task: { create: turn.newTask(), update }, history: parts });
}

function failedUpdate(turn: TurnScope, status: 'failed' | 'interrupted', error: { code: string; message: string }): TaskUpdate {
  return {
    status,
    steps: turn.steps.toTaskSteps(),
    error,
    ...(turn.routingJournal ? { routing: { ...turn.routingJournal, traceId: traceIdOf(otelContext.active()) } } : {}),
  };
}

/** The intent actor hears of the turn when it has something to do with it (see `intentNeeded`). */
async function tellIntent(turn: TurnScope, end: Pick<TurnEnd, 'text' | 'reply' | 'language' | 'outcome' | 'errorCode'>): Promise<void> {
  if (!turn.deps.options.proactive) return;
  const full: TurnEnd = {
    ...end,
    tenant: turn.tenant,
    sessionId: turn.sessionId,
    taskId: turn.taskId,
    ...(turn.msg.userId ? { userId: turn.msg.userId } : {}),
  };
  const state = turn.ctx.state ?? {};
  turn.ctx.state = state;
  if (await intentNeeded(turn.deps.intents, state, full)) tellTurnEnded(turn.ctx, full);
}
