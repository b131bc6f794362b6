import { randomUUID } from 'node:crypto';
import type { StoreOptions } from '../store-options';
import type { WarrenStore } from '../warren-store';

/** What an adapter's spec gives the contract suite. */
export interface StoreContractFixture {
  /**
   * Opens a store on the fixture's data (the same directory or database each time): stores
   * opened from one fixture see each other's writes, like two processes. `overrides` replace options.
   */
  open(overrides?: StoreOptions): Promise<WarrenStore>;
  /** Removes the fixture's data; called once all its stores are closed. */
  destroy(): Promise<void>;
}

/** Builds a fresh fixture (a temp directory, a throwaway database). */
export type StoreContractFactory = () => Promise<StoreContractFixture>;

/** What each part of the suite sees; filled in by `beforeAll`. */
export interface ContractContext {
  /** A store shared by the tests (they use unique keys). */
  store: WarrenStore;
  /** Opens and initialises another store on the same data; closed after the suite. */
  open(overrides?: StoreOptions): Promise<WarrenStore>;
}

/** A unique id with a readable prefix, so tests sharing a store never collide. */
export function uid(prefix: string): string {
  return `${prefix}-${randomUUID().slice(0, 8)}`;
}

/** A unique tenant/session pair. */
export function newSession(): { tenant: string; sessionId: string } {
  return { tenant: uid('t'), sessionId: uid('s') };
}

/** A Date `ms` milliseconds after a fixed origin (whole milliseconds, as every adapter stores them). */
export function at(ms: number): Date {
  return new Date(Date.UTC(2030, 0, 1) + ms);
}
