import { Inject, Logger, type OnModuleDestroy, Optional } from '@nestjs/common';
import { Actor, type ActorContext, Handle } from '@warren/actors';
import {
  CancelledError,
  LimiterAcquire,
  LimiterCancel,
  LimiterCheck,
  type LimiterCheckAnswer,
  type LimiterGrant,
  LimiterLease,
  type LimiterLeaseAnswer,
  LimiterLeaseReturn,
  LimiterSettle,
  RateLimitedError,
} from '@warren/contracts';
import { WarrenMetrics } from '@warren/telemetry';
import { TenantBudgetBook } from './budget-book';
import { type BudgetStore, LIMITER_BUDGET_STORE } from './budget-store';
import { LIMITER_OPTIONS, type LimiterOptions, limitsOf, userLimitsOf } from './limiter-options';
import { TenantBuckets } from './tenant-buckets';
import type { TenantLimiter } from './tenant-limiter';
import { type Clock, SYSTEM_CLOCK } from './token-bucket';
import { WaitQueue } from './wait-queue';

/** Nest injection token of the limiter's clock (tests); the wall clock when not provided. */
export const LIMITER_CLOCK = Symbol('warren:limiter-clock');

/** Idle tenants (full buckets, nobody waiting, budget saved) are forgotten every this many messages. */
const SWEEP_EVERY = 1000;

/** Named grants kept per tenant for a late `LimiterCancel` (oldest forgotten first). */
export const GRANTS_KEPT = 10_000;

/** Leases kept per tenant for their return (oldest forgotten first: a return then changes nothing). */
export const LEASES_KEPT = 1000;

/** A lease is granted only while both buckets hold at least this share of their capacity after it. */
export const LEASE_MIN_FREE = 0.5;

/** How long a `LimiterCheck` asker may skip asking again for a tenant far from its limits. */
export const CHECK_CLEAR_MS = 1000;

/**
 * `limiter/<tenant>`: token-cost-aware admission of a tenant's turns.
 *
 * - **Buckets** (requests/minute, tokens/minute) in memory. A turn reserves its estimated cost
 *   (`LimiterAcquire`: counted prompt + max output); after the reply it tells `LimiterSettle`
 *   with the real usage, which refunds or charges the difference.
 * - **Budgets** (tokens per UTC day / month, `dailyTokens` / `monthlyTokens`): checked and charged
 *   with the reservation, corrected by the settle, saved in batches at most every `budgetFlushMs`
 *   ({@link TenantBudgetBook}); a crash forgives at most that much settled usage. Over a budget
 *   the answer is `BudgetExceededError` (`WARREN_BUDGET_EXCEEDED`).
 * - **Refuse or queue** per tenant (`mode`). Refuse answers `RateLimitedError` at once. Queue
 *   keeps the ask's deferred reply (`ctx.replyLater()`) in a FIFO and returns, so the mailbox
 *   goes on (settles arrive and refill the bucket); a timer in this process and every settle
 *   drain the FIFO. Past `queueTimeoutMs` the answer is `RateLimitedError`.
 *
 * An entity actor: one activation per tenant in the cluster (single active consumer shards)
 * and one message at a time, so no two acquires race (no over-admission, no Redis). The timer
 * that drains the queue runs between messages on the same event loop and its bucket arithmetic
 * is synchronous, so it cannot interleave with a handler's either. The entity is stateless for
 * the runtime (no store round trip per ask; budgets are saved by the book, in the otherwise
 * unused record of `limiter/<tenant>`). An acquire whose reservation id is granted and not yet
 * settled is granted again without a second charge, so a turn that runs again (after a crash, or
 * a retry in place) reserves once; otherwise a redelivered message is applied again (no
 * processed ids), which only over-charges (or, for a settle's refund, forgives one turn).
 *
 * **Leases** (`LimiterLease`, `limiter.leaseShare` of the capacities, default 5 %): a process
 * running many turns of a tenant far from its limits takes a share of the buckets at once and
 * admits its turns itself, giving back what is left after `leaseTtlMs` or 1 s idle
 * (`LimiterLeaseReturn`). The share is charged when leased, so the tenant is never admitted
 * beyond its limits; a process that dies with a lease leaves it charged. Near the limits, with a
 * queue or per-user limits, leases are refused and every turn acquires here.
 *
 * A turn that gives up its ask (interrupted, timed out) tells `LimiterCancel` with its
 * reservation id: a waiting reservation leaves the queue, a granted one not yet settled (the last
 * {@link GRANTS_KEPT} named grants per tenant are remembered) is refunded.
 *
 * Per-user limits (`userRequestsPerMinute`, `userTokensPerMinute`; off by default) are buckets
 * per `userId` inside the tenant's activation, not actors of their own: a request must pass its
 * user's and its tenant's buckets together, which one activation decides atomically (two actors
 * would need a two-phase reservation). A user over their own limit is refused at once, scope
 * `limiter/<tenant>~<userId>`, even in queue mode. Budgets stay per tenant. A refusal is an answer, never a thrown error: the entity runtime
 * retries a thrown retryable error in place (holding the mailbox). A cost above a bucket's
 * capacity throws `LimiterCapacityError` (not retryable, answered at once).
 */
