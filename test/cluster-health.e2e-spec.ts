// Endpoint health leaves the node that measured it: a runtime and a standalone gateway as two
// processes. A turn finds the `flaky` endpoint down on the runtime (cooldown after one failure);
// the runtime announces it on warren.control and the gateway, which makes no model calls, shows
// it in GET /v1/admin/endpoints with the runtime among the nodes of its view. (That a router skips
// an endpoint another node announced down is the unit test libs/models/src/health/cluster-health.spec.ts:
// which node runs a session is up to the shards' single active consumers, so an e2e cannot place it.)
import { rmSync } from 'node:fs';
import { AppProcess } from './support/app-process';
import { autoTeardown, eventually, useVhost } from './support/broker';
import { EventTap } from './support/event-tap';
import { tempDir } from './support/runtime';

const vhost = useVhost('cluster-health');
let gateway: AppProcess;
let tap: EventTap;

beforeAll(async () => {
  const dataDir = tempDir('cluster-health');
  autoTeardown({ close: () => rmSync(dataDir, { recursive: true, force: true }) });
  const env = {
    AMQP_URL: vhost.url,
    WARREN_DATA_DIR: dataDir,
    WARREN__AMQP__SHARD_COUNT: '4',
    WARREN__PROACTIVE__ENABLED: 'false',
    WARREN__RUNTIME__ENTITY_BACKOFF_MS: '[20]',
    WARREN__MODELS__HEALTH__FAILURE_THRESHOLD: '1',
    WARREN__MODELS__HEALTH__COOLDOWN_MS: '120000',
    WARREN__MODELS__ENDPOINTS: JSON.stringify({
      flaky: { kind: 'local', latencyMs: 1, failureRate: 1 },
      steady: { kind: 'local', latencyMs: 1, perDeltaMs: 0 },
    }),
    WARREN__ROUTING__STRATEGIES: JSON.stringify({ resilient: { kind: 'static', endpoint: 'flaky', fallbacks: ['steady'] } }),
    WARREN__ROUTING__DEFAULT: 'resilient',
  };
  await autoTeardown(new AppProcess('runtime', { ...env, WARREN__RUNTIME__NODE_ID: 'rt-a' })).whenReady();
  gateway = await autoTeardown(new AppProcess('gateway', env)).whenReady();
  tap = autoTeardown(await EventTap.open(vhost.url));
}, 120_000);

test("a cooldown measured on the runtime is in the standalone gateway's view", async () => {
  const id = await tap.say('ch-0', 'hello there');
  expect((await tap.waitFor(id, 'reply', 30_000)).event.data).toMatchObject({ model: 'steady' });
  interface View {
    scope: string;
    nodes: { node: string }[];
    endpoints: { name: string; state: string; cooldownUntil?: string; consecutiveFailures: number }[];
  }
  const view = await eventually(
    async () => {
      const res = await fetch(`${gateway.url}/v1/admin/endpoints`, { headers: { authorization: 'Bearer dev-admin-key' } });
      const v = (await res.json()) as View;
      return v.scope === 'cluster' && v.endpoints.find((e) => e.name === 'flaky')?.state === 'cooldown' ? v : undefined;
    },
    'the cooldown announced to the gateway',
    15_000,
  );
  expect(view.nodes.map((n) => n.node)).toEqual(['rt-a']);
  expect(view.endpoints.find((e) => e.name === 'flaky')).toMatchObject({ consecutiveFailures: 1, cooldownUntil: expect.any(String) });
  expect(view.endpoints.find((e) => e.name === 'steady')).toMatchObject({ state: 'healthy' });
}, 60_000);
