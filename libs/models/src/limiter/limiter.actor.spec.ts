import type { ActorContext, DeferredReply } from '@warren/actors';
import { BudgetExceededError, RateLimitedError, StateConflictError } from '@warren/contracts';
import { WarrenMetrics } from '@warren/telemetry';
import type { BudgetStore } from './budget-store';
import { LimiterActor } from './limiter.actor';
import { LimiterCapacityError } from './limiter.errors';
import { resolveLimiterOptions } from './limiter-options';
import type { BudgetUsage } from './token-budget';

/** A hand-made context: records deferred replies instead of sending them. */
function contextFor(tenant: string) {
  const errors: unknown[] = [];
  const replies: unknown[] = [];
  const ctx = {
    key: tenant,
    self: `limiter/${tenant}`,
    replyLater: (): DeferredReply => ({ messageId: 'm1' }) as DeferredReply,
    reply: async (_handle: DeferredReply, value: unknown) => {
      replies.push(value);
    },
    replyError: async (_handle: DeferredReply, error: unknown) => {
      errors.push(error);
    },
  } as unknown as ActorContext;
  return { ctx, errors, replies };
}

/** A budget store in memory with versions, as the actors collection keeps them. */
function memoryBudgetStore() {
  const records = new Map<string, { usage: BudgetUsage; version: number }>();
  const store: BudgetStore & { records: typeof records } = {
    records,
    load: async (tenant) => ({ usage: records.get(tenant)?.usage, version: records.get(tenant)?.version ?? 0 }),
    save: async (tenant, usage, expectedVersion) => {
      const version = records.get(tenant)?.version ?? 0;
      if (version !== expectedVersion) throw new StateConflictError(`limiter/${tenant}`, expectedVersion);
      records.set(tenant, { usage: { ...usage }, version: version + 1 });
      return version + 1;
    },
  };
  return store;
}

