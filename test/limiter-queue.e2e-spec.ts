// Queue mode through real sessions: a tenant over its rate does not fail its turns, they wait in
// the limiter's FIFO (deferred replies) and are answered as capacity comes back; a turn that
// would wait longer than limiter.queueTimeoutMs still ends with WARREN_RATE_LIMITED.
import type { WarrenStore } from '@warren/store';
import { eventually, useVhost } from './support/broker';
import type { EventTap } from './support/event-tap';
import { startSystem } from './support/system';

const vhost = useVhost('limiter-queue');
let tap: EventTap;
let store: WarrenStore;

beforeAll(async () => {
  ({ tap, store } = await startSystem('runtime', vhost.url, {
    // 2 requests at once, then 1 a second; a turn waits up to 2.5 s.
    WARREN__LIMITER__TENANTS: JSON.stringify({ dev: { requestsPerMinute: 60, burst: 2 / 60, mode: 'queue', queueTimeoutMs: 2500 } }),
    WARREN__PROACTIVE__ENABLED: 'false',
  }));
});

test('turns over the rate wait for capacity and are answered; past the queue timeout they fail', async () => {
  const t0 = Date.now();
  const taskIds = await Promise.all(Array.from({ length: 5 }, (_, i) => tap.say(`queue-${i}`, `hello ${i}`)));
  const ends = await Promise.all(taskIds.map(async (id) => ({ end: await tap.waitForEnd(id), at: Date.now() - t0 })));
  const replies = ends.filter((e) => e.end.kind === 'reply');
  const failed = ends.filter((e) => e.end.kind === 'failed');
  // 2 at once, the 3rd after ~1 s, the 4th after ~2 s; the 5th would need ~3 s > 2.5 s.
  expect(replies).toHaveLength(4);
  expect(failed).toHaveLength(1);
  expect(failed[0].end.event.data).toMatchObject({ code: 'WARREN_RATE_LIMITED' });
  const times = replies.map((r) => r.at).sort((a, b) => a - b);
  expect(times[3]).toBeGreaterThanOrEqual(1800);
}, 60_000);

test('a turn interrupted while it waits leaves the queue: the next one takes its place', async () => {
  // a1 and a2 empty the bucket, whatever an earlier test left in it: from full they run at once,
  // from empty they wait at most ~2 s (< queueTimeoutMs). Both are answered before b comes: three
  // new sessions start in any order, and a b admitted ahead of a2 would run through instead of waiting.
  const a1 = await tap.say('cancel-a1', 'first');
  const a2 = await tap.say('cancel-a2', 'second');
  expect((await tap.waitForEnd(a1)).kind).toBe('reply');
  expect((await tap.waitForEnd(a2)).kind).toBe('reply');
  const t0 = Date.now();
  const b = await tap.say('cancel-b', 'waits, then is interrupted');
  // Interrupt once b's turn runs (it then waits in the limiter's queue), however loaded the machine is.
  await eventually(async () => (await store.tasks.get(tap.task(b)))?.status === 'running', 'b running');
  await tap.interrupt('cancel-b');
  const c = await tap.say('cancel-c', 'waits behind b');
  expect((await tap.waitForEnd(b)).kind).toBe('interrupted');
  expect((await tap.waitForEnd(c)).kind).toBe('reply');
  // c was admitted at the first refill (~1 s), not the second (~2 s) that b would have taken.
  expect(Date.now() - t0).toBeLessThan(1700);
}, 30_000);
