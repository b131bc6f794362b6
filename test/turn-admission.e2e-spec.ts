// Honest answers at accept time (all-in-one app): POST /v1/sessions/:id/messages answers 429 with
// Retry-After and a problem document when the tenant's limiter is sure to refuse the turn now (rate
// limit bucket empty in refuse mode, a budget smaller than the text alone), and nothing is recorded;
// it keeps 202 while the turn would wait in the tenant's queue (queue mode).
import { createHash } from 'node:crypto';
import type { AppProcess } from './support/app-process';
import { useVhost } from './support/broker';
import type { EventTap } from './support/event-tap';
import { startSystem } from './support/system';

const sha256 = (key: string) => `sha256:${createHash('sha256').update(key).digest('hex')}`;
const vhost = useVhost('turn-admission');
let app: AppProcess;
let tap: EventTap;

beforeAll(async () => {
  ({ app, tap } = await startSystem('warren', vhost.url, {
    WARREN__GATEWAY__TENANTS: JSON.stringify({
      rl: { apiKeys: [sha256('rl-key')] },
      q: { apiKeys: [sha256('q-key')] },
      bud: { apiKeys: [sha256('bud-key')] },
    }),
    WARREN__LIMITER__TENANTS: JSON.stringify({
      rl: { requestsPerMinute: 1 },
      q: { requestsPerMinute: 1, mode: 'queue', queueTimeoutMs: 2000 },
      bud: { dailyTokens: 5 },
    }),
    WARREN__PROACTIVE__ENABLED: 'false',
  }));
});

function post(tenant: string, sessionId: string, text: string): Promise<Response> {
  return fetch(`${app.url}/v1/sessions/${sessionId}/messages`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${tenant}-key` },
    body: JSON.stringify({ text }),
  });
}

test('refuse mode: once the bucket is empty the POST answers 429 WARREN_RATE_LIMITED with Retry-After', async () => {
  const first = await post('rl', 'a1', 'hello there');
  expect(first.status).toBe(202);
  const { taskId } = (await first.json()) as { taskId: string };
  expect((await tap.waitForEnd(taskId, 30_000)).kind).toBe('reply'); // the turn took the one request

  const second = await post('rl', 'a2', 'hello again');
  expect(second.status).toBe(429);
  expect(second.headers.get('content-type')).toMatch(/^application\/problem\+json/);
  const retryAfter = Number(second.headers.get('retry-after'));
  expect(retryAfter).toBeGreaterThanOrEqual(1);
  expect(retryAfter).toBeLessThanOrEqual(60);
  expect(await second.json()).toMatchObject({ status: 429, code: 'WARREN_RATE_LIMITED' });
}, 60_000);

test('a budget the text alone would overrun: 429 WARREN_BUDGET_EXCEEDED with Retry-After until the day ends', async () => {
  const res = await post('bud', 'b1', 'a question that is certainly longer than five tokens of budget');
  expect(res.status).toBe(429);
  const retryAfter = Number(res.headers.get('retry-after'));
  expect(retryAfter).toBeGreaterThanOrEqual(1);
  expect(retryAfter).toBeLessThanOrEqual(86_400);
  expect(await res.json()).toMatchObject({ status: 429, code: 'WARREN_BUDGET_EXCEEDED' });
}, 30_000);

test('queue mode: a turn that will wait for capacity is still accepted with 202', async () => {
  const first = await post('q', 'c1', 'hello there');
  expect(first.status).toBe(202);
  const { taskId } = (await first.json()) as { taskId: string };
  expect((await tap.waitForEnd(taskId, 30_000)).kind).toBe('reply');

  const queued = await post('q', 'c2', 'hello again');
  expect(queued.status).toBe(202);
  const { taskId: queuedId } = (await queued.json()) as { taskId: string };
  // It waited its queue timeout and was refused there: the refusal was not certain at accept time.
  const end = await tap.waitForEnd(queuedId, 30_000);
  expect(end).toMatchObject({ kind: 'failed', event: { data: { code: 'WARREN_RATE_LIMITED' } } });
}, 60_000);
