import { InvalidOptionsError, type MissedFirePolicy, type ReminderSchedule, safeMessageId } from '@warren/contracts';
import { CronExpressionParser } from 'cron-parser';
import type { ReminderRegistration } from '../ports/reminder-registry.port';

const MISSED_FIRE: readonly MissedFirePolicy[] = ['fire-once', 'skip', 'fire-all'];
const KNOWN_KEYS = new Set(['at', 'after', 'every', 'cron', 'timeZone', 'payload', 'ttlMs', 'missedFire']);
/** Longest reminder name (the store's limit for names). */
export const MAX_REMINDER_NAME = 256;

/** The periodic part of a stored reminder, enough to compute its next fire. */
export interface Recurrence {
  periodMs?: number;
  cron?: string;
  timeZone?: string;
}

/**
 * Validates `schedule` and resolves it to a registration with its first due time, counted from
 * `baseMs` (`after`, `every` without `at`, `cron`). Exactly one of `at`, `after`, `every`, `cron`;
 * `every` may come with `at` (its first fire). Throws `InvalidOptionsError` naming the key.
 */
export function resolveReminderSchedule(actor: string, name: string, schedule: ReminderSchedule, baseMs: number): ReminderRegistration {
  const key = (k: string) => `remind("${name}").${k}`;
  if (typeof name !== 'string' || name.length === 0 || name.length > MAX_REMINDER_NAME)
    throw new InvalidOptionsError('remind().name', `must be a non-empty string of at most ${MAX_REMINDER_NAME} characters`);
  if (schedule === null || typeof schedule !== 'object') throw new InvalidOptionsError(key('schedule'), 'must be an object');
  for (const k of Object.keys(schedule)) if (!KNOWN_KEYS.has(k)) throw new InvalidOptionsError(key(k), 'is not a schedule option');
  const s = schedule;
  const given = (['at', 'after', 'every', 'cron'] as const).filter((k) => s[k] !== undefined);
  const kinds = given.filter((k) => !(k === 'at' && s.every !== undefined));
  if (kinds.length !== 1)
    throw new InvalidOptionsError(key('schedule'), `needs exactly one of at, after, every, cron (got ${given.join(', ') || 'none'})`);

  if (s.at !== undefined && !(s.at instanceof Date && !Number.isNaN(s.at.getTime())))
    throw new InvalidOptionsError(key('at'), 'must be a valid Date');
  if (s.after !== undefined) positiveInteger(key('after'), s.after, 0);
  if (s.every !== undefined) positiveInteger(key('every'), s.every, 1);
  if (s.ttlMs !== undefined) positiveInteger(key('ttlMs'), s.ttlMs, 1);
  if (s.missedFire !== undefined && !MISSED_FIRE.includes(s.missedFire))
    throw new InvalidOptionsError(key('missedFire'), `must be one of ${MISSED_FIRE.join(', ')}`);
  if (s.timeZone !== undefined) {
    if (s.cron === undefined) throw new InvalidOptionsError(key('timeZone'), 'is for cron schedules');
    assertTimeZone(key('timeZone'), s.timeZone);
  }
  if (s.cron !== undefined) {
    if (typeof s.cron !== 'string' || s.cron.length > 256) throw new InvalidOptionsError(key('cron'), 'must be a cron expression');
    try {
      CronExpressionParser.parse(s.cron, { tz: s.timeZone ?? 'UTC', strict: false });
    } catch (err) {
      throw new InvalidOptionsError(key('cron'), `does not parse: ${(err as Error).message}`);
    }
  }

  const recurrence: Recurrence = { periodMs: s.every, cron: s.cron, timeZone: s.cron !== undefined ? (s.timeZone ?? 'UTC') : undefined };
  let dueMs: number;
  if (s.at !== undefined) dueMs = s.at.getTime();
  else if (s.after !== undefined) dueMs = baseMs + s.after;
  else dueMs = nextFireAfter(recurrence, baseMs) as number;
  const registration: ReminderRegistration = { actor, name, dueAt: new Date(dueMs) };
  if (recurrence.periodMs !== undefined) registration.periodMs = recurrence.periodMs;
  if (recurrence.cron !== undefined) {
    registration.cron = recurrence.cron;
    registration.timeZone = recurrence.timeZone;
  }
  if (s.payload !== undefined) registration.payload = s.payload;
  if (s.ttlMs !== undefined) registration.ttlMs = s.ttlMs;
  if (s.missedFire !== undefined) registration.missedFire = s.missedFire;
  return registration;
}

/** The first fire strictly after `afterMs` of a periodic reminder; undefined for a one-shot (or a cron that never fires again). */
export function nextFireAfter(recurrence: Recurrence, afterMs: number, fromMs?: number): number | undefined {
  if (recurrence.periodMs !== undefined) {
    // Keep the phase of the series: from its due time `fromMs`, whole periods.
    const origin = fromMs ?? afterMs;
    if (origin > afterMs) return origin;
    return origin + (Math.floor((afterMs - origin) / recurrence.periodMs) + 1) * recurrence.periodMs;
  }
  if (recurrence.cron !== undefined) {
    const it = CronExpressionParser.parse(recurrence.cron, { tz: recurrence.timeZone ?? 'UTC', currentDate: new Date(afterMs) });
    if (!it.hasNext()) return undefined;
    const next = it.next().getTime();
    return next > afterMs ? next : undefined;
  }
  return undefined;
}

/**
 * The id of a reminder's delivery: `rem:<actor>:<name>:<scheduledAt ISO>` (the same on every
 * re-publish), or its digest when that is too long for an AMQP `message-id` (a long key and name).
 */
export function reminderMessageId(actor: string, name: string, scheduledAt: Date): string {
  return safeMessageId(`rem:${actor}:${name}:${scheduledAt.toISOString()}`);
}

function positiveInteger(key: string, value: unknown, min: number): void {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min)
    throw new InvalidOptionsError(key, `must be an integer ≥ ${min} (ms)`);
}

function assertTimeZone(key: string, zone: unknown): void {
  try {
    if (typeof zone !== 'string' || zone.length === 0) throw new Error();
    new Intl.DateTimeFormat('en', { timeZone: zone });
  } catch {
    throw new InvalidOptionsError(key, `is not an IANA time zone (got ${String(zone)})`);
  }
}
