import type { ActorContext, DeferredReply } from '@warren/actors';
import { BudgetExceededError, RateLimitedError } from '@warren/contracts';
import { CHECK_CLEAR_MS, LimiterActor } from './limiter.actor';
import { resolveLimiterOptions } from './limiter-options';

function contextFor(tenant: string) {
  const errors: unknown[] = [];
  const ctx = {
    key: tenant,
    self: `limiter/${tenant}`,
    replyLater: (): DeferredReply => ({ messageId: 'm1' }) as DeferredReply,
    reply: async () => undefined,
    replyError: async (_handle: DeferredReply, error: unknown) => {
      errors.push(error);
    },
  } as unknown as ActorContext;
  return { ctx, errors };
}

describe('LimiterActor#check()', () => {
  const clock = { t: 0, now: () => clock.t };

  it('answers far from the limits with a clear window, nearer without one, and takes nothing', async () => {
    const actor = new LimiterActor(resolveLimiterOptions({ requestsPerMinute: 4, tokensPerMinute: 1000 }), clock);
    const { ctx } = contextFor('t1');
    expect(await actor.check({ tokens: 10 }, ctx)).toEqual({ queued: false, clearMs: CHECK_CLEAR_MS });
    expect(await actor.check({ tokens: 10 }, ctx)).toEqual({ queued: false, clearMs: CHECK_CLEAR_MS });
    await actor.acquire({ tokens: 10 }, ctx);
    await actor.acquire({ tokens: 10 }, ctx);
    await actor.acquire({ tokens: 10 }, ctx); // 1 of 4 requests left: below half
    expect(await actor.check({ tokens: 10 }, ctx)).toEqual({ queued: false, clearMs: 0 });
    expect(await actor.acquire({ tokens: 10 }, ctx)).toMatchObject({ granted: true, remainingRequests: 0 });
  });

  it('refuses with RateLimitedError in refuse mode when the bucket is empty, as the acquire would', async () => {
    const actor = new LimiterActor(resolveLimiterOptions({ requestsPerMinute: 1, tokensPerMinute: 1000 }), clock);
    const { ctx, errors } = contextFor('t2');
    await actor.acquire({ tokens: 1 }, ctx);
    expect(await actor.check({ tokens: 1 }, ctx)).toBeUndefined();
    expect(errors[0]).toBeInstanceOf(RateLimitedError);
    expect((errors[0] as RateLimitedError).retryAfterMs).toBe(60_000);
  });

  it('answers queued in queue mode while the queue has room, refused once it is full', async () => {
    const options = resolveLimiterOptions({ requestsPerMinute: 1, tokensPerMinute: 1000, mode: 'queue', maxQueued: 1 });
    const actor = new LimiterActor(options, clock);
    const { ctx, errors } = contextFor('t3');
    await actor.acquire({ tokens: 1 }, ctx);
    expect(await actor.check({ tokens: 1 }, ctx)).toEqual({ queued: true, clearMs: 0 });
    await actor.acquire({ tokens: 1 }, ctx); // waits in the queue
    expect(await actor.check({ tokens: 1 }, ctx)).toBeUndefined();
    expect(errors.at(-1)).toBeInstanceOf(RateLimitedError);
    await actor.onModuleDestroy();
  });

  it('refuses with BudgetExceededError when the daily budget is used up', async () => {
    const actor = new LimiterActor(resolveLimiterOptions({ dailyTokens: 100 }), clock);
    const { ctx, errors } = contextFor('t4');
    await actor.acquire({ tokens: 100 }, ctx);
    expect(await actor.check({ tokens: 1 }, ctx)).toBeUndefined();
    expect(errors[0]).toBeInstanceOf(BudgetExceededError);
  });

  it('is not sure (admits) while a lease is out: its holder admits turns itself', async () => {
    const options = resolveLimiterOptions({ requestsPerMinute: 100, tokensPerMinute: 100_000, leaseShare: 0.4 });
    const actor = new LimiterActor(options, clock);
    const { ctx, errors } = contextFor('t5');
    expect(await actor.lease({ leaseId: 'l1', minTokens: 1, minRequests: 1 }, ctx)).toMatchObject({ granted: true });
    for (let i = 0; i < 61; i++) await actor.acquire({ tokens: 1 }, ctx);
    expect(await actor.check({ tokens: 1 }, ctx)).toEqual({ queued: false, clearMs: 0 });
    expect(errors).toHaveLength(1); // the last acquire, not the check
  });
});