@Actor('limiter', { stateless: true })
export class LimiterActor implements OnModuleDestroy {
  private readonly tenants = new Map<string, Promise<TenantLimiter>>();
  private readonly logger = new Logger('LimiterActor');
  private messages = 0;

  constructor(
    @Inject(LIMITER_OPTIONS) private readonly options: LimiterOptions,
    @Optional() @Inject(LIMITER_CLOCK) private readonly clock: Clock = SYSTEM_CLOCK,
    @Optional() private readonly metrics?: WarrenMetrics,
    @Optional() @Inject(LIMITER_BUDGET_STORE) private readonly budgetStore?: BudgetStore,
  ) {}

  @Handle(LimiterAcquire)
  async acquire(msg: LimiterAcquire, ctx: ActorContext): Promise<LimiterGrant | undefined> {
    const t = await this.tenantOf(ctx.key, ctx.self);
    const tokens = msg.tokens;
    const requests = msg.requests ?? 1;
    // The same reservation again (a turn run again after a crash or a retry in place): it holds
    // its grant already, so it is granted again without charging twice.
    if (msg.reservationId !== undefined && t.granted.has(msg.reservationId)) return this.grantAgain(t);
    const wait = t.buckets.waitMs(tokens, requests); // throws LimiterCapacityError
    const user = this.userBuckets(t, msg.userId);
    const userWait = user?.waitMs(tokens, requests) ?? 0;
    const over = t.book.budget.check(tokens);
    if (over) return this.refuse(ctx, over);
    // A user over their own limit is refused at once, in queue mode too: waiting at the head of
    // the tenant's FIFO would hold back every other user behind them.
    if (userWait > 0) {
      this.metrics?.limiterRejected(ctx.key);
      return this.refuse(ctx, new RateLimitedError(user?.scope ?? ctx.self, userWait));
    }
    if (t.queue.length === 0 && wait === 0) return this.admit(t, tokens, requests, msg.reservationId, msg.userId);
    if (t.limits.mode === 'refuse' || t.queue.length >= t.limits.maxQueued) {
      this.metrics?.limiterRejected(ctx.key);
      return this.refuse(ctx, new RateLimitedError(ctx.self, Math.max(wait, 1)));
    }
    const handle = ctx.replyLater();
    const now = this.clock.now();
    t.queue.push({
      tokens,
      requests,
      since: now,
      deadline: now + t.limits.queueTimeoutMs,
      handle: {
        reservationId: msg.reservationId,
        userId: msg.userId,
        grant: (v) => ctx.reply(handle, v),
        fail: (e) => ctx.replyError(handle, e),
      },
    });
    this.drain(t);
    return undefined;
  }

