import type { ActorContext } from '@warren/actors';
import {
  type DeadLettered,
  messageTypeOf,
  SESSION_EVENT_TYPES,
  type SessionFailedData,
  SessionMessage,
  sessionEventKey,
} from '@warren/contracts';
import type { WarrenStore } from '@warren/store';
import { userMessageFor } from './failure-messages';
import type { SessionState } from './session-state';
import { isFinal, type TurnMetrics } from './session-turn.types';

const TURN_TYPE = messageTypeOf(SessionMessage);

/**
 * A session's compensation for one of its turns that was dead-lettered (`DeadLettered` from the
 * keeper). A turn that failed for good has already marked its task `failed` and told the user
 * before it was dead-lettered (`fail` in turn-outcomes.ts): nothing more happens, so the user gets
 * exactly one `failed` event. A turn that never got that far (a crash loop killed it mid-turn,
 * its state could not be loaded) still has a task that is not final: the user is told
 * (`session.<id>.failed`, a presentable message for the error code) and the task is marked
 * `failed` with the error. Notices for other message types, for tasks of another session, or
 * without a task are ignored.
 */
export async function compensateTurn(
  notice: DeadLettered,
  ctx: ActorContext<SessionState>,
  deps: { store: WarrenStore; metrics?: TurnMetrics },
): Promise<void> {
  if (notice.messageType !== TURN_TYPE || !notice.taskId) return;
  const sep = ctx.key.indexOf('~');
  const tenant = ctx.key.slice(0, sep);
  const sessionId = ctx.key.slice(sep + 1);
  const task = await deps.store.tasks.get(notice.taskId);
  if (task && (task.tenant !== tenant || (task.sessionId !== undefined && task.sessionId !== sessionId))) return;
  if (task && isFinal(task.status)) return;
  // One commit: the task failed (created when the turn died before it started) and the event in
  // the outbox, published once both are durable and again until confirmed.
  ctx.commitWith({
    task: {
      create: { id: notice.taskId, tenant, sessionId, actor: ctx.self },
      update: { status: 'failed', error: { code: notice.error.code, message: notice.error.message } },
    },
  });
  await ctx.emit(
    sessionEventKey(sessionId, 'failed'),
    SESSION_EVENT_TYPES.FAILED,
    {
      taskId: task?.clientTaskId ?? notice.taskId,
      code: notice.error.code,
      message: userMessageFor(notice.error.code, undefined),
    } satisfies SessionFailedData,
    { subject: sessionId, afterCommit: true },
  );
  if (ctx.state?.current === notice.taskId) ctx.state.current = undefined;
  deps.metrics?.turnEnded('failed');
}
