// Leases through real sessions: a tenant far from its limits admits this process's turns from
// one lease of its limiter (5 % of its buckets, taken at once), and once the lease is back the
// buckets hold exactly what the turns used: nothing lost, nothing charged twice.
import { LimiterAcquire, type LimiterGrant } from '@warren/contracts';
import { useVhost } from './support/broker';
import type { EventTap } from './support/event-tap';
import { type InProcessRuntime, startRuntime } from './support/runtime';
import { startSystem } from './support/system';

const vhost = useVhost('limiter-leases');
let tap: EventTap;
let client: InProcessRuntime;

// Capacity 6,000,000 requests and tokens, refilling 1 of each per second: far from the limits,
// and the refill during the test stays within a few dozen.
const CAPACITY = 6_000_000;
const LEASE = CAPACITY * 0.05;
const SESSIONS = 4;
const TURNS = 5;

beforeAll(async () => {
  ({ tap } = await startSystem('runtime', vhost.url, {
    WARREN__LIMITER__TENANTS: JSON.stringify({ dev: { requestsPerMinute: 60, tokensPerMinute: 60, burst: 100_000 } }),
    WARREN__PROACTIVE__ENABLED: 'false',
  }));
  // A client that hosts nothing: it asks the tenant's limiter what its buckets hold.
  client = await startRuntime(vhost.url, [], { kinds: { limiter: 'entity' } });
});

/** What `limiter/dev` holds after taking one more token (and one request). */
function remaining(): Promise<LimiterGrant> {
  return client.runtime.ref('limiter/dev').ask<LimiterGrant>(Object.assign(new LimiterAcquire(), { tokens: 1 }));
}

test('turns draw from one lease; once it is back the buckets are charged exactly what the turns used', async () => {
  let used = 0;
  await Promise.all(
    Array.from({ length: SESSIONS }, async (_, s) => {
      for (let t = 0; t < TURNS; t++) {
        const reply = await tap.waitFor(await tap.say(`lease-${s}`, `question ${t} of session ${s}`), 'reply');
        const usage = reply.event.data.usage as { promptTokens: number; completionTokens: number };
        expect(usage.promptTokens + usage.completionTokens).toBeGreaterThan(0);
        used += usage.promptTokens + usage.completionTokens;
      }
    }),
  );
  // The lease is still out (it goes back after 1 s idle): the buckets are short of all of it.
  const during = await remaining();
  expect(during.remainingRequests).toBeLessThanOrEqual(CAPACITY - LEASE);
  expect(during.remainingTokens).toBeLessThanOrEqual(CAPACITY - LEASE);

  // Back after 1 s idle: only the turns' real usage (and the two probes) stays charged.
  await new Promise((r) => setTimeout(r, 2500));
  const after = await remaining();
  const refill = 60; // at most a minute of refill at 1 per second: the test takes seconds
  expect(after.remainingTokens).toBeGreaterThanOrEqual(CAPACITY - used - 2);
  expect(after.remainingTokens).toBeLessThanOrEqual(CAPACITY - used - 2 + refill);
  expect(after.remainingRequests).toBeGreaterThanOrEqual(CAPACITY - SESSIONS * TURNS - 2);
  expect(after.remainingRequests).toBeLessThanOrEqual(CAPACITY - SESSIONS * TURNS - 2 + refill);
}, 60_000);
