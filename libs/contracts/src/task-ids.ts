import { createHash } from 'node:crypto';

/** Prefix of the task ids the ingress router scopes (see {@link scopedTaskId}). */
export const SCOPED_TASK_PREFIX = 'in-';

/**
 * The task id of a raw producer's turn: its CloudEvent id scoped to the tenant and the session, so
 * two sessions (or tenants) that reuse an id never share a task. Deterministic: a redelivery or a
 * retry with the same id gets the same task, and an interrupt naming the id finds it. The producer
 * keeps seeing its own id (`x-warren-client-task-id`, `data.taskId` of the turn's events).
 */
export function scopedTaskId(tenant: string, sessionId: string, clientTaskId: string): string {
  const digest = createHash('sha256')
    .update(JSON.stringify([tenant, sessionId, clientTaskId]), 'utf8')
    .digest('base64url');
  return `${SCOPED_TASK_PREFIX}${digest}`;
}
