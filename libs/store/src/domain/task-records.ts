import type { NewTask, TaskRecord, TaskStatus, TaskStep, TaskUpdate } from '../ports/task.port';
import { assertActorAddress } from './address';
import { invalid, optionalId, requireDate, requireId } from './input-checks';
import { stripUndefined } from './strip-undefined';
import { TASK_TRANSITIONS } from './task-transitions';

/** A validated update with its time fixed. */
export interface ResolvedTaskUpdate extends TaskUpdate {
  at: Date;
}

/** Validates a new task and builds its first record. */
export function newTaskRecord(input: NewTask, now: Date = new Date()): TaskRecord {
  const status = input.status ?? 'accepted';
  if (status !== 'accepted' && status !== 'queued' && status !== 'running') {
    invalid('status', 'of a new task must be accepted, queued or running');
  }
  if (input.actor !== undefined) assertActorAddress(input.actor);
  const at = requireDate('at', input.at, now);
  return stripUndefined({
    id: requireId('id', input.id),
    clientTaskId: optionalId('clientTaskId', input.clientTaskId),
    tenant: requireId('tenant', input.tenant, 128),
    sessionId: optionalId('sessionId', input.sessionId),
    userId: optionalId('userId', input.userId),
    actor: input.actor,
    status,
    steps: [],
    // A task created running (its actor starts it at once) was accepted at the same instant.
    transitions:
      status === 'running'
        ? [
            { status: 'accepted', at },
            { status, at },
          ]
        : [{ status, at }],
    routing: optionalObject('routing', input.routing),
    createdAt: at,
    updatedAt: at,
  });
}

/** Validates an update (status, steps) and fixes its time. */
export function resolveTaskUpdate(update: TaskUpdate, now: Date = new Date()): ResolvedTaskUpdate {
  TASK_TRANSITIONS.assertStatus(update?.status);
  for (const [i, step] of (update.steps ?? []).entries()) validateStep(`steps[${i}]`, step);
  optionalObject('routing', update.routing);
  optionalObject('usage', update.usage);
  optionalObject('error', update.error);
  return { ...update, at: requireDate('at', update.at, now) };
}

/** Applies a validated update to a task; throws `InvalidTransitionError` when the move is not allowed. */
export function applyTaskUpdate(task: TaskRecord, update: ResolvedTaskUpdate): TaskRecord {
  TASK_TRANSITIONS.assertMove(task.status, update.status);
  return stripUndefined({
    ...task,
    status: update.status,
    steps: [...task.steps, ...(update.steps ?? [])],
    transitions: task.status === update.status ? task.transitions : [...task.transitions, { status: update.status, at: update.at }],
    routing: update.routing ?? task.routing,
    usage: update.usage ?? task.usage,
    error: update.error ?? task.error,
    updatedAt: update.at,
  });
}

/** Statuses from which `to` may be reached (the filter of an atomic update). */
export function taskSourcesOf(to: TaskStatus): TaskStatus[] {
  return TASK_TRANSITIONS.sourcesOf(to);
}

function validateStep(field: string, step: TaskStep): void {
  requireId(`${field}.name`, step?.name, 128);
  requireDate(`${field}.startedAt`, step.startedAt);
  if (step.endedAt !== undefined) requireDate(`${field}.endedAt`, step.endedAt);
  if (step.durationMs !== undefined && !(Number.isFinite(step.durationMs) && step.durationMs >= 0)) {
    invalid(`${field}.durationMs`, 'must be a non-negative number');
  }
}

function optionalObject<T>(field: string, value: T | undefined): T | undefined {
  if (value !== undefined && (value === null || typeof value !== 'object' || Array.isArray(value))) invalid(field, 'must be an object');
  return value;
}
