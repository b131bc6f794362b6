import type { DeadLetterRecord, DeadLetterStatusChange, NewDeadLetter } from '../ports/dead-letter.port';
import { assertActorAddress } from './address';
import { DEAD_LETTER_TRANSITIONS } from './dead-letter-transitions';
import { invalid, optionalId, requireDate, requireId } from './input-checks';
import { stripUndefined } from './strip-undefined';

/** Validates a dead letter and builds its first record (status `open`). */
export function newDeadLetterRecord(input: NewDeadLetter, now: Date = new Date()): DeadLetterRecord {
  if (input.address !== undefined) assertActorAddress(input.address);
  if (!Array.isArray(input.attempts)) invalid('attempts', 'must be an array');
  for (const [i, attempt] of input.attempts.entries()) requireDate(`attempts[${i}].at`, attempt?.at);
  if (input.headers === null || typeof input.headers !== 'object') invalid('headers', 'must be an object');
  const at = requireDate('at', input.at, now);
  return stripUndefined<DeadLetterRecord>({
    messageId: requireId('messageId', input.messageId),
    actorType: requireId('actorType', input.actorType, 64),
    address: input.address,
    queue: optionalId('queue', input.queue),
    taskId: optionalId('taskId', input.taskId),
    tenant: optionalId('tenant', input.tenant, 128),
    errorCode: requireId('errorCode', input.errorCode, 128),
    errorClass: requireId('errorClass', input.errorClass, 128),
    envelope: input.envelope,
    headers: input.headers,
    attempts: input.attempts,
    replayOf: optionalId('replayOf', input.replayOf),
    status: 'open',
    replayedAs: [],
    createdAt: at,
    updatedAt: at,
  });
}

/** Validates a status change and fixes its time. */
export function resolveDeadLetterChange(change: DeadLetterStatusChange, now: Date = new Date()): DeadLetterStatusChange & { at: Date } {
  DEAD_LETTER_TRANSITIONS.assertStatus(change?.status);
  optionalId('replayedAs', change.replayedAs);
  if (change.note !== undefined && typeof change.note !== 'string') invalid('note', 'must be a string');
  return { ...change, at: requireDate('at', change.at, now) };
}

/** Applies a validated change; throws `InvalidTransitionError` when the move is not allowed. */
export function applyDeadLetterChange(record: DeadLetterRecord, change: DeadLetterStatusChange & { at: Date }): DeadLetterRecord {
  DEAD_LETTER_TRANSITIONS.assertMove(record.status, change.status);
  return stripUndefined<DeadLetterRecord>({
    ...record,
    status: change.status,
    replayedAs: change.replayedAs === undefined ? record.replayedAs : [...record.replayedAs, change.replayedAs],
    note: change.note ?? record.note,
    updatedAt: change.at,
  });
}
