import type { ModuleRef } from '@nestjs/core';
import { ENDPOINT_HEALTH, EndpointHealth, MODEL_ENDPOINTS } from '@warren/models';
import { EndpointsController, NO_HEALTH_HERE } from './endpoints.controller';

function moduleRef(providers: Map<symbol, unknown>): ModuleRef {
  return {
    get: (token: symbol) => {
      if (!providers.has(token)) throw new Error('not found');
      return providers.get(token);
    },
  } as unknown as ModuleRef;
}

describe('EndpointsController', () => {
  it('shows the node’s tracker: served endpoints and every endpoint called', () => {
    let now = 1_000_000;
    const health = new EndpointHealth({ failureThreshold: 1, cooldownMs: 5000 }, { now: () => now });
    health.recordStart('fast');
    health.recordSuccess('fast', 12.34);
    health.recordStart('down');
    health.recordFailure('down', Object.assign(new Error('503'), { retryable: true }));
    health.recordStart('fast');
    const view = new EndpointsController(
      moduleRef(
        new Map<symbol, unknown>([
          [ENDPOINT_HEALTH, health],
          [MODEL_ENDPOINTS, new Map([['local', {}]])],
        ]),
      ),
    ).list();
    expect(view.scope).toBe('node');
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
      { name: 'fast', state: 'healthy', latencyMs: 12.3, samples: 1, outstanding: 1, consecutiveFailures: 0, served: false },
      { name: 'local', state: 'healthy', samples: 0, outstanding: 0, consecutiveFailures: 0, served: true },
    ]);
    now += 5000;
    expect(new EndpointsController(moduleRef(new Map([[ENDPOINT_HEALTH, health]]))).list().endpoints[0]).toMatchObject({
      name: 'down',
      state: 'healthy',
    });
  });

  it('says so when this process runs no runtime (a standalone gateway), and where health lives instead', () => {
    expect(new EndpointsController(moduleRef(new Map())).list()).toMatchObject({
      scope: 'unavailable',
      note: NO_HEALTH_HERE,
      endpoints: [],
    });
    expect(NO_HEALTH_HERE).toContain('/metrics');
  });
});
