import type { ModuleRef } from '@nestjs/core';
import { CLUSTER_HEALTH, ClusterHealth, EndpointHealth, MODEL_ENDPOINTS } from '@warren/models';
import { EndpointsController, NO_HEALTH_HERE } from './endpoints.controller';
import type { GatewayHealth } from './gateway-health';

function moduleRef(providers: Map<symbol, unknown>): ModuleRef {
  return {
    get: (token: symbol) => {
      if (!providers.has(token)) throw new Error('not found');
      return providers.get(token);
    },
  } as unknown as ModuleRef;
}

describe('EndpointsController', () => {
  let now = 1_000_000;
  const clock = { now: () => now };

  it("shows the cluster's view: this node's tracker merged with another node's announcement", () => {
    const health = new EndpointHealth({ failureThreshold: 1, cooldownMs: 5000 }, clock);
    health.recordStart('fast');
    health.recordSuccess('fast', 12.34);
    health.recordStart('down');
    health.recordFailure('down', Object.assign(new Error('503'), { retryable: true }));
    health.recordStart('fast');
    const cluster = new ClusterHealth('n1', health, clock);
    cluster.apply({
      kind: 'health',
      node: 'n2',
      at: now,
      endpoints: { fast: { state: 'healthy', ewmaLatencyMs: 30, samples: 3, outstanding: 2, consecutiveFailures: 0 } },
    });
    const gateway = { cluster: new ClusterHealth('gw', undefined, clock) } as GatewayHealth;
    const controller = new EndpointsController(
      moduleRef(
        new Map<symbol, unknown>([
          [CLUSTER_HEALTH, cluster],
          [MODEL_ENDPOINTS, new Map([['local', {}]])],
        ]),
      ),
      gateway,
    );
    const view = controller.list();
    expect(view.scope).toBe('cluster');
    expect(view.nodes.map((n) => n.node)).toEqual(['n1', 'n2']);
    expect(view.note).toBeUndefined();
    expect(view.endpoints).toEqual([
      {
        name: 'down',
        state: 'cooldown',
        cooldownUntil: new Date(now + 5000).toISOString(),
        samples: 0,
        outstanding: 0,
        consecutiveFailures: 1,
        served: false,
      },
      // (12.34 * 1 + 30 * 3) / 4
      { name: 'fast', state: 'healthy', latencyMs: 25.6, samples: 4, outstanding: 3, consecutiveFailures: 0, served: false },
      { name: 'local', state: 'healthy', samples: 0, outstanding: 0, consecutiveFailures: 0, served: true },
    ]);
    now += 5000;
    expect(controller.list().endpoints[0]).toMatchObject({ name: 'down', state: 'healthy' });
  });

  it('a gateway without a runtime shows what the runtime nodes announced, and says so when none did lately', () => {
    const gateway = { cluster: new ClusterHealth('gw', undefined, clock) } as GatewayHealth;
    const controller = new EndpointsController(moduleRef(new Map()), gateway);
    expect(controller.list()).toMatchObject({ scope: 'unavailable', nodes: [], note: NO_HEALTH_HERE, endpoints: [] });
    expect(NO_HEALTH_HERE).toContain('/metrics');
    gateway.cluster.apply({
      kind: 'health',
      node: 'rt1',
      at: now,
      endpoints: {
        flaky: { state: 'cooldown', cooldownUntil: now + 1000, ewmaLatencyMs: 0, samples: 0, outstanding: 0, consecutiveFailures: 3 },
      },
    });
    expect(controller.list()).toMatchObject({
      scope: 'cluster',
      nodes: [{ node: 'rt1' }],
      endpoints: [{ name: 'flaky', state: 'cooldown' }],
    });
    now += 7000; // past three announcement periods: rt1 is gone
    expect(controller.list()).toMatchObject({ scope: 'unavailable', endpoints: [] });
  });
});
