// Exactness through real sessions: 500 turns from 50 sessions at once against a tenant bucket of
// 100 requests; exactly 100 are answered, the other 400 end with a failed event WARREN_RATE_LIMITED
// (and no dead letter: a refusal is not a fault).
import type { WarrenStore } from '@warren/store';
import { eventually, useVhost } from './support/broker';
import type { EventTap } from './support/event-tap';
import { startSystem } from './support/system';

const vhost = useVhost('limiter-sessions');
let tap: EventTap;
let store: WarrenStore;

const SESSIONS = 50;
const TURNS = 10;
const CAPACITY = 100;

beforeAll(async () => {
  ({ tap, store } = await startSystem('runtime', vhost.url, {
    // 100 requests, refilling 1 a minute: nothing refills during the test; tokens never limit.
    WARREN__LIMITER__TENANTS: JSON.stringify({ dev: { requestsPerMinute: 1, burst: CAPACITY, tokensPerMinute: 1_000_000 } }),
    WARREN__PROACTIVE__ENABLED: 'false',
  }));
});

test(`${SESSIONS * TURNS} turns from ${SESSIONS} sessions against a bucket of ${CAPACITY} admit exactly ${CAPACITY}`, async () => {
  const says: Promise<string>[] = [];
  for (let t = 0; t < TURNS; t++) for (let s = 0; s < SESSIONS; s++) says.push(tap.say(`exact-${s}`, `question ${t} of session ${s}`));
  const taskIds = await Promise.all(says);
  const ends = await eventually(
    () => {
      const found = taskIds.flatMap((id) => tap.ofTask(id).filter((e) => e.kind === 'reply' || e.kind === 'failed'));
      return found.length >= taskIds.length ? found : undefined;
    },
    'every turn ended',
    60_000,
    100,
  );
  expect(ends).toHaveLength(SESSIONS * TURNS); // one end per turn, never two
  const replies = ends.filter((e) => e.kind === 'reply');
  const failed = ends.filter((e) => e.kind === 'failed');
  expect(replies).toHaveLength(CAPACITY);
  expect(failed).toHaveLength(SESSIONS * TURNS - CAPACITY);
  expect(failed.every((e) => (e.event.data as { code?: string }).code === 'WARREN_RATE_LIMITED')).toBe(true);
  // A refusal is an answer, not a fault: no dead letters.
  await new Promise((r) => setTimeout(r, 300));
  expect((await store.deadLetters.list({})).items).toHaveLength(0);
}, 90_000);
