import { InvalidOptionsError } from '@warren/contracts';

/** Nest injection token of the limiter's resolved {@link LimiterOptions}. */
export const LIMITER_OPTIONS = Symbol('warren:limiter-options');

/** The limits of one tenant. */
export interface TenantLimits {
  /** Requests admitted per minute (the refill rate of the requests bucket). */
  requestsPerMinute: number;
  /** Tokens (prompt estimate + max output) admitted per minute (the refill rate of the tokens bucket). */
  tokensPerMinute: number;
  /**
   * Bucket capacity as a multiple of the per-minute rate: 1 lets a tenant spend a whole
   * minute's allowance at once; 0.1 smooths it to bursts of 6 s worth. A request costing
   * more than a bucket's capacity is refused for good (`WARREN_LIMITER_CAPACITY_EXCEEDED`).
   */
  burst: number;
}

/** Options of the `limiter/<tenant>` actor; each documented with its default. */
export interface LimiterOptions extends TenantLimits {
  /** @default 600 */
  requestsPerMinute: number;
  /** @default 200000 */
  tokensPerMinute: number;
  /** @default 1 */
  burst: number;
  /** Per-tenant overrides of the limits above; missing keys fall back to them. @default {} */
  tenants: Record<string, Partial<TenantLimits>>;
}

/** Defaults of `LimiterOptions`. */
export const LIMITER_DEFAULTS: Readonly<LimiterOptions> = Object.freeze({
  requestsPerMinute: 600,
  tokensPerMinute: 200_000,
  burst: 1,
  tenants: Object.freeze({}) as Record<string, Partial<TenantLimits>>,
});

const LIMIT_KEYS = ['requestsPerMinute', 'tokensPerMinute', 'burst'] as const;
const KNOWN = new Set(Object.keys(LIMITER_DEFAULTS));
const TENANT = /^[A-Za-z0-9_-]{1,64}$/;

/**
 * Fills defaults (`??`, so a deliberate 0 is checked, not replaced), rejects unknown keys,
 * wrong types and limits whose buckets could not hold one request, with an
 * `InvalidOptionsError` naming the key (`limiter.tenants.acme.tokensPerMinute`). `raw` may come from YAML.
 */
export function resolveLimiterOptions(raw: Partial<LimiterOptions> = {}): LimiterOptions {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) throw new InvalidOptionsError('limiter', 'must be an object');
  for (const key of Object.keys(raw)) if (!KNOWN.has(key)) throw new InvalidOptionsError(`limiter.${key}`, 'is not a limiter option');
  const d = LIMITER_DEFAULTS;
  const base: TenantLimits = {
    requestsPerMinute: raw.requestsPerMinute ?? d.requestsPerMinute,
    tokensPerMinute: raw.tokensPerMinute ?? d.tokensPerMinute,
    burst: raw.burst ?? d.burst,
  };
  checkLimits(base, 'limiter');
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
    checkLimits({ ...base, ...override }, path);
    tenants[tenant] = { ...override };
  }
  return { ...base, tenants };
}

/** The effective limits of `tenant`: its overrides over the defaults. */
export function limitsOf(options: LimiterOptions, tenant: string): TenantLimits {
  const o = options.tenants[tenant];
  return {
    requestsPerMinute: o?.requestsPerMinute ?? options.requestsPerMinute,
    tokensPerMinute: o?.tokensPerMinute ?? options.tokensPerMinute,
    burst: o?.burst ?? options.burst,
  };
}

/** Bucket capacities of a tenant's limits: `burst × perMinute`. */
export function capacitiesOf(limits: TenantLimits): { requests: number; tokens: number } {
  return { requests: limits.requestsPerMinute * limits.burst, tokens: limits.tokensPerMinute * limits.burst };
}

function checkLimits(limits: TenantLimits, path: string): void {
  for (const key of ['requestsPerMinute', 'tokensPerMinute'] as const) {
    const v = limits[key];
    if (!Number.isInteger(v) || v < 1) throw new InvalidOptionsError(`${path}.${key}`, `must be a positive integer (got ${v})`);
  }
  if (typeof limits.burst !== 'number' || !Number.isFinite(limits.burst) || limits.burst <= 0)
    throw new InvalidOptionsError(`${path}.burst`, `must be a positive number (got ${limits.burst})`);
  // A requests bucket that cannot hold one request would refuse everything.
  if (capacitiesOf(limits).requests < 1)
    throw new InvalidOptionsError(`${path}.burst`, `× requestsPerMinute must be at least 1 (got ${capacitiesOf(limits).requests})`);
}
