import { InvalidOptionsError } from '@warren/contracts';

/** Nest injection token of the limiter's resolved {@link LimiterOptions}. */
export const LIMITER_OPTIONS = Symbol('warren:limiter-options');

/** What a tenant's limiter does with a request its buckets cannot admit now. */
export type LimiterMode = 'refuse' | 'queue';

/** The limits of one tenant. */
export interface TenantLimits {
  /** Requests admitted per minute (the refill rate of the requests bucket). */
  requestsPerMinute: number;
  /** Tokens (counted prompt + max output, settled to the real usage) per minute (the tokens bucket's refill rate). */
  tokensPerMinute: number;
  /**
   * Bucket capacity as a multiple of the per-minute rate: 1 lets a tenant spend a whole
   * minute's allowance at once; 0.1 smooths it to bursts of 6 s worth. A request costing
   * more than a bucket's capacity is refused for good (`WARREN_LIMITER_CAPACITY_EXCEEDED`).
   */
  burst: number;
  /** Tokens per UTC day (settled usage); 0 = unlimited. Over it: `WARREN_BUDGET_EXCEEDED`. */
  dailyTokens: number;
  /** Tokens per UTC calendar month (settled usage); 0 = unlimited. */
  monthlyTokens: number;
  /** `refuse` answers `WARREN_RATE_LIMITED` at once; `queue` lets the request wait (FIFO) up to `queueTimeoutMs`. */
  mode: LimiterMode;
  /** Queue mode: longest wait before `WARREN_RATE_LIMITED`; below `runtime.askTimeoutMs` (the session's ask). */
  queueTimeoutMs: number;
  /** Queue mode: most requests waiting per tenant; one more is refused at once (nothing waits unbounded). */
  maxQueued: number;
  /**
   * Requests per minute of each user of the tenant (the acquire's `userId`), on top of the
   * tenant's buckets; 0 = no per-user limit. A user over it is refused at once, even in queue mode.
   */
  userRequestsPerMinute: number;
  /** Tokens per minute of each user of the tenant; 0 = no per-user limit. */
  userTokensPerMinute: number;
}

/** The limits that size a tenant's buckets. */
export type BucketLimits = Pick<TenantLimits, 'requestsPerMinute' | 'tokensPerMinute' | 'burst'>;

/** Options of the `limiter/<tenant>` actor; each documented with its default. */
export interface LimiterOptions extends TenantLimits {
  /** @default 600 */
  requestsPerMinute: number;
  /** @default 200000 */
  tokensPerMinute: number;
  /** @default 1 */
  burst: number;
  /** @default 0 (unlimited) */
  dailyTokens: number;
  /** @default 0 (unlimited) */
  monthlyTokens: number;
  /** @default 'refuse' */
  mode: LimiterMode;
  /** @default 5000 */
  queueTimeoutMs: number;
  /** @default 1000 */
  maxQueued: number;
  /** @default 0 (no per-user limit) */
  userRequestsPerMinute: number;
  /** @default 0 (no per-user limit) */
  userTokensPerMinute: number;
  /**
   * Budget usage is saved at most this often per tenant (batched, not per request): a crash
   * forgives at most the usage of the last `budgetFlushMs` (plus one store write). @default 1000
   */
  budgetFlushMs: number;
  /**
   * Share of a tenant's bucket capacities one process may lease (`LimiterLease`) and hand out to
   * its own turns without asking `limiter/<tenant>` each time; 0 turns leases off. A lease is
   * granted only while the tenant is far from its limits (see {@link LimiterActor}). @default 0.05
   */
  leaseShare: number;
  /**
   * A lease is asked for only when it covers at least this many turns (the turn's reservation times
   * this, and as many requests): small tenants, whose share would hold a few turns, acquire per
   * turn. @default 50
   */
  leaseMinTurns: number;
  /** Longest a process keeps a lease before giving back what is left (unused ones go back after 1 s idle). @default 10000 */
  leaseTtlMs: number;
  /** Per-tenant overrides of the limits above; missing keys fall back to them. @default {} */
  tenants: Record<string, Partial<TenantLimits>>;
}

/** Defaults of `LimiterOptions`. */
export const LIMITER_DEFAULTS: Readonly<LimiterOptions> = Object.freeze({
  requestsPerMinute: 600,
  tokensPerMinute: 200_000,
  burst: 1,
  dailyTokens: 0,
  monthlyTokens: 0,
  mode: 'refuse' as LimiterMode,
  queueTimeoutMs: 5000,
  maxQueued: 1000,
  userRequestsPerMinute: 0,
  userTokensPerMinute: 0,
  budgetFlushMs: 1000,
  leaseShare: 0.05,
  leaseMinTurns: 50,
  leaseTtlMs: 10_000,
  tenants: Object.freeze({}) as Record<string, Partial<TenantLimits>>,
});

