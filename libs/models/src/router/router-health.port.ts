import type { EndpointHealth } from '../health/endpoint-health';

/**
 * What the router reads about endpoint health: `EndpointHealth.state(name)` of the node's
 * tracker. The tracker lives where model calls are made (each runtime node measures the calls
 * its sessions make), so the view is per node. `claimProbe` is the one thing the router changes
 * there: a latency probe handed out (see `EndpointHealth#claimProbe`).
 */
export type RouterHealthView = Pick<EndpointHealth, 'state' | 'claimProbe'>;

/** A health view with no measurements: every endpoint healthy, nothing known. */
export const NO_HEALTH: RouterHealthView = Object.freeze({
  state: () => ({ state: 'healthy' as const, ewmaLatencyMs: 0, samples: 0, outstanding: 0, consecutiveFailures: 0 }),
  claimProbe: () => false,
});