describe('LimiterActor', () => {
  const clock = { t: 0, now: () => clock.t };
  const options = resolveLimiterOptions({ requestsPerMinute: 2, tokensPerMinute: 1000, tenants: { big: { requestsPerMinute: 5 } } });

  it('grants up to the bucket, then answers RateLimitedError without throwing', async () => {
    const metrics = new WarrenMetrics({ defaultMetrics: false });
    const actor = new LimiterActor(options, clock, metrics);
    const { ctx, errors } = contextFor('t1');
    expect(await actor.acquire({ tokens: 10 }, ctx)).toEqual({ granted: true, remainingRequests: 1, remainingTokens: 990 });
    expect(await actor.acquire({ tokens: 10 }, ctx)).toMatchObject({ granted: true, remainingRequests: 0 });
    expect(await actor.acquire({ tokens: 10 }, ctx)).toBeUndefined();
    expect(errors).toHaveLength(1);
    expect(errors[0]).toBeInstanceOf(RateLimitedError);
    expect(errors[0]).toMatchObject({ scope: 'limiter/t1', retryAfterMs: 30_000 });
    expect(await metrics.metrics()).toContain('warren_limiter_rejects_total{tenant="t1"} 1');
  });

  it('keeps a bucket per tenant, with the tenant overrides', async () => {
    const actor = new LimiterActor(options, clock);
    const a = contextFor('a');
    await actor.acquire({ tokens: 1 }, a.ctx);
    await actor.acquire({ tokens: 1 }, a.ctx);
    expect(await actor.acquire({ tokens: 1 }, contextFor('b').ctx)).toMatchObject({ granted: true, remainingRequests: 1 });
    expect(await actor.acquire({ tokens: 1 }, contextFor('big').ctx)).toMatchObject({ granted: true, remainingRequests: 4 });
  });

  it('throws LimiterCapacityError for a cost no bucket can hold', async () => {
    const actor = new LimiterActor(options, clock);
    await expect(actor.acquire({ tokens: 1001 }, contextFor('t1').ctx)).rejects.toBeInstanceOf(LimiterCapacityError);
  });

  it('a settle refunds what a turn reserved and did not use', async () => {
    const actor = new LimiterActor(resolveLimiterOptions({ tokensPerMinute: 1000 }), clock);
    const { ctx, errors } = contextFor('t1');
    expect(await actor.acquire({ tokens: 1000 }, ctx)).toMatchObject({ granted: true, remainingTokens: 0 });
    expect(await actor.acquire({ tokens: 900 }, ctx)).toBeUndefined();
    await actor.settle({ reserved: 1000, used: 100 }, ctx);
    expect(await actor.acquire({ tokens: 900 }, ctx)).toMatchObject({ granted: true, remainingTokens: 0 });
    expect(errors).toHaveLength(1);
  });

  it('answers BudgetExceededError when the reservation does not fit the daily budget', async () => {
    const day = { t: Date.parse('2026-12-01T10:00:00Z'), now: () => day.t };
    const actor = new LimiterActor(resolveLimiterOptions({ dailyTokens: 1000 }), day);
    const { ctx, errors } = contextFor('t1');
    expect(await actor.acquire({ tokens: 600 }, ctx)).toMatchObject({ granted: true });
    await actor.settle({ reserved: 600, used: 500 }, ctx);
    expect(await actor.acquire({ tokens: 501 }, ctx)).toBeUndefined();
    expect(errors[0]).toBeInstanceOf(BudgetExceededError);
    expect(errors[0]).toMatchObject({ period: 'daily', limit: 1000, used: 500, resetsAt: '2026-12-02T00:00:00.000Z' });
    expect(await actor.acquire({ tokens: 500 }, ctx)).toMatchObject({ granted: true });
  });

  it('saves budget usage in batches and finds it again after a restart', async () => {
    jest.useFakeTimers();
    try {
      const day = { t: Date.parse('2026-12-01T10:00:00Z'), now: () => day.t };
      const store = memoryBudgetStore();
      const options = resolveLimiterOptions({ dailyTokens: 1000, budgetFlushMs: 500 });
      const first = new LimiterActor(options, day, undefined, store);
      const { ctx } = contextFor('t1');
      for (let i = 0; i < 4; i++) await first.acquire({ tokens: 100 }, ctx);
      expect(store.records.size).toBe(0); // not saved per request
      await jest.advanceTimersByTimeAsync(500);
      expect(store.records.get('t1')).toEqual({ usage: { day: '2026-12-01', dayUsed: 400, month: '2026-12', monthUsed: 400 }, version: 1 });
      const second = new LimiterActor(options, day, undefined, store);
      const next = contextFor('t1');
      expect(await second.acquire({ tokens: 601 }, next.ctx)).toBeUndefined();
      expect(next.errors[0]).toMatchObject({ code: 'WARREN_BUDGET_EXCEEDED', used: 400 });
      // The first activation saves late (a hand-over): its unsaved usage is added, not lost or overwriting.
      await first.acquire({ tokens: 50 }, ctx);
      await second.acquire({ tokens: 10 }, next.ctx);
      await second.flushBudgets();
      await first.flushBudgets(); // conflict → reload → adds its 50
      await first.flushBudgets();
      expect(store.records.get('t1')?.usage.dayUsed).toBe(460);
      await first.onModuleDestroy();
      await second.onModuleDestroy();
    } finally {
      jest.useRealTimers();
    }
  });

  it('queue mode: answers waiters later in FIFO order when capacity is back, and times out the rest', async () => {
    jest.useFakeTimers();
    try {
      const qc = { t: 0, now: () => qc.t };
      const options = resolveLimiterOptions({ requestsPerMinute: 60, burst: 1 / 60, mode: 'queue', queueTimeoutMs: 2500 });
      const actor = new LimiterActor(options, qc);
      const { ctx, errors, replies } = contextFor('t1');
      expect(await actor.acquire({ tokens: 1 }, ctx)).toMatchObject({ granted: true }); // bucket of 1 request, 1/s
      expect(await actor.acquire({ tokens: 2 }, ctx)).toBeUndefined(); // waits
      expect(await actor.acquire({ tokens: 3 }, ctx)).toBeUndefined();
      expect(await actor.acquire({ tokens: 4 }, ctx)).toBeUndefined();
      expect(replies).toEqual([]);
      qc.t = 1000;
      await jest.advanceTimersByTimeAsync(1000);
      expect(replies).toEqual([expect.objectContaining({ granted: true, queuedMs: 1000 })]);
      qc.t = 2000;
      await jest.advanceTimersByTimeAsync(1000);
      expect(replies).toHaveLength(2);
      qc.t = 2500; // the third waiter's deadline: refused, not admitted
      await jest.advanceTimersByTimeAsync(500);
      expect(replies).toHaveLength(2);
      expect(errors).toHaveLength(1);
      expect(errors[0]).toBeInstanceOf(RateLimitedError);
      await actor.onModuleDestroy();
    } finally {
      jest.useRealTimers();
    }
  });
});

