import type { CommitWrites, OutboxEntry, TaskCommit } from '../ports/actor-state.port';
import type { TurnPart } from '../ports/history.port';
import type { TaskRecord, TaskStatus } from '../ports/task.port';
import { normaliseTurnParts } from './history-records';
import { invalid, requireId } from './input-checks';
import { applyTaskUpdate, newTaskRecord, type ResolvedTaskUpdate, resolveTaskUpdate } from './task-records';

/** A task commit with its new record built and its update validated (before the transaction starts). */
export interface ResolvedTaskCommit {
  id: string;
  created: TaskRecord;
  update: ResolvedTaskUpdate;
}

/** Commit writes validated and normalised: what an adapter writes inside the commit. */
export interface ResolvedCommitWrites {
  task?: ResolvedTaskCommit;
  history?: TurnPart[];
}

/** Statuses after which a task is not moved again by a commit (the first end wins). */
const ENDED: ReadonlySet<TaskStatus> = new Set(['completed', 'failed', 'compensated', 'interrupted']);

/** Validates a commit's writes; throws `InvalidOptionsError` naming the bad field. */
export function resolveCommitWrites(writes: CommitWrites | undefined, now: Date = new Date()): ResolvedCommitWrites | undefined {
  if (writes === undefined) return undefined;
  const resolved: ResolvedCommitWrites = {};
  if (writes.task !== undefined) resolved.task = resolveTaskCommit(writes.task, now);
  if (writes.history !== undefined && writes.history.length > 0) resolved.history = normaliseTurnParts(writes.history, now);
  return resolved;
}

function resolveTaskCommit(commit: TaskCommit, now: Date): ResolvedTaskCommit {
  const created = newTaskRecord({ status: 'running', ...commit.create, at: commit.create.at ?? now }, now);
  return { id: created.id, created, update: resolveTaskUpdate(commit.update, now) };
}

/**
 * The task record a commit writes: the stored one (or the new one) moved by the update, through
 * `running` when it had not started (a turn ended before it was marked running); `undefined` when
 * the stored task has already ended (a compensation or another run ended it first: left as it is).
 */
export function committedTask(stored: TaskRecord | undefined, commit: ResolvedTaskCommit): TaskRecord | undefined {
  if (stored !== undefined && ENDED.has(stored.status)) return undefined;
  let task = stored ?? commit.created;
  const to = commit.update.status;
  if ((task.status === 'accepted' || task.status === 'queued') && to !== 'running' && to !== 'failed' && to !== 'interrupted') {
    task = applyTaskUpdate(task, { status: 'running', at: commit.update.at });
  }
  return applyTaskUpdate(task, commit.update);
}

/** Validates outbox entries (ids become AMQP message ids: 1 to 255 characters). */
export function resolveOutbox(entries: OutboxEntry[] | undefined): OutboxEntry[] {
  if (entries === undefined) return [];
  if (!Array.isArray(entries)) invalid('outbox', 'must be an array');
  const seen = new Set<string>();
  for (const [i, e] of entries.entries()) {
    requireId(`outbox[${i}].id`, e?.id, 255);
    if (seen.has(e.id)) invalid(`outbox[${i}].id`, `repeats ${e.id}`);
    seen.add(e.id);
    if (e.kind !== 'event' && e.kind !== 'tell') invalid(`outbox[${i}].kind`, 'must be event or tell');
    requireId(`outbox[${i}].to`, e.to, 512);
  }
  return entries;
}
