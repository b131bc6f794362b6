import { upgradeDeadLetterRecord } from '../domain/dead-letter-records';
import type { AuditEntry } from '../ports/audit.port';
import type { DeadLetterRecord } from '../ports/dead-letter.port';
import type { TaskRecord } from '../ports/task.port';

/**
 * JSON documents of the embedded store. `JSON.stringify` writes Dates as ISO strings; these
 * functions turn the known date fields back into Dates (and only those: user content is never
 * guessed at).
 */

/** The JSON text of a task. */
export function taskToJson(task: TaskRecord): string {
  return JSON.stringify(task);
}

/** A task from `taskToJson`. */
export function taskFromJson(text: string): TaskRecord {
  const task = JSON.parse(text) as TaskRecord;
  task.createdAt = new Date(task.createdAt);
  task.updatedAt = new Date(task.updatedAt);
  for (const step of task.steps) {
    step.startedAt = new Date(step.startedAt);
    if (step.endedAt !== undefined) step.endedAt = new Date(step.endedAt);
  }
  for (const transition of task.transitions) transition.at = new Date(transition.at);
  return task;
}

/** The JSON text of a dead letter. */
export function deadLetterToJson(record: DeadLetterRecord): string {
  return JSON.stringify(record);
}

/** A dead letter from `deadLetterToJson` (records written before issue 7 get the fields they lack). */
export function deadLetterFromJson(text: string): DeadLetterRecord {
  const record = JSON.parse(text) as DeadLetterRecord;
  record.createdAt = new Date(record.createdAt);
  record.updatedAt = new Date(record.updatedAt);
  if (record.firstFailureAt !== undefined) record.firstFailureAt = new Date(record.firstFailureAt);
  if (record.lastFailureAt !== undefined) record.lastFailureAt = new Date(record.lastFailureAt);
  for (const attempt of record.attempts) attempt.at = new Date(attempt.at);
  return upgradeDeadLetterRecord(record);
}

/** An audit entry from its JSON text. */
export function auditEntryFromJson(text: string): AuditEntry {
  const entry = JSON.parse(text) as AuditEntry;
  entry.at = new Date(entry.at);
  return entry;
}
