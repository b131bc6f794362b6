// The token-cost-aware limiter on the real broker: exact admission under 500 concurrent asks,
// settles that refund, daily budgets with their typed error, queue mode answered by a deferred
// reply, and budget usage that survives a restart (saved every limiter.budgetFlushMs).
import { BudgetExceededError, LimiterAcquire, type LimiterGrant, LimiterSettle, RateLimitedError } from '@warren/contracts';
import { ActorStateBudgetStore, type BudgetStore, LimiterActor, type LimiterOptions, resolveLimiterOptions } from '@warren/models';
import { eventually, useVhost } from './support/broker';
import { type InProcessRuntime, startRuntime, tempDir } from './support/runtime';

const vhost = useVhost('limiter-cost');
const dataDir = tempDir('limiter-cost');

const FLUSH_MS = 200;
const options = resolveLimiterOptions(
  {
    requestsPerMinute: 1,
    tokensPerMinute: 1_000_000,
    budgetFlushMs: FLUSH_MS,
    tenants: {
      // Exactness: 100 requests, nothing refills during the test (1 per minute).
      exact: { requestsPerMinute: 1, burst: 100 },
      // Settle: room for exactly one reservation of 1000 tokens at a time.
      settle: { requestsPerMinute: 600, tokensPerMinute: 1000 },
      budget: { requestsPerMinute: 600, dailyTokens: 1000 },
      // Queue: 1 request a second, waiting up to 2.5 s.
      queued: { requestsPerMinute: 60, burst: 1 / 60, mode: 'queue', queueTimeoutMs: 2500 },
      durable: { requestsPerMinute: 600, dailyTokens: 5000 },
      // Per user: 2 requests a minute each, inside the tenant's 600.
      peruser: { requestsPerMinute: 600, userRequestsPerMinute: 2 },
    },
  },
  { askTimeoutMs: 10_000 },
);

/** A runtime hosting the limiter, its budgets saved in that runtime's store (shared `dataDir`: a restart finds them). */
async function startLimiterNode(opts: LimiterOptions = options): Promise<{ node: InProcessRuntime; limiter: LimiterActor }> {
  let store: BudgetStore | undefined;
  const lazy: BudgetStore = {
    load: (tenant) => (store as BudgetStore).load(tenant),
    save: (tenant, usage, version) => (store as BudgetStore).save(tenant, usage, version),
  };
  const limiter = new LimiterActor(opts, undefined, undefined, lazy);
  const node = await startRuntime(vhost.url, [{ instance: limiter }], {
    dataDir,
    runtime: { askTimeoutMs: 10_000, mailboxCapacity: 1000 },
    amqp: { shardPrefetch: 2000 },
  });
  store = new ActorStateBudgetStore(node.store.actors);
  return { node, limiter };
}

let node: InProcessRuntime;
let limiter: LimiterActor;

beforeAll(async () => {
  ({ node, limiter } = await startLimiterNode());
});

function acquire(tenant: string, tokens: number, on = node, userId?: string): Promise<LimiterGrant> {
  return on.runtime
    .ref(`limiter/${tenant}`)
    .ask<LimiterGrant>(Object.assign(new LimiterAcquire(), { tokens, ...(userId ? { userId } : {}) }));
}

function settle(tenant: string, reserved: number, used: number, on = node): Promise<void> {
  return on.runtime.ref(`limiter/${tenant}`).tell(Object.assign(new LimiterSettle(), { reserved, used }));
}

