import { StateConflictError, WARREN_ERROR_CODES } from '@warren/contracts';
import type { BudgetUsage } from './token-budget';

/** Nest injection token of the limiter's {@link BudgetStore} (optional: without it budgets live in memory only). */
export const LIMITER_BUDGET_STORE = Symbol('warren:limiter-budget-store');

/** A saved budget record and its version (0: never saved). */
export interface SavedBudget {
  usage: BudgetUsage | undefined;
  version: number;
}

/** Where the limiter keeps each tenant's settled budget usage. */
export interface BudgetStore {
  load(tenant: string): Promise<SavedBudget>;
  /** Saves when the stored version is `expectedVersion`; resolves with the new version, rejects with `StateConflictError` otherwise. */
  save(tenant: string, usage: BudgetUsage, expectedVersion: number): Promise<number>;
}

/** The part of the store's actor-state port this needs (structurally `WarrenStore.actors`). */
export interface ActorRecordStore {
  load<S>(address: string): Promise<{ state: S | undefined; version: number }>;
  save<S>(save: { address: string; expectedVersion: number; state: S | undefined }): Promise<number>;
}

/**
 * Budgets in the `actors` collection, in the record of `limiter/<tenant>` itself: the limiter is a
 * stateless entity, so the runtime never loads or saves that record and it is free for this.
 * Versioned saves (the store's optimistic concurrency) keep two activations during a shard
 * hand-over from overwriting each other's usage.
 */
export class ActorStateBudgetStore implements BudgetStore {
  constructor(private readonly actors: ActorRecordStore) {}

  async load(tenant: string): Promise<SavedBudget> {
    const r = await this.actors.load<BudgetUsage>(`limiter/${tenant}`);
    return { usage: r.state, version: r.version };
  }

  save(tenant: string, usage: BudgetUsage, expectedVersion: number): Promise<number> {
    return this.actors.save({ address: `limiter/${tenant}`, expectedVersion, state: usage });
  }
}

/** True for a version conflict, thrown here or answered from elsewhere. */
export function isStateConflict(err: unknown): boolean {
  return err instanceof StateConflictError || (err as { code?: unknown })?.code === WARREN_ERROR_CODES.STATE_CONFLICT;
}