describe('LimiterActor cancel', () => {
  it('drops a waiting reservation from the queue, so the next one is admitted in its place', async () => {
    jest.useFakeTimers();
    try {
      const qc = { t: 0, now: () => qc.t };
      const options = resolveLimiterOptions({ requestsPerMinute: 60, burst: 1 / 60, mode: 'queue', queueTimeoutMs: 5000 });
      const actor = new LimiterActor(options, qc);
      const { ctx, errors, replies } = contextFor('t1');
      await actor.acquire({ tokens: 1, reservationId: 'r1' }, ctx);
      await actor.acquire({ tokens: 1, reservationId: 'r2' }, ctx); // waits
      await actor.acquire({ tokens: 1, reservationId: 'r3' }, ctx); // waits behind r2
      await actor.cancel({ reservationId: 'r2' }, ctx);
      expect(errors[0]).toMatchObject({ code: 'WARREN_CANCELLED' });
      qc.t = 1000;
      await jest.advanceTimersByTimeAsync(1000);
      expect(replies).toEqual([expect.objectContaining({ granted: true, queuedMs: 1000 })]); // r3, one second later
      await actor.onModuleDestroy();
    } finally {
      jest.useRealTimers();
    }
  });

  it('refunds a granted reservation that was not settled, once; a settled or unknown one changes nothing', async () => {
    const frozen = { now: () => 0 };
    const actor = new LimiterActor(resolveLimiterOptions({ tokensPerMinute: 1000 }), frozen);
    const { ctx } = contextFor('t1');
    expect(await actor.acquire({ tokens: 600, reservationId: 'r1' }, ctx)).toMatchObject({ remainingTokens: 400 });
    await actor.cancel({ reservationId: 'r1' }, ctx);
    await actor.cancel({ reservationId: 'r1' }, ctx);
    expect(await actor.acquire({ tokens: 1000, reservationId: 'r2' }, ctx)).toMatchObject({ remainingTokens: 0 });
    await actor.settle({ reserved: 1000, used: 1000, reservationId: 'r2' }, ctx);
    await actor.cancel({ reservationId: 'r2' }, ctx); // settled: not refunded
    await actor.cancel({ reservationId: 'nope' }, ctx);
    expect(await actor.acquire({ tokens: 1 }, ctx)).toBeUndefined();
  });

  it('grants a reservation asked again while it is granted without charging it twice; once settled it is a new one', async () => {
    const frozen = { now: () => 0 };
    const actor = new LimiterActor(resolveLimiterOptions({ requestsPerMinute: 10, tokensPerMinute: 1000 }), frozen);
    const { ctx } = contextFor('t1');
    expect(await actor.acquire({ tokens: 600, reservationId: 'r1' }, ctx)).toMatchObject({ remainingTokens: 400, remainingRequests: 9 });
    // The turn ran again (a crash before it settled): the same grant, nothing more taken.
    expect(await actor.acquire({ tokens: 600, reservationId: 'r1' }, ctx)).toEqual({
      granted: true,
      remainingTokens: 400,
      remainingRequests: 9,
    });
    await actor.settle({ reserved: 600, used: 100, reservationId: 'r1' }, ctx);
    expect(await actor.acquire({ tokens: 600, reservationId: 'r1' }, ctx)).toMatchObject({ remainingTokens: 300, remainingRequests: 8 });
    await actor.onModuleDestroy();
  });
});

describe('LimiterActor per-user limits', () => {
  const frozen = { now: () => 0 };

  it('counts each user in their own buckets and the tenant’s, refusing a user over theirs with its scope', async () => {
    const options = resolveLimiterOptions({ requestsPerMinute: 5, userRequestsPerMinute: 2 });
    const actor = new LimiterActor(options, frozen);
    const { ctx, errors } = contextFor('t1');
    expect(await actor.acquire({ tokens: 1, userId: 'u1' }, ctx)).toMatchObject({ granted: true });
    expect(await actor.acquire({ tokens: 1, userId: 'u1' }, ctx)).toMatchObject({ granted: true });
    expect(await actor.acquire({ tokens: 1, userId: 'u1' }, ctx)).toBeUndefined();
    expect(errors[0]).toBeInstanceOf(RateLimitedError);
    expect(errors[0]).toMatchObject({ scope: 'limiter/t1~u1' });
    // Another user still passes, until the tenant's bucket (5) is empty.
    expect(await actor.acquire({ tokens: 1, userId: 'u2' }, ctx)).toMatchObject({ granted: true, remainingRequests: 2 });
    expect(await actor.acquire({ tokens: 1, userId: 'u3' }, ctx)).toMatchObject({ granted: true });
    expect(await actor.acquire({ tokens: 1 }, ctx)).toMatchObject({ granted: true, remainingRequests: 0 });
    expect(await actor.acquire({ tokens: 1, userId: 'u4' }, ctx)).toBeUndefined();
    expect(errors[1]).toMatchObject({ scope: 'limiter/t1' });
  });

  it('refuses a user over their limit at once in queue mode, and settles the user’s tokens', async () => {
    const options = resolveLimiterOptions({ tokensPerMinute: 10_000, userTokensPerMinute: 1000, mode: 'queue' });
    const actor = new LimiterActor(options, frozen);
    const { ctx, errors, replies } = contextFor('t1');
    expect(await actor.acquire({ tokens: 1000, userId: 'u1' }, ctx)).toMatchObject({ granted: true });
    expect(await actor.acquire({ tokens: 500, userId: 'u1' }, ctx)).toBeUndefined();
    expect(errors[0]).toMatchObject({ code: 'WARREN_RATE_LIMITED', scope: 'limiter/t1~u1' });
    await actor.settle({ reserved: 1000, used: 100, userId: 'u1' }, ctx);
    expect(await actor.acquire({ tokens: 900, userId: 'u1' }, ctx)).toMatchObject({ granted: true });
    expect(replies).toEqual([]);
    await actor.onModuleDestroy();
  });
});

