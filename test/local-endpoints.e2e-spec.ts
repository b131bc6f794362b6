// Routing shown without any upstream: model endpoints configured as more local models (`models.endpoints`
// with `kind: local`, each its own latency and failure rate), served by the all-in-one app's own worker
// pools, and routed by config alone — a failing endpoint falls back to a steady one, the latency strategy
// prefers the fast one once it has measured both — with the health of each in GET /v1/admin/endpoints.
import { useVhost } from './support/broker';
import { startSystem, type TestSystem } from './support/system';

const vhost = useVhost('local-endpoints');
let sys: TestSystem;

beforeAll(async () => {
  sys = await startSystem('warren', vhost.url, {
    WARREN__RUNTIME__ENTITY_BACKOFF_MS: '[20]',
    WARREN__MODELS__ENDPOINTS: JSON.stringify({
      flaky: { kind: 'local', latencyMs: 1, failureRate: 1 },
      steady: { kind: 'local', latencyMs: 1, perDeltaMs: 0 },
      quick: { kind: 'local', latencyMs: 1, perDeltaMs: 0 },
      sluggish: { kind: 'local', latencyMs: 250, perDeltaMs: 0 },
    }),
    WARREN__ROUTING__STRATEGIES: JSON.stringify({
      resilient: { kind: 'static', endpoint: 'flaky', fallbacks: ['steady'] },
      fastest: { kind: 'performance', endpoints: ['sluggish', 'quick'], metric: 'latency' },
    }),
    WARREN__ROUTING__ROUTES: JSON.stringify({ voice: 'fastest' }),
    WARREN__ROUTING__DEFAULT: 'resilient',
  });
});

async function get(path: string, auth: string) {
  const res = await fetch(`${sys.app.url}${path}`, { headers: { authorization: auth } });
  return (await res.json()) as Record<string, unknown>;
}

describe('configured local endpoints', () => {
  it('a failing local endpoint falls back to a steady one; both are served, measured and journaled', async () => {
    const taskId = await sys.tap.say('le-fallback', 'hello there');
    const reply = await sys.tap.waitFor(taskId, 'reply');
    expect(reply.event.data).toMatchObject({ model: 'steady' });
    const task = await get(`/v1/tasks/${sys.tap.task(taskId)}`, 'Bearer dev-key');
    expect((task.routing as { attempts: unknown[] }).attempts).toEqual([
      expect.objectContaining({ endpoint: 'flaky', outcome: 'failed', code: 'WARREN_MODEL_UNAVAILABLE' }),
      expect.objectContaining({ endpoint: 'steady', outcome: 'ok', why: 'fallback' }),
    ]);
    const { endpoints } = (await get('/v1/admin/endpoints', 'Bearer dev-admin-key')) as {
      endpoints: { name: string; served: boolean; consecutiveFailures: number }[];
    };
    expect(endpoints.map((e) => e.name)).toEqual(expect.arrayContaining(['local', 'flaky', 'steady', 'quick', 'sluggish']));
    expect(endpoints.find((e) => e.name === 'flaky')).toMatchObject({ served: true, consecutiveFailures: 1 });
    expect(endpoints.find((e) => e.name === 'steady')).toMatchObject({ served: true, consecutiveFailures: 0 });
  });

  it('the latency strategy answers from the faster local endpoint once both were measured', async () => {
    const models: string[] = [];
    for (let i = 0; i < 6; i++) {
      const taskId = await sys.tap.say('le-perf', `question number ${i}`, { data: { channel: 'voice' } });
      models.push((await sys.tap.waitFor(taskId, 'reply')).event.data.model as string);
    }
    expect(new Set(models)).toContain('quick');
    expect(models.slice(-3)).toEqual(['quick', 'quick', 'quick']);
  });
});
