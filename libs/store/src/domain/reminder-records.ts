import type { ReminderClaim, ReminderInput } from '../ports/reminder.port';
import { assertActorAddress } from './address';
import { invalid, requireDate, requireId } from './input-checks';

const MISSED_FIRE: readonly string[] = ['fire-once', 'skip', 'fire-all'];

/** Validates a reminder to upsert. */
export function normaliseReminder(input: ReminderInput): ReminderInput {
  assertReminderKey(input?.actor, input?.name);
  requireDate('dueAt', input.dueAt);
  if (input.periodMs !== undefined && !(Number.isInteger(input.periodMs) && input.periodMs > 0)) {
    invalid('periodMs', 'must be a positive integer');
  }
  if (input.cron !== undefined) requireId('cron', input.cron, 256);
  if (input.periodMs !== undefined && input.cron !== undefined) invalid('cron', 'cannot be combined with periodMs');
  if (input.timeZone !== undefined) {
    if (input.cron === undefined) invalid('timeZone', 'is only for cron reminders');
    requireId('timeZone', input.timeZone, 64);
  }
  if (input.ttlMs !== undefined && !(Number.isInteger(input.ttlMs) && input.ttlMs > 0)) invalid('ttlMs', 'must be a positive integer');
  if (input.missedFire !== undefined && !MISSED_FIRE.includes(input.missedFire))
    invalid('missedFire', `must be one of ${MISSED_FIRE.join(', ')}`);
  return input;
}

/** Checks an `(actor, name)` key. */
export function assertReminderKey(actor: string, name: string): void {
  assertActorAddress(actor);
  requireId('name', name, 256);
}

/** Validates a claim and fixes its time. */
export function resolveClaim(claim: ReminderClaim, now: Date = new Date()): ReminderClaim & { now: Date } {
  requireId('owner', claim?.owner, 256);
  if (!(Number.isInteger(claim.leaseMs) && claim.leaseMs > 0)) invalid('leaseMs', 'must be a positive integer');
  if (!(Number.isInteger(claim.limit) && claim.limit > 0 && claim.limit <= 1000)) invalid('limit', 'must be an integer from 1 to 1000');
  return { ...claim, now: requireDate('now', claim.now, now) };
}

/** The stored key of a reminder: unambiguous whatever characters the address and name hold. */
export function reminderId(actor: string, name: string): string {
  return JSON.stringify([actor, name]);
}
