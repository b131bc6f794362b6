import type { ReminderInput } from '@warren/contracts';

/** A reminder as the runtime registers it: the schedule resolved to a first due time (the store's record input). */
export type ReminderRegistration = ReminderInput;

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