describe('LimiterActor leases', () => {
  // Capacities 1000 requests and 100,000 tokens; a 5 % lease is 50 requests and 5,000 tokens.
  const big = { requestsPerMinute: 1000, tokensPerMinute: 100_000 };
  const lease = (leaseId: string, minTokens = 1000, minRequests = 10) => ({ leaseId, minTokens, minRequests });

  it('leases a share of the buckets, charged at once, and takes back what was not used', async () => {
    const clock = { t: 0, now: () => clock.t };
    const actor = new LimiterActor(resolveLimiterOptions(big), clock);
    const { ctx } = contextFor('t1');
    expect(await actor.lease(lease('L1'), ctx)).toEqual({ granted: true, tokens: 5000, requests: 50, ttlMs: 10_000 });
    expect(await actor.acquire({ tokens: 1 }, ctx)).toMatchObject({ remainingRequests: 949, remainingTokens: 94_999 });
    await actor.leaseReturn({ leaseId: 'L1', tokens: 4000, requests: 40 }, ctx);
    expect(await actor.acquire({ tokens: 1 }, ctx)).toMatchObject({ remainingRequests: 988, remainingTokens: 98_998 });
    // A second return of the same lease (a redelivery) changes nothing.
    await actor.leaseReturn({ leaseId: 'L1', tokens: 4000, requests: 40 }, ctx);
    expect(await actor.acquire({ tokens: 1 }, ctx)).toMatchObject({ remainingRequests: 987, remainingTokens: 98_997 });
  });

  it('charges a negative rest and never refunds more than was leased', async () => {
    const clock = { t: 0, now: () => clock.t };
    const actor = new LimiterActor(resolveLimiterOptions(big), clock);
    const { ctx } = contextFor('t1');
    await actor.lease(lease('over'), ctx);
    await actor.leaseReturn({ leaseId: 'over', tokens: -500, requests: 0 }, ctx);
    expect(await actor.acquire({ tokens: 1 }, ctx)).toMatchObject({ remainingRequests: 949, remainingTokens: 94_499 });
    await actor.lease(lease('greedy'), ctx);
    await actor.leaseReturn({ leaseId: 'greedy', tokens: 1_000_000, requests: 1_000_000 }, ctx);
    expect(await actor.acquire({ tokens: 1 }, ctx)).toMatchObject({ remainingRequests: 948, remainingTokens: 94_498 });
  });

  it('refuses a lease, taking nothing, near the limits, for a share too small, with per-user limits, or when off', async () => {
    const clock = { t: 0, now: () => clock.t };
    const { ctx } = contextFor('t1');
    const near = new LimiterActor(resolveLimiterOptions(big), clock);
    await near.acquire({ tokens: 46_000 }, ctx); // 54,000 left: a 5,000 lease would leave 49,000 < half
    expect(await near.lease(lease('L'), ctx)).toEqual({ granted: false });
    expect(await near.acquire({ tokens: 1 }, ctx)).toMatchObject({ remainingRequests: 998, remainingTokens: 53_999 });
    const small = new LimiterActor(resolveLimiterOptions(big), clock);
    expect(await small.lease(lease('L', 5001), ctx)).toEqual({ granted: false });
    expect(await small.lease(lease('L', 1000, 51), ctx)).toEqual({ granted: false });
    const perUser = new LimiterActor(resolveLimiterOptions({ ...big, userRequestsPerMinute: 10 }), clock);
    expect(await perUser.lease(lease('L'), ctx)).toEqual({ granted: false });
    const off = new LimiterActor(resolveLimiterOptions({ ...big, leaseShare: 0 }), clock);
    expect(await off.lease(lease('L'), ctx)).toEqual({ granted: false });
  });

  it('refuses a lease the daily budget cannot hold', async () => {
    const clock = { t: 0, now: () => clock.t };
    const actor = new LimiterActor(resolveLimiterOptions({ ...big, dailyTokens: 4000 }), clock);
    expect(await actor.lease(lease('L'), contextFor('t1').ctx)).toEqual({ granted: false });
  });
});
