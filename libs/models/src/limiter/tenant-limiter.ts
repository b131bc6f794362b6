import type { LimiterGrant } from '@warren/contracts';
import type { TenantBudgetBook } from './budget-book';
import type { BucketLimits, TenantLimits } from './limiter-options';
import type { TenantBuckets } from './tenant-buckets';
import type { WaitQueue } from './wait-queue';

/** How a queued request is answered later (its deferred reply). */
export interface Answer {
  reservationId?: string;
  userId?: string;
  grant(value: LimiterGrant): Promise<void>;
  fail(error: Error): Promise<void>;
}

/** Everything the limiter holds for one tenant. */
export interface TenantLimiter {
  tenant: string;
  scope: string;
  limits: TenantLimits;
  buckets: TenantBuckets;
  book: TenantBudgetBook;
  queue: WaitQueue<Answer>;
  /** Named grants not settled yet (reservation id → tokens and user), for a cancel that crossed its grant. */
  granted: Map<string, { tokens: number; userId?: string }>;
  /** Leases not returned yet (lease id → what was leased, and when). */
  leases: Map<string, { tokens: number; requests: number; at: number }>;
  /** Per-user limits of this tenant, or undefined when it has none. */
  userLimits?: BucketLimits;
  /** Each user's buckets (per-user limits only), forgotten when full again. */
  users: Map<string, TenantBuckets>;
  timer?: NodeJS.Timeout;
}