describe('token-cost-aware limiter on the real broker', () => {
  test('500 concurrent asks against a bucket of 100 admit exactly 100', async () => {
    const results = await Promise.allSettled(Array.from({ length: 500 }, (_, i) => acquire('exact', 100 + (i % 50))));
    const grants = results.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
    const errors = results.flatMap((r) => (r.status === 'rejected' ? [r.reason] : []));
    expect(grants).toHaveLength(100);
    expect(errors).toHaveLength(400);
    expect(errors.every((e) => e instanceof RateLimitedError)).toBe(true);
    // One at a time: every remaining count from 99 down to 0 appears once (no two saw the same bucket).
    expect(grants.map((g) => g.remainingRequests).sort((a, b) => a - b)).toEqual(Array.from({ length: 100 }, (_, i) => i));
  });

  test('a turn reserving 1000 and using 100 leaves capacity for the next', async () => {
    expect(await acquire('settle', 1000)).toMatchObject({ granted: true, remainingTokens: 0 });
    await expect(acquire('settle', 900)).rejects.toBeInstanceOf(RateLimitedError);
    await settle('settle', 1000, 100);
    // The settle is a tell and the ask goes after it to the same actor: order holds.
    expect(await acquire('settle', 900)).toMatchObject({ granted: true });
  });

  test('over the daily budget: BudgetExceededError with the period, limit, usage and reset time', async () => {
    expect(await acquire('budget', 800)).toMatchObject({ granted: true });
    await settle('budget', 800, 700);
    const err = await acquire('budget', 301).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(BudgetExceededError);
    const tomorrow = new Date(Date.UTC(new Date().getUTCFullYear(), new Date().getUTCMonth(), new Date().getUTCDate() + 1));
    expect(err).toMatchObject({
      code: 'WARREN_BUDGET_EXCEEDED',
      retryable: false,
      scope: 'limiter/budget',
      period: 'daily',
      limit: 1000,
      used: 700,
      resetsAt: tomorrow.toISOString(),
    });
    expect(await acquire('budget', 300)).toMatchObject({ granted: true });
  });

  test('queue mode: a request waits and is answered when capacity returns; past the timeout it is refused', async () => {
    const t0 = Date.now();
    expect(await acquire('queued', 1)).toMatchObject({ granted: true });
    const second = acquire('queued', 1);
    const third = acquire('queued', 1);
    const fourth = acquire('queued', 1).catch((e: unknown) => e);
    const g2 = await second;
    expect(g2.queuedMs).toBeGreaterThan(500);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(900);
    const g3 = await third;
    expect(g3.queuedMs).toBeGreaterThan(g2.queuedMs as number);
    // The fourth would be admitted at ~3 s, after its deadline (2.5 s): it is refused then.
    const err = await fourth;
    expect(err).toBeInstanceOf(RateLimitedError);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(2400);
    expect(Date.now() - t0).toBeLessThan(3000);
  });

  test('per-user limits: a user over theirs is refused with their scope while other users pass', async () => {
    const concurrent = await Promise.allSettled(Array.from({ length: 10 }, () => acquire('peruser', 1, node, 'u1')));
    expect(concurrent.filter((r) => r.status === 'fulfilled')).toHaveLength(2);
    const refused = concurrent.find((r) => r.status === 'rejected') as PromiseRejectedResult;
    expect(refused.reason).toBeInstanceOf(RateLimitedError);
    expect(refused.reason).toMatchObject({ scope: 'limiter/peruser~u1' });
    expect(await acquire('peruser', 1, node, 'u2')).toMatchObject({ granted: true });
    expect(await acquire('peruser', 1)).toMatchObject({ granted: true }); // no user: the tenant's buckets only
  });

  test('after a restart the budget usage is still there (within limiter.budgetFlushMs)', async () => {
    expect(await acquire('durable', 4000)).toMatchObject({ granted: true });
    await settle('durable', 4000, 3000);
    // Saved by the batch timer (every FLUSH_MS), not per message: wait until the store has it.
    const saved = new ActorStateBudgetStore(node.store.actors);
    await eventually(async () => (await saved.load('durable')).usage?.dayUsed === 3000, 'the budget saved by the flush timer');
    await node.stop();
    ({ node, limiter } = await startLimiterNode());
    const err = await acquire('durable', 2001).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'WARREN_BUDGET_EXCEEDED', used: 3000, limit: 5000 });
    expect(await acquire('durable', 2000)).toMatchObject({ granted: true });
    await limiter.flushBudgets();
  });
});
