import type { ActorContext, DeferredReply } from '@warren/actors';
import { RateLimitedError } from '@warren/contracts';
import { WarrenMetrics } from '@warren/telemetry';
import { LimiterActor } from './limiter.actor';
import { LimiterCapacityError } from './limiter.errors';
import { resolveLimiterOptions } from './limiter-options';

/** A hand-made context: records deferred replies instead of sending them. */
function contextFor(tenant: string) {
  const errors: unknown[] = [];
  const ctx = {
    key: tenant,
    self: `limiter/${tenant}`,
    replyLater: (): DeferredReply => ({ messageId: 'm1' }) as DeferredReply,
    replyError: async (_handle: DeferredReply, error: unknown) => {
      errors.push(error);
    },
  } as unknown as ActorContext;
  return { ctx, errors };
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
});
