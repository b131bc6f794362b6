import type { MissedFirePolicy } from '@warren/contracts';

/** A reminder as the runtime registers it: the schedule resolved to a first due time. */
export interface ReminderRegistration {
  /** Address of the actor it is delivered to (the registering actor). */
  actor: string;
  name: string;
  /** First fire. */
  dueAt: Date;
  /** Periodic: every this many ms after `dueAt`. */
  periodMs?: number;
  /** Periodic: a cron expression in `timeZone`. */
  cron?: string;
  /** IANA time zone of `cron`. */
  timeZone?: string;
  payload?: unknown;
  /** Fires later than this many ms after their time are dropped. */
  ttlMs?: number;
  missedFire?: MissedFirePolicy;
}

/** A pending reminder as `ctx.listReminders()` shows it. */
export interface PendingReminder {
  name: string;
  dueAt: Date;
  payload?: unknown;
}

/**
 * Where reminders are kept (the store's `reminders`; `store.reminders` fits this port).
 * `(actor, name)` is the key: `upsert` creates or replaces, so registering the same reminder
 * twice (a redelivered handler) leaves one.
 */
export interface ReminderRegistry {
  upsert(reminder: ReminderRegistration): Promise<unknown>;
  /** True when there was such a reminder. */
  delete(actor: string, name: string): Promise<boolean>;
  /** The actor's reminders, by due time. */
  listByActor(actor: string): Promise<PendingReminder[]>;
}
