import type { EndpointHealth } from '../health/endpoint-health';

/**
 * What the router reads about endpoint health: `state(name)` of the node's tracker
 * (`EndpointHealth`, fed by the calls this node makes) or, in a runtime, of the cluster's view
 * (`ClusterHealth`: that tracker merged with the other nodes' announcements). `claimProbe` is the
 * one thing the router changes there: a latency probe handed out (see `EndpointHealth#claimProbe`).
 */
export type RouterHealthView = Pick<EndpointHealth, 'state' | 'claimProbe'>;

/** A health view with no measurements: every endpoint healthy, nothing known. */
export const NO_HEALTH: RouterHealthView = Object.freeze({
  state: () => ({ state: 'healthy' as const, ewmaLatencyMs: 0, samples: 0, outstanding: 0, consecutiveFailures: 0 }),
  claimProbe: () => false,
});
