import { type Context, context, createContextKey } from '@opentelemetry/api';

/** Where the id of the task being worked on travels in the active context (logs read it). */
const TASK_ID_KEY = createContextKey('warren.task_id');

/** `ctx` with the task id `taskId` (unchanged when undefined). */
export function withTaskId(ctx: Context, taskId: string | undefined): Context {
  return taskId === undefined ? ctx : ctx.setValue(TASK_ID_KEY, taskId);
}

/** The task id of `ctx` (default: the active context), or undefined. */
export function taskIdOf(ctx: Context = context.active()): string | undefined {
  const v = ctx.getValue(TASK_ID_KEY);
  return typeof v === 'string' ? v : undefined;
}