  /**
   * Says, taking nothing, whether `LimiterAcquire` would certainly refuse a request of at least
   * `tokens` now (answered with the refusal's error), else whether it would be queued. Not certain
   * (admitted) while a lease is out: its holder admits turns from it without asking here.
   */
  @Handle(LimiterCheck)
  async check(msg: LimiterCheck, ctx: ActorContext): Promise<LimiterCheckAnswer | undefined> {
    const t = await this.tenantOf(ctx.key, ctx.self);
    if (t.leases.size > 0) return { queued: false, clearMs: 0 };
    let wait: number;
    try {
      wait = t.buckets.waitMs(msg.tokens);
    } catch {
      return { queued: false, clearMs: 0 }; // a capacity refusal: the acquire names the real cost
    }
    const over = t.book.budget.check(msg.tokens);
    if (over) return this.refuse(ctx, over);
    const user = this.userBuckets(t, msg.userId);
    const userWait = user?.waitMs(msg.tokens) ?? 0;
    if (userWait > 0) return this.refuse(ctx, new RateLimitedError(user?.scope ?? ctx.self, userWait));
    if (t.queue.length === 0 && wait === 0) {
      const cap = t.buckets.capacity();
      const left = t.buckets.remaining();
      const far =
        !t.userLimits &&
        left.tokens - msg.tokens >= cap.tokens * LEASE_MIN_FREE &&
        left.requests - 1 >= cap.requests * LEASE_MIN_FREE &&
        !t.book.budget.check(cap.tokens);
      return { queued: false, clearMs: far ? CHECK_CLEAR_MS : 0 };
    }
    if (t.limits.mode === 'refuse' || t.queue.length >= t.limits.maxQueued)
      return this.refuse(ctx, new RateLimitedError(ctx.self, Math.max(wait, 1)));
    return { queued: true, clearMs: 0 };
  }

  @Handle(LimiterSettle)
  async settle(msg: LimiterSettle, ctx: ActorContext): Promise<void> {
    const t = await this.tenantOf(ctx.key, ctx.self);
    if (msg.reservationId !== undefined) t.granted.delete(msg.reservationId);
    const delta = msg.used - msg.reserved;
    t.buckets.settle(delta);
    this.userBuckets(t, msg.userId)?.settle(delta);
    t.book.charge(delta);
    if (delta < 0 && t.queue.length > 0) this.drain(t);
  }

  /**
   * Withdraws a reservation whose asker gave up: dropped from the queue while it waits (its ask is
   * answered `WARREN_CANCELLED`, to nobody), or refunded in full when it was granted and not
   * settled (the request stays counted). An unknown id changes nothing.
   */
  @Handle(LimiterCancel)
  async cancel(msg: LimiterCancel, ctx: ActorContext): Promise<void> {
    const t = await this.tenantOf(ctx.key, ctx.self);
    const waiting = t.queue.remove((a) => a.reservationId === msg.reservationId);
    if (waiting) {
      waiting.handle.fail(new CancelledError(`${t.scope}: reservation ${msg.reservationId} cancelled`)).catch(() => undefined);
      if (t.queue.length > 0) this.drain(t); // the head may have changed
      return;
    }
    const grant = t.granted.get(msg.reservationId);
    if (grant === undefined) return;
    t.granted.delete(msg.reservationId);
    t.buckets.settle(-grant.tokens);
    this.userBuckets(t, grant.userId)?.settle(-grant.tokens);
    t.book.charge(-grant.tokens);
    if (t.queue.length > 0) this.drain(t);
  }

