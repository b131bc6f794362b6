import { WarrenError } from '@warren/contracts';

/** How a failed handler is retried. Entity actors retry in place; workers through TTL tiers. */
export interface RetryPolicyOptions {
  /**
   * Delays between in-place attempts of an entity actor's handler (its mailbox waits, so order holds).
   * @default [50, 250, 1000]
   */
  entityBackoffMs: number[];
  /**
   * Worker retry tiers: each is a `warren.retry.<delay>` queue; attempt n waits tier n-1.
   * @default [1000, 5000, 30000]
   */
  workerTiersMs: number[];
}

/** What to do after an attempt failed. */
export type RetryDecision =
  | { action: 'retry-in-place'; delayMs: number }
  | { action: 'retry-later'; delayMs: number }
  | { action: 'dead-letter'; reason: 'not-retryable' | 'attempts-exhausted' };

/** An error is retryable unless it says otherwise: Warren errors carry `retryable`, validation errors are not. */
export function isRetryable(err: unknown): boolean {
  if (err instanceof WarrenError) return err.retryable;
  return true;
}

/**
 * Decides the next step after attempt `attempt` (1-based) failed with `err`.
 * Pure, so the tiers can be tested without a broker.
 */
export function decideRetry(policy: RetryPolicyOptions, kind: 'entity' | 'worker', attempt: number, err: unknown): RetryDecision {
  if (!isRetryable(err)) return { action: 'dead-letter', reason: 'not-retryable' };
  const delays = kind === 'entity' ? policy.entityBackoffMs : policy.workerTiersMs;
  const next = delays[attempt - 1];
  if (next === undefined) return { action: 'dead-letter', reason: 'attempts-exhausted' };
  return kind === 'entity' ? { action: 'retry-in-place', delayMs: next } : { action: 'retry-later', delayMs: next };
}
