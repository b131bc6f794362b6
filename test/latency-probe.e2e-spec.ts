// Latency routing measures again the endpoint it stopped using (all-in-one app, two `kind: local`
// endpoints): once both are measured the faster one takes the turns, and after
// models.health.latencyProbeMs without a sample the slower one gets one turn, a probe, journaled
// on the task as such; then the faster one takes the turns again (the slow one is still slow).
import { eventually, useVhost } from './support/broker';
import { startSystem, type TestSystem } from './support/system';

const vhost = useVhost('latency-probe');
let sys: TestSystem;

beforeAll(async () => {
  sys = await startSystem('warren', vhost.url, {
    WARREN__MODELS__ENDPOINTS: JSON.stringify({
      quick: { kind: 'local', latencyMs: 1, perDeltaMs: 0 },
      sluggish: { kind: 'local', latencyMs: 300, perDeltaMs: 0 },
    }),
    WARREN__MODELS__HEALTH__LATENCY_PROBE_MS: '1500',
    WARREN__ROUTING__STRATEGIES: JSON.stringify({ fastest: { kind: 'performance', endpoints: ['sluggish', 'quick'], metric: 'latency' } }),
    WARREN__ROUTING__DEFAULT: 'fastest',
    WARREN__PROACTIVE__ENABLED: 'false',
  });
});

/** One turn; the endpoint that answered and the task's routing journal. */
async function turn(i: number): Promise<{ model: string; why: string }> {
  const id = await sys.tap.say('lp-1', `question number ${i}`);
  const model = (await sys.tap.waitFor(id, 'reply', 30_000)).event.data.model as string;
  const task = await eventually(async () => {
    const t = await sys.store.tasks.get(sys.tap.task(id));
    return t?.status === 'completed' ? t : undefined;
  }, `task of turn ${i} completed`);
  const path = (task.routing as { path?: { why: string }[] } | undefined)?.path ?? [];
  return { model, why: path[0]?.why ?? '' };
}

test('the slower endpoint is probed once per period, then the faster one answers again', async () => {
  const first = [await turn(0), await turn(1), await turn(2)].map((t) => t.model);
  expect(first.slice(-1)).toEqual(['quick']); // both measured: the faster wins
  // Turns go on; within a few seconds one of them is the probe of the slower endpoint.
  let i = 3;
  const probe = await eventually(
    async () => {
      const t = await turn(i++);
      return t.model === 'sluggish' ? t : undefined;
    },
    'a latency probe of sluggish',
    30_000,
  );
  expect(probe.why).toBe('latency probe');
  const after = await turn(i++);
  expect(after.model).toBe('quick');
}, 90_000);
