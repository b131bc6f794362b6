import { Inject, Optional } from '@nestjs/common';
import { Actor, type ActorContext, Handle } from '@warren/actors';
import { LimiterAcquire, type LimiterGrant, RateLimitedError } from '@warren/contracts';
import { WarrenMetrics } from '@warren/telemetry';
import { LIMITER_OPTIONS, type LimiterOptions, limitsOf } from './limiter-options';
import { TenantBuckets } from './tenant-buckets';
import { type Clock, SYSTEM_CLOCK } from './token-bucket';

/** Nest injection token of the limiter's clock (tests); the wall clock when not provided. */
export const LIMITER_CLOCK = Symbol('warren:limiter-clock');

/** Idle (full) buckets are forgotten every this many acquires, so memory follows active tenants. */
const SWEEP_EVERY = 1000;

/**
 * `limiter/<tenant>`: a per-tenant token bucket for requests/minute and tokens/minute.
 *
 * An entity actor, so the runtime runs one activation per tenant in the cluster (single
 * active consumer shards) and one message at a time: no races, no Redis. It is stateless
 * (no store round trip per ask); the buckets live in memory in this singleton, keyed by
 * tenant. A crash or a shard hand-over forgets recent usage, which only forgives; the
 * cost-aware limiter of issue 6 will save budgets durably. A redelivered ask is charged
 * again (stateless entities keep no processed ids), which only over-charges.
 *
 * `LimiterAcquire` must be asked. A refusal is answered with `RateLimitedError`
 * (`WARREN_RATE_LIMITED`, `retryAfterMs`) through a deferred reply, not thrown: the entity
 * runtime retries a thrown retryable error in place (holding the mailbox) and a refusal is
 * an answer, not a failure. A cost above a bucket's capacity throws `LimiterCapacityError`
 * (not retryable, answered at once).
 */
@Actor('limiter', { stateless: true })
export class LimiterActor {
  private readonly buckets = new Map<string, TenantBuckets>();
  private acquires = 0;

  constructor(
    @Inject(LIMITER_OPTIONS) private readonly options: LimiterOptions,
    @Optional() @Inject(LIMITER_CLOCK) private readonly clock: Clock = SYSTEM_CLOCK,
    @Optional() private readonly metrics?: WarrenMetrics,
  ) {}

  @Handle(LimiterAcquire)
  async acquire(msg: LimiterAcquire, ctx: ActorContext): Promise<LimiterGrant | undefined> {
    const result = this.bucketsOf(ctx.key, ctx.self).acquire(msg.tokens, msg.requests ?? 1);
    if (result.granted) return result;
    this.metrics?.limiterRejected(ctx.key);
    const handle = ctx.replyLater();
    await ctx.replyError(handle, new RateLimitedError(ctx.self, result.retryAfterMs));
    return undefined;
  }

  private bucketsOf(tenant: string, scope: string): TenantBuckets {
    if (++this.acquires % SWEEP_EVERY === 0) this.sweep();
    let b = this.buckets.get(tenant);
    if (!b) {
      b = new TenantBuckets(scope, limitsOf(this.options, tenant), this.clock ?? SYSTEM_CLOCK);
      this.buckets.set(tenant, b);
    }
    return b;
  }

  private sweep(): void {
    for (const [tenant, b] of this.buckets) if (b.isIdle()) this.buckets.delete(tenant);
  }
}
