import type { ReminderInput } from '@warren/contracts';

/**
 * A durable reminder of an actor, as registered; `(actor, name)` is its key. Declared in
 * libs/contracts, where the actor runtime's `ReminderRegistry` port takes it too.
 */
export type { ReminderInput };

/** A stored reminder with its lease. */
export interface ReminderRecord extends ReminderInput {
  /** Scheduler instance currently delivering it. */
  leaseOwner?: string;
  leaseExpiresAt?: Date;
  createdAt: Date;
  updatedAt: Date;
}

/** A claim of due reminders by one scheduler. */
export interface ReminderClaim {
  /** Who claims (a scheduler instance id). */
  owner: string;
  /** How long the claim holds; after it another scheduler may take the reminder. */
  leaseMs: number;
  /** At most this many reminders. */
  limit: number;
  /** @default now */
  now?: Date;
}

/** Reminders (`reminders`). Delivery is at-least-once: a lease that expires is claimed again. */
export interface ReminderStore {
  /** Creates or replaces a reminder; a replaced reminder loses its lease (the new schedule wins). */
  upsert(reminder: ReminderInput): Promise<ReminderRecord>;
  get(actor: string, name: string): Promise<ReminderRecord | undefined>;
  /** An actor's reminders, by due time. */
  listByActor(actor: string): Promise<ReminderRecord[]>;
  /** Deletes a reminder; resolves true when there was one. */
  delete(actor: string, name: string): Promise<boolean>;
  /** Atomically leases up to `limit` due reminders that nobody holds (or whose lease expired), earliest first. */
  claimDue(claim: ReminderClaim): Promise<ReminderRecord[]>;
  /** After delivery of a periodic reminder: sets the next due time and drops the lease. False when `owner` lost the lease. */
  advance(actor: string, name: string, owner: string, nextDueAt: Date): Promise<boolean>;
  /** After delivery of a one-shot reminder: deletes it. False when `owner` lost the lease. */
  complete(actor: string, name: string, owner: string): Promise<boolean>;
  /** Gives the lease back without delivering (shutdown, failure); false when `owner` did not hold it. */
  release(actor: string, name: string, owner: string): Promise<boolean>;
}