  /**
   * Leases `leaseShare` of the tenant's capacities to one process (see `LimiterLease`), charged
   * now to the buckets and the budgets; refused (`{ granted: false }`, nothing taken) unless the
   * tenant is far from its limits: both buckets at least {@link LEASE_MIN_FREE} full after it,
   * nobody queued, no per-user limits (a lease cannot hold a user's buckets), the budgets not
   * reached, and the share at least what the asker needs.
   */
  @Handle(LimiterLease)
  async lease(msg: LimiterLease, ctx: ActorContext): Promise<LimiterLeaseAnswer> {
    const t = await this.tenantOf(ctx.key, ctx.self);
    const share = this.options.leaseShare;
    if (share === 0 || t.userLimits || t.queue.length > 0) return { granted: false };
    const capacity = t.buckets.capacity();
    const tokens = Math.floor(capacity.tokens * share);
    const requests = Math.floor(capacity.requests * share);
    if (tokens < msg.minTokens || requests < msg.minRequests) return { granted: false };
    const left = t.buckets.remaining();
    const free = (held: number, taken: number, cap: number) => held - taken >= cap * LEASE_MIN_FREE;
    if (!free(left.tokens, tokens, capacity.tokens) || !free(left.requests, requests, capacity.requests)) return { granted: false };
    if (t.book.budget.check(tokens)) return { granted: false };
    this.admit(t, tokens, requests);
    if (!t.leases.has(msg.leaseId)) {
      t.leases.set(msg.leaseId, { tokens, requests, at: this.clock.now() });
      if (t.leases.size > LEASES_KEPT) t.leases.delete(t.leases.keys().next().value as string);
    }
    return { granted: true, tokens, requests, ttlMs: this.options.leaseTtlMs };
  }

  /** Takes a lease back: what it did not use is refunded (a negative rest is charged); an unknown lease changes nothing. */
  @Handle(LimiterLeaseReturn)
  async leaseReturn(msg: LimiterLeaseReturn, ctx: ActorContext): Promise<void> {
    const t = await this.tenantOf(ctx.key, ctx.self);
    const lease = t.leases.get(msg.leaseId);
    if (!lease) return;
    t.leases.delete(msg.leaseId);
    // Never more back than was leased.
    const tokens = Math.min(msg.tokens, lease.tokens);
    const requests = Math.min(msg.requests, lease.requests);
    t.buckets.returnLease(tokens, requests);
    t.book.charge(-tokens);
    if (t.queue.length > 0) this.drain(t);
  }

  /** Answers every waiter `WARREN_RATE_LIMITED` (its asker may retry elsewhere) and saves the budgets. */
  async onModuleDestroy(): Promise<void> {
    const all = await Promise.allSettled([...this.tenants.values()]);
    const saves: Promise<void>[] = [];
    for (const r of all) {
      if (r.status !== 'fulfilled') continue;
      const t = r.value;
      if (t.timer) clearTimeout(t.timer);
      for (const w of t.queue.clear()) w.handle.fail(new RateLimitedError(t.scope, 1000)).catch(() => undefined);
      saves.push(t.book.flush().finally(() => t.book.close()));
    }
    await Promise.allSettled(saves);
  }

  /** Saves every tenant's unsaved budget usage now (tests, shutdown). */
  async flushBudgets(): Promise<void> {
    for (const p of this.tenants.values()) await (await p).book.flush();
  }

  private admit(t: TenantLimiter, tokens: number, requests: number, reservationId?: string, userId?: string): LimiterGrant {
    const r = t.buckets.acquire(tokens, requests);
    const u = this.userBuckets(t, userId)?.acquire(tokens, requests);
    // Only called after waitMs() said 0 for both within the same synchronous step.
    if (!r.granted || (u && !u.granted)) throw new Error('limiter invariant broken: a checked acquire was refused');
    t.book.charge(tokens);
    if (reservationId !== undefined) {
      t.granted.delete(reservationId); // re-inserted last: the oldest go first
      t.granted.set(reservationId, { tokens, userId });
      if (t.granted.size > GRANTS_KEPT) t.granted.delete(t.granted.keys().next().value as string);
    }
    return r;
  }

  /** The answer to a reservation that is granted already: what is left, nothing taken. */
  private grantAgain(t: TenantLimiter): LimiterGrant {
    const left = t.buckets.remaining();
    return { granted: true, remainingRequests: left.requests, remainingTokens: left.tokens };
  }

  private async refuse(ctx: ActorContext, error: Error): Promise<undefined> {
    await ctx.replyError(ctx.replyLater(), error);
    return undefined;
  }