/** What the limits are checked against besides themselves. */
export interface LimiterContext {
  /** The runtime's ask timeout (`runtime.askTimeoutMs`): a queued request must be answered before the asker gives up. */
  askTimeoutMs?: number;
}

/** Margin between the longest queue wait and the asker's timeout, for the reply's trip back. */
export const QUEUE_REPLY_MARGIN_MS = 1000;

const LIMIT_KEYS = [
  'requestsPerMinute',
  'tokensPerMinute',
  'burst',
  'dailyTokens',
  'monthlyTokens',
  'mode',
  'queueTimeoutMs',
  'maxQueued',
  'userRequestsPerMinute',
  'userTokensPerMinute',
] as const;
const KNOWN = new Set(Object.keys(LIMITER_DEFAULTS));
const TENANT = /^[A-Za-z0-9_-]{1,64}$/;

/**
 * Fills defaults (`??`, so a deliberate 0 is checked, not replaced), rejects unknown keys,
 * wrong types and limits whose buckets could not hold one request, with an
 * `InvalidOptionsError` naming the key (`limiter.tenants.acme.tokensPerMinute`). `raw` may come
 * from YAML. With `context.askTimeoutMs`, a `queueTimeoutMs` the asker would not wait for is refused.
 */
export function resolveLimiterOptions(raw: Partial<LimiterOptions> = {}, context: LimiterContext = {}): LimiterOptions {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) throw new InvalidOptionsError('limiter', 'must be an object');
  for (const key of Object.keys(raw)) if (!KNOWN.has(key)) throw new InvalidOptionsError(`limiter.${key}`, 'is not a limiter option');
  const d = LIMITER_DEFAULTS;
  const base: TenantLimits = {
    requestsPerMinute: raw.requestsPerMinute ?? d.requestsPerMinute,
    tokensPerMinute: raw.tokensPerMinute ?? d.tokensPerMinute,
    burst: raw.burst ?? d.burst,
    dailyTokens: raw.dailyTokens ?? d.dailyTokens,
    monthlyTokens: raw.monthlyTokens ?? d.monthlyTokens,
    mode: raw.mode ?? d.mode,
    queueTimeoutMs: raw.queueTimeoutMs ?? d.queueTimeoutMs,
    maxQueued: raw.maxQueued ?? d.maxQueued,
    userRequestsPerMinute: raw.userRequestsPerMinute ?? d.userRequestsPerMinute,
    userTokensPerMinute: raw.userTokensPerMinute ?? d.userTokensPerMinute,
  };
  checkLimits(base, 'limiter', context);
  const budgetFlushMs = raw.budgetFlushMs ?? d.budgetFlushMs;
  if (!Number.isInteger(budgetFlushMs) || budgetFlushMs < 10 || budgetFlushMs > 60_000)
    throw new InvalidOptionsError('limiter.budgetFlushMs', `must be an integer from 10 to 60000 (got ${budgetFlushMs})`);
  const leaseShare = raw.leaseShare ?? d.leaseShare;
  if (typeof leaseShare !== 'number' || !(leaseShare >= 0 && leaseShare <= 0.5))
    throw new InvalidOptionsError('limiter.leaseShare', `must be a number from 0 (off) to 0.5 (got ${leaseShare})`);
  const leaseMinTurns = raw.leaseMinTurns ?? d.leaseMinTurns;
  if (!Number.isInteger(leaseMinTurns) || leaseMinTurns < 1)
    throw new InvalidOptionsError('limiter.leaseMinTurns', `must be a positive integer (got ${leaseMinTurns})`);
  const leaseTtlMs = raw.leaseTtlMs ?? d.leaseTtlMs;
  if (!Number.isInteger(leaseTtlMs) || leaseTtlMs < 100 || leaseTtlMs > 600_000)
    throw new InvalidOptionsError('limiter.leaseTtlMs', `must be an integer from 100 to 600000 (got ${leaseTtlMs})`);
  const rawTenants = raw.tenants ?? d.tenants;
  if (rawTenants === null || typeof rawTenants !== 'object' || Array.isArray(rawTenants))
    throw new InvalidOptionsError('limiter.tenants', 'must be a map of tenant → limits');
  const tenants: Record<string, Partial<TenantLimits>> = {};
  for (const [tenant, override] of Object.entries(rawTenants)) {
    const path = `limiter.tenants.${tenant}`;
    if (!TENANT.test(tenant)) throw new InvalidOptionsError(path, 'tenant must match [A-Za-z0-9_-]{1,64}');
    if (override === null || typeof override !== 'object' || Array.isArray(override))
      throw new InvalidOptionsError(path, 'must be an object of limits');
    for (const key of Object.keys(override))
      if (!(LIMIT_KEYS as readonly string[]).includes(key)) throw new InvalidOptionsError(`${path}.${key}`, 'is not a tenant limit');
    checkLimits({ ...base, ...override }, path, context);
    tenants[tenant] = { ...override };
  }
  return { ...base, budgetFlushMs, leaseShare, leaseMinTurns, leaseTtlMs, tenants };
}

