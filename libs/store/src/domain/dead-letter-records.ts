import type {
  DeadLetterAttempt,
  DeadLetterOrigin,
  DeadLetterRecord,
  DeadLetterStatusChange,
  NewDeadLetter,
} from '../ports/dead-letter.port';
import { assertActorAddress } from './address';
import { DEAD_LETTER_TRANSITIONS } from './dead-letter-transitions';
import { invalid, optionalId, requireDate, requireId } from './input-checks';
import { stripUndefined } from './strip-undefined';

/** Longest error message or stack head kept. */
export const MAX_ERROR_TEXT = 16_384;

/** Validates a dead letter and builds its first record (status `open`). */
export function newDeadLetterRecord(input: NewDeadLetter, now: Date = new Date()): DeadLetterRecord {
  if (input === null || typeof input !== 'object') invalid('deadLetter', 'must be an object');
  if (input.address !== undefined) assertActorAddress(input.address);
  if (!Array.isArray(input.attempts)) invalid('attempts', 'must be an array');
  const attempts = input.attempts.map((attempt, i) => checkAttempt(`attempts[${i}]`, attempt));
  if (input.headers === null || typeof input.headers !== 'object' || Array.isArray(input.headers)) invalid('headers', 'must be an object');
  const at = requireDate('at', input.at, now);
  const firstFailureAt = requireDate('firstFailureAt', input.firstFailureAt);
  const lastFailureAt = requireDate('lastFailureAt', input.lastFailureAt);
  if (lastFailureAt < firstFailureAt) invalid('lastFailureAt', 'must not be before firstFailureAt');
  return stripUndefined<DeadLetterRecord>({
    messageId: requireId('messageId', input.messageId),
    actorType: requireId('actorType', input.actorType, 64),
    address: input.address,
    queue: optionalId('queue', input.queue),
    taskId: optionalId('taskId', input.taskId),
    tenant: optionalId('tenant', input.tenant, 128),
    errorCode: requireId('errorCode', input.errorCode, 128),
    errorClass: requireId('errorClass', input.errorClass, 128),
    errorMessage: requireText('errorMessage', input.errorMessage),
    handler: optionalId('handler', input.handler, 256),
    node: optionalId('node', input.node, 256),
    sender: optionalId('sender', input.sender),
    origin: input.origin === undefined ? undefined : checkOrigin(input.origin),
    firstFailureAt,
    lastFailureAt,
    envelope: input.envelope,
    headers: input.headers,
    attempts,
    replayOf: optionalId('replayOf', input.replayOf),
    status: 'open',
    replayedAs: [],
    createdAt: at,
    updatedAt: at,
  });
}

/**
 * Fills the fields that records written before they existed lack: the error message and the
 * failure times come from the attempts (or the creation time).
 */
export function upgradeDeadLetterRecord(record: DeadLetterRecord): DeadLetterRecord {
  const attempts = record.attempts ?? [];
  if (record.errorMessage === undefined) record.errorMessage = attempts[attempts.length - 1]?.message ?? '';
  if (record.firstFailureAt === undefined) record.firstFailureAt = attempts[0]?.at ?? record.createdAt;
  if (record.lastFailureAt === undefined) record.lastFailureAt = attempts[attempts.length - 1]?.at ?? record.createdAt;
  if (record.replayedAs === undefined) record.replayedAs = [];
  return record;
}

/** Validates a status change and fixes its time. */
export function resolveDeadLetterChange(change: DeadLetterStatusChange, now: Date = new Date()): DeadLetterStatusChange & { at: Date } {
  DEAD_LETTER_TRANSITIONS.assertStatus(change?.status);
  if (change.status === 'replayed') requireId('replayedAs', change.replayedAs);
  else if (change.replayedAs !== undefined) invalid('replayedAs', "is only allowed with status 'replayed'");
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

function checkAttempt(field: string, attempt: DeadLetterAttempt): DeadLetterAttempt {
  if (attempt === null || typeof attempt !== 'object') invalid(field, 'must be an object');
  requireDate(`${field}.at`, attempt.at);
  if (attempt.stackHead !== undefined) requireText(`${field}.stackHead`, attempt.stackHead);
  optionalId(`${field}.handler`, attempt.handler, 256);
  return attempt;
}

function checkOrigin(origin: DeadLetterOrigin): DeadLetterOrigin {
  if (origin === null || typeof origin !== 'object') invalid('origin', 'must be an object');
  // '' is the default exchange (publish straight to a queue), so only the type and length are checked.
  if (typeof origin.exchange !== 'string' || origin.exchange.length > 255)
    invalid('origin.exchange', 'must be a string of at most 255 characters');
  if (typeof origin.routingKey !== 'string' || origin.routingKey.length > 255) {
    invalid('origin.routingKey', 'must be a string of at most 255 characters');
  }
  return stripUndefined<DeadLetterOrigin>({
    exchange: origin.exchange,
    routingKey: origin.routingKey,
    queue: optionalId('origin.queue', origin.queue, 255),
  });
}

function requireText(field: string, value: unknown): string {
  if (typeof value !== 'string' || value.length > MAX_ERROR_TEXT)
    invalid(field, `must be a string of at most ${MAX_ERROR_TEXT} characters`);
  return value;
}