  /** Admits waiting heads while capacity lasts, answers expired ones, and sets the timer for the next look. */
  private drain(t: TenantLimiter): void {
    if (t.timer) clearTimeout(t.timer);
    t.timer = undefined;
    const now = this.clock.now();
    const { outcomes, nextCheckMs } = t.queue.drain<LimiterGrant>(now, (w) => {
      const over = t.book.budget.check(w.tokens);
      if (over) return { error: over };
      const user = this.userBuckets(t, w.handle.userId);
      const userWait = user?.waitMs(w.tokens, w.requests) ?? 0;
      if (userWait > 0) return { error: new RateLimitedError(user?.scope ?? t.scope, userWait) };
      const wait = t.buckets.waitMs(w.tokens, w.requests);
      if (wait > 0) return { waitMs: wait };
      const grant = this.admit(t, w.tokens, w.requests, w.handle.reservationId, w.handle.userId);
      return { granted: { ...grant, queuedMs: now - w.since } };
    });
    for (const o of outcomes) {
      let sent: Promise<void>;
      if ('admitted' in o) sent = o.waiter.handle.grant(o.admitted);
      else if ('refused' in o) sent = o.waiter.handle.fail(o.refused);
      else {
        this.metrics?.limiterRejected(t.tenant);
        sent = o.waiter.handle.fail(new RateLimitedError(t.scope, Math.max(1, t.buckets.waitMs(o.waiter.tokens, o.waiter.requests))));
      }
      sent.catch((err: Error) => this.logger.warn(`${t.scope}: a deferred reply was not sent: ${err.message}`));
    }
    if (nextCheckMs !== undefined) {
      t.timer = setTimeout(() => this.drain(t), nextCheckMs);
      t.timer.unref();
    }
  }

  private tenantOf(tenant: string, scope: string): Promise<TenantLimiter> {
    if (++this.messages % SWEEP_EVERY === 0) void this.sweep();
    let p = this.tenants.get(tenant);
    if (!p) {
      p = this.open(tenant, scope);
      this.tenants.set(tenant, p);
      p.catch(() => this.tenants.delete(tenant)); // a failed load is tried again by the next message
    }
    return p;
  }

  private async open(tenant: string, scope: string): Promise<TenantLimiter> {
    const limits = limitsOf(this.options, tenant);
    const book = await TenantBudgetBook.open({
      tenant,
      scope,
      limits,
      clock: this.clock,
      store: this.budgetStore,
      flushMs: this.options.budgetFlushMs,
      logger: this.logger,
    });
    const buckets = new TenantBuckets(scope, limits, this.clock);
    const userLimits = userLimitsOf(limits);
    return {
      tenant,
      scope,
      limits,
      buckets,
      book,
      queue: new WaitQueue(),
      granted: new Map(),
      leases: new Map(),
      userLimits,
      users: new Map(),
    };
  }

  /** The buckets of `userId` in tenant `t` (scope `limiter/<tenant>~<userId>`); undefined without per-user limits or user. */
  private userBuckets(t: TenantLimiter, userId: string | undefined): TenantBuckets | undefined {
    if (!t.userLimits || userId === undefined) return undefined;
    let b = t.users.get(userId);
    if (!b) {
      b = new TenantBuckets(`${t.scope}~${userId}`, t.userLimits, this.clock);
      t.users.set(userId, b);
    }
    return b;
  }

  private async sweep(): Promise<void> {
    for (const [tenant, p] of this.tenants) {
      const t = await p.catch(() => undefined);
      if (!t) continue;
      for (const [userId, b] of t.users) if (b.isIdle()) t.users.delete(userId);
      // A lease not back long after its time went with its process (crash): it stays charged.
      const lost = this.clock.now() - 2 * this.options.leaseTtlMs - 60_000;
      for (const [id, lease] of t.leases) if (lease.at < lost) t.leases.delete(id);
      if (t.queue.length === 0 && t.buckets.isIdle() && t.users.size === 0 && t.leases.size === 0 && !t.book.dirty) {
        t.book.close();
        this.tenants.delete(tenant);
      }
    }
  }
}