/** The effective limits of `tenant`: its overrides over the defaults. */
export function limitsOf(options: LimiterOptions, tenant: string): TenantLimits {
  const o = options.tenants[tenant];
  return {
    requestsPerMinute: o?.requestsPerMinute ?? options.requestsPerMinute,
    tokensPerMinute: o?.tokensPerMinute ?? options.tokensPerMinute,
    burst: o?.burst ?? options.burst,
    dailyTokens: o?.dailyTokens ?? options.dailyTokens,
    monthlyTokens: o?.monthlyTokens ?? options.monthlyTokens,
    mode: o?.mode ?? options.mode,
    queueTimeoutMs: o?.queueTimeoutMs ?? options.queueTimeoutMs,
    maxQueued: o?.maxQueued ?? options.maxQueued,
    userRequestsPerMinute: o?.userRequestsPerMinute ?? options.userRequestsPerMinute,
    userTokensPerMinute: o?.userTokensPerMinute ?? options.userTokensPerMinute,
  };
}

/** Per-minute rate standing for "no limit" in a user's bucket whose other rate is limited. */
const UNLIMITED_PER_MINUTE = 1e12;

/** The bucket limits of each user of a tenant, or undefined when the tenant has no per-user limit. */
export function userLimitsOf(limits: TenantLimits): BucketLimits | undefined {
  if (limits.userRequestsPerMinute === 0 && limits.userTokensPerMinute === 0) return undefined;
  return {
    requestsPerMinute: limits.userRequestsPerMinute || UNLIMITED_PER_MINUTE,
    tokensPerMinute: limits.userTokensPerMinute || UNLIMITED_PER_MINUTE,
    burst: limits.burst,
  };
}

/** Bucket capacities of a tenant's limits: `burst × perMinute`. */
export function capacitiesOf(limits: BucketLimits): { requests: number; tokens: number } {
  return { requests: limits.requestsPerMinute * limits.burst, tokens: limits.tokensPerMinute * limits.burst };
}

function checkLimits(limits: TenantLimits, path: string, context: LimiterContext): void {
  for (const key of ['requestsPerMinute', 'tokensPerMinute'] as const) {
    const v = limits[key];
    if (!Number.isInteger(v) || v < 1) throw new InvalidOptionsError(`${path}.${key}`, `must be a positive integer (got ${v})`);
  }
  if (typeof limits.burst !== 'number' || !Number.isFinite(limits.burst) || limits.burst <= 0)
    throw new InvalidOptionsError(`${path}.burst`, `must be a positive number (got ${limits.burst})`);
  // A requests bucket that cannot hold one request would refuse everything.
  if (capacitiesOf(limits).requests < 1)
    throw new InvalidOptionsError(`${path}.burst`, `× requestsPerMinute must be at least 1 (got ${capacitiesOf(limits).requests})`);
  for (const key of ['dailyTokens', 'monthlyTokens'] as const) {
    const v = limits[key];
    if (!Number.isInteger(v) || v < 0)
      throw new InvalidOptionsError(`${path}.${key}`, `must be 0 (unlimited) or a positive integer (got ${v})`);
  }
  if (limits.mode !== 'refuse' && limits.mode !== 'queue')
    throw new InvalidOptionsError(`${path}.mode`, `must be refuse or queue (got ${String(limits.mode)})`);
  for (const key of ['userRequestsPerMinute', 'userTokensPerMinute'] as const) {
    const v = limits[key];
    if (!Number.isInteger(v) || v < 0)
      throw new InvalidOptionsError(`${path}.${key}`, `must be 0 (no per-user limit) or a positive integer (got ${v})`);
  }
  if (limits.userRequestsPerMinute > 0 && limits.userRequestsPerMinute * limits.burst < 1)
    throw new InvalidOptionsError(
      `${path}.burst`,
      `× userRequestsPerMinute must be at least 1 (got ${limits.userRequestsPerMinute * limits.burst})`,
    );
  if (!Number.isInteger(limits.maxQueued) || limits.maxQueued < 1)
    throw new InvalidOptionsError(`${path}.maxQueued`, `must be a positive integer (got ${limits.maxQueued})`);
  const q = limits.queueTimeoutMs;
  if (!Number.isInteger(q) || q < 1) throw new InvalidOptionsError(`${path}.queueTimeoutMs`, `must be a positive integer (got ${q})`);
  // The session asks the limiter with the runtime's ask timeout: a longer wait would answer nobody.
  if (limits.mode === 'queue' && context.askTimeoutMs !== undefined && q + QUEUE_REPLY_MARGIN_MS > context.askTimeoutMs)
    throw new InvalidOptionsError(
      `${path}.queueTimeoutMs`,
      `must be at least ${QUEUE_REPLY_MARGIN_MS} ms below runtime.askTimeoutMs (${context.askTimeoutMs}) (got ${q})`,
    );
}
