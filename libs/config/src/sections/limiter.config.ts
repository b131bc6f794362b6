import { IsIn, IsInt, IsNumber, IsObject, Max, Min } from 'class-validator';

/**
 * The limiter actor (`limiter:`): per-tenant token buckets, token budgets and refuse-or-queue.
 * Tenant overrides are checked when the runtime starts (`resolveLimiterOptions`, which also
 * keeps `queueTimeoutMs` below `runtime.askTimeoutMs`).
 */
export class LimiterConfig {
  /**
   * Turns a tenant may start per minute (bucket capacity and refill).
   * @default 600
   */
  @IsInt()
  @Min(1)
  @Max(100_000_000)
  requestsPerMinute = 600;

  /**
   * Tokens a tenant may use per minute: each turn reserves its counted prompt plus the
   * reserved output, settled to the model's reported usage after the reply.
   * @default 200000
   */
  @IsInt()
  @Min(1)
  @Max(1_000_000_000)
  tokensPerMinute = 200_000;

  /**
   * Bucket capacity as a multiple of the per-minute rates (1: a whole minute's allowance at once).
   * @default 1
   */
  @IsNumber()
  @Min(0.001)
  @Max(1000)
  burst = 1;

  /**
   * Tokens per tenant per UTC day; 0 = unlimited. Over it a turn fails with WARREN_BUDGET_EXCEEDED.
   * @default 0
   */
  @IsInt()
  @Min(0)
  dailyTokens = 0;

  /**
   * Tokens per tenant per UTC calendar month; 0 = unlimited.
   * @default 0
   */
  @IsInt()
  @Min(0)
  monthlyTokens = 0;

  /**
   * `refuse`: a turn over the rate fails at once with WARREN_RATE_LIMITED; `queue`: it waits
   * (FIFO per tenant) up to `queueTimeoutMs` for capacity.
   * @default refuse
   */
  @IsIn(['refuse', 'queue'])
  mode: 'refuse' | 'queue' = 'refuse';

  /**
   * Queue mode: the longest wait, in ms; at least 1000 below `runtime.askTimeoutMs`.
   * @default 5000
   */
  @IsInt()
  @Min(1)
  queueTimeoutMs = 5000;

  /**
   * Queue mode: most turns waiting per tenant; one more is refused at once.
   * @default 1000
   */
  @IsInt()
  @Min(1)
  maxQueued = 1000;

  /**
   * Turns each user of a tenant may start per minute, on top of the tenant's limit; 0 = no
   * per-user limit. A user over it is refused at once (WARREN_RATE_LIMITED), even in queue mode.
   * @default 0
   */
  @IsInt()
  @Min(0)
  userRequestsPerMinute = 0;

  /**
   * Tokens each user of a tenant may use per minute; 0 = no per-user limit.
   * @default 0
   */
  @IsInt()
  @Min(0)
  userTokensPerMinute = 0;

  /**
   * Budget usage is saved at most this often per tenant; a crash forgives at most the usage of
   * the last `budgetFlushMs`.
   * @default 1000
   */
  @IsInt()
  @Min(10)
  @Max(60_000)
  budgetFlushMs = 1000;

  /**
   * Share of a tenant's bucket capacities one process may lease and hand out to its own turns
   * without a round trip to `limiter/<tenant>` per turn; 0 turns leases off.
   * @default 0.05
   */
  @IsNumber()
  @Min(0)
  @Max(0.5)
  leaseShare = 0.05;

  /**
   * A lease is asked for only when it covers at least this many turns; smaller tenants acquire per turn.
   * @default 50
   */
  @IsInt()
  @Min(1)
  leaseMinTurns = 50;

  /**
   * Longest a process keeps a lease before giving back what is left, in ms.
   * @default 10000
   */
  @IsInt()
  @Min(100)
  @Max(600_000)
  leaseTtlMs = 10_000;

  /**
   * Per-tenant overrides of the keys above (not `budgetFlushMs` and the `lease…` keys):
   * `{ acme: { requestsPerMinute: 6000, dailyTokens: 2000000, mode: queue } }`.
   * @default {}
   */
  @IsObject()
  tenants: Record<
    string,
    {
      requestsPerMinute?: number;
      tokensPerMinute?: number;
      burst?: number;
      dailyTokens?: number;
      monthlyTokens?: number;
      mode?: 'refuse' | 'queue';
      queueTimeoutMs?: number;
      maxQueued?: number;
      userRequestsPerMinute?: number;
      userTokensPerMinute?: number;
    }
  > = {};
}
