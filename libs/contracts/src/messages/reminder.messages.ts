import { IsIn, IsISO8601, IsOptional, IsString, MaxLength } from 'class-validator';
import { Message } from './message.decorator';

/** What happens to fires of a reminder that were missed (the scheduler was down, or late). */
export type MissedFirePolicy = 'fire-once' | 'skip' | 'fire-all';

/** When and how a reminder fires: exactly one of `at`, `after`, `every`, `cron`. */
export interface ReminderSchedule {
  /** One shot at this time. */
  at?: Date;
  /** One shot after this many ms. */
  after?: number;
  /** Every this many ms (the first fire after one period, or at `at` when given). */
  every?: number;
  /** A cron expression (5 or 6 fields), in `timeZone`. */
  cron?: string;
  /** IANA time zone of `cron` (`Europe/Paris`). @default 'UTC' */
  timeZone?: string;
  /** Data handed back in `ReminderDue.payload`. */
  payload?: unknown;
  /** A fire later than this many ms after its time is dropped (a reminder that is useless late). */
  ttlMs?: number;
  /** @default 'fire-once' */
  missedFire?: MissedFirePolicy;
}

/**
 * A reminder as the actor runtime registers it and the store keeps it: the schedule resolved to a
 * first due time. (The runtime's `ReminderRegistry` port takes it; the store's reminders implement it.)
 */
export interface ReminderInput {
  /** Actor address the reminder is delivered to. */
  actor: string;
  name: string;
  dueAt: Date;
  /** Repeat every `periodMs` (the scheduler advances `dueAt`). At most one of `periodMs` and `cron`. */
  periodMs?: number;
  cron?: string;
  /** IANA time zone of `cron`. Only with `cron`. */
  timeZone?: string;
  payload?: unknown;
  /** A fire delivered later than this many ms after its time is dropped. */
  ttlMs?: number;
  /** Missed fires: one late fire, none, or every one in order. Absent: `fire-once`. */
  missedFire?: MissedFirePolicy;
}

/**
 * Delivered by the scheduler to the actor that registered a reminder, as a normal message
 * (activating it when passive). Its id is `rem:<actor>:<name>:<scheduledAt ISO>`, deterministic,
 * so a delivery published twice (a scheduler crashed after publishing) is applied once.
 */
@Message('warren.reminder.due')
export class ReminderDue {
  @IsString() @MaxLength(256) name!: string;
  /** When this fire was due (ISO 8601). */
  @IsISO8601() scheduledAt!: string;
  @IsOptional() payload?: unknown;
  /** Why it fires now: on time, or a missed fire delivered late. */
  @IsOptional() @IsIn(['on-time', 'late']) timing?: 'on-time' | 'late';
}
