import { LimiterAcquire, type LimiterGrant, RateLimitedError, RemoteError } from '@warren/contracts';
import { isLimiterCapacityError, LimiterActor, resolveLimiterOptions } from '@warren/models';
import { useVhost } from './support/broker';
import { type InProcessRuntime, startRuntime } from './support/runtime';

const vhost = useVhost('limiter');
let node: InProcessRuntime;

// Capacity = burst × requestsPerMinute = 20 requests, refilling one per minute: nothing refills during a test.
const N = 20;
const options = resolveLimiterOptions({
  requestsPerMinute: 1,
  tokensPerMinute: 1000,
  burst: N,
  tenants: { small: { burst: 2 } },
});

beforeAll(async () => {
  node = await startRuntime(vhost.url, [{ instance: new LimiterActor(options) }], {
    runtime: { askTimeoutMs: 5000, mailboxCapacity: 4 * N },
    amqp: { shardPrefetch: 8 * N },
  });
});

function acquire(tenant: string, tokens = 1): Promise<LimiterGrant> {
  return node.runtime.ref(`limiter/${tenant}`).ask<LimiterGrant>(Object.assign(new LimiterAcquire(), { tokens }));
}

/** Settles every ask: the grants and the errors. */
async function burst(tenant: string, count: number): Promise<{ grants: LimiterGrant[]; errors: unknown[] }> {
  const results = await Promise.allSettled(Array.from({ length: count }, () => acquire(tenant)));
  return {
    grants: results.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : [])),
    errors: results.flatMap((r) => (r.status === 'rejected' ? [r.reason] : [])),
  };
}

describe('limiter/<tenant> on the real broker', () => {
  test(`a bucket of ${N} requests admits exactly ${N} of ${3 * N} concurrent asks; the rest get RateLimitedError`, async () => {
    const { grants, errors } = await burst('t1', 3 * N);
    expect(grants).toHaveLength(N);
    expect(errors).toHaveLength(2 * N);
    // One at a time: every remaining count from N-1 down to 0 appears exactly once.
    expect(grants.map((g) => g.remainingRequests).sort((a, b) => a - b)).toEqual(Array.from({ length: N }, (_, i) => i));
    for (const err of errors) {
      expect(err).toBeInstanceOf(RateLimitedError);
      expect(err).toMatchObject({ code: 'WARREN_RATE_LIMITED', scope: 'limiter/t1', retryable: true });
      expect((err as RateLimitedError).retryAfterMs).toBeGreaterThan(0);
    }
  });

  test('two tenants have separate buckets', async () => {
    await burst('t2a', N);
    await expect(acquire('t2a')).rejects.toBeInstanceOf(RateLimitedError);
    expect(await acquire('t2b')).toMatchObject({ granted: true, remainingRequests: N - 1 });
  });

  test('a per-tenant override applies', async () => {
    const { grants, errors } = await burst('small', 5);
    expect(grants).toHaveLength(2);
    expect(errors.every((e) => e instanceof RateLimitedError && e.scope === 'limiter/small')).toBe(true);
  });

  test('a token cost above the bucket capacity is refused for good with its own error, and takes nothing', async () => {
    const err = await acquire('t3', 1000 * N + 1).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RemoteError);
    expect(err).not.toBeInstanceOf(RateLimitedError);
    expect(isLimiterCapacityError(err)).toBe(true);
    expect(err).toMatchObject({
      code: 'WARREN_LIMITER_CAPACITY_EXCEEDED',
      retryable: false,
      details: { scope: 'limiter/t3', bucket: 'tokens', requested: 1000 * N + 1, capacity: 1000 * N },
    });
    expect((err as Error).message).toMatch(/can never pass/);
    expect(await acquire('t3', 1000 * N)).toEqual({ granted: true, remainingRequests: N - 1, remainingTokens: 0 });
  });
});
