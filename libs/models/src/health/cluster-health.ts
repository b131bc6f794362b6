import type { AnnouncedEndpointHealth, HealthAnnouncement } from '@warren/actors';
import type { EndpointHealth, EndpointHealthState, HealthClock } from './endpoint-health';
import { ENDPOINT_HEALTH_DEFAULTS } from './endpoint-health-options';

/** Nest injection token of a process's {@link ClusterHealth}. */
export const CLUSTER_HEALTH = Symbol('warren:cluster-health');

/** How often a runtime node announces its endpoint health on `warren.control`, in ms. */
export const HEALTH_ANNOUNCE_MS = 2000;

/** An announcement older than this many periods is dropped: its node stopped or lost its broker. */
const FRESH_PERIODS = 3;

/** One node's part of the cluster's view. */
export interface NodeHealth {
  node: string;
  /** Epoch ms of the measurement (now, for this node). */
  at: number;
  endpoints: Record<string, EndpointHealthState>;
}

/**
 * The cluster's view of model endpoint health: this node's own tracker (`EndpointHealth`, fed by
 * its calls; absent in a gateway without a runtime) merged with what the other nodes announced on
 * `warren.control` in the last few periods. An endpoint in cooldown on any node is in cooldown here
 * (until the latest end), latency is the average over the nodes weighted by their samples (but
 * those measured long before the freshest: see `merge`), samples
 * and outstanding calls are summed, failures in a row are the most any node counts. The router reads
 * it (`RouterHealthView`), so a node skips an endpoint another node found down; probes stay per node.
 */
export class ClusterHealth {
  private readonly peers = new Map<string, HealthAnnouncement>();

  constructor(
    /** This process's node id (its own announcements, heard back on the fanout, are ignored). */
    readonly node: string,
    /** This node's tracker; absent where no model calls are made (a standalone gateway). */
    readonly local?: EndpointHealth,
    private readonly clock: HealthClock = { now: () => Date.now() },
    private readonly announceMs = HEALTH_ANNOUNCE_MS,
  ) {}

  /** Takes a node's announcement (a newer one replaces the older; this node's own are ignored). */
  apply(a: HealthAnnouncement): void {
    if (a.node === this.node) return;
    const known = this.peers.get(a.node);
    if (!known || known.at <= a.at) this.peers.set(a.node, a);
  }

  /** What this node announces: its tracker's snapshot, or nothing when it has measured nothing. */
  announcement(): HealthAnnouncement | undefined {
    const snapshot = this.local?.snapshot();
    if (!snapshot || Object.keys(snapshot).length === 0) return undefined;
    const endpoints: Record<string, AnnouncedEndpointHealth> = {};
    for (const [name, s] of Object.entries(snapshot)) {
      endpoints[name] = {
        state: s.state,
        ...(s.cooldownUntil !== undefined ? { cooldownUntil: s.cooldownUntil } : {}),
        ewmaLatencyMs: s.ewmaLatencyMs,
        samples: s.samples,
        outstanding: s.outstanding,
        consecutiveFailures: s.consecutiveFailures,
        ...(s.lastSampleAt !== undefined ? { lastSampleAt: s.lastSampleAt } : {}),
      };
    }
    return { kind: 'health', node: this.node, at: this.clock.now(), endpoints };
  }

  /** The nodes whose view is in the merge: this one (when it measures) and the peers heard from lately. */
  nodes(): NodeHealth[] {
    const now = this.clock.now();
    const out: NodeHealth[] = [];
    if (this.local) out.push({ node: this.node, at: now, endpoints: this.local.snapshot() });
    for (const [node, a] of this.peers) {
      if (now - a.at > FRESH_PERIODS * this.announceMs) {
        this.peers.delete(node);
        continue;
      }
      out.push({ node, at: a.at, endpoints: a.endpoints });
    }
    return out;
  }

  /** The merged state of `name` now. */
  state(name: string): EndpointHealthState {
    const now = this.clock.now();
    const parts = this.nodes()
      .map((n) => n.endpoints[name])
      .filter((s): s is EndpointHealthState => s !== undefined);
    return merge(parts, now, this.staleMs);
  }

  /** Every endpoint any node knows (plus `names`), merged, by name. */
  snapshot(names: Iterable<string> = []): Record<string, EndpointHealthState> {
    const now = this.clock.now();
    const nodes = this.nodes();
    const all = new Set<string>(names);
    for (const n of nodes) for (const name of Object.keys(n.endpoints)) all.add(name);
    const out: Record<string, EndpointHealthState> = {};
    for (const name of [...all].sort())
      out[name] = merge(
        nodes.map((n) => n.endpoints[name]).filter((s): s is EndpointHealthState => s !== undefined),
        now,
        this.staleMs,
      );
    return out;
  }

  /** Latency samples this much older than the freshest of an endpoint are left out of its average (the probe period). */
  private get staleMs(): number {
    const period = this.local?.options.latencyProbeMs ?? 0;
    return period > 0 ? period : ENDPOINT_HEALTH_DEFAULTS.latencyProbeMs; // probes off (0) or no tracker: the default period
  }

  /** A latency probe of this node's tracker (probes are per node: each measures its own calls). */
  claimProbe(name: string): boolean {
    return this.local?.claimProbe(name) ?? false;
  }
}

/**
 * One endpoint's state from the nodes' parts. Latency averages the nodes' EWMAs by their samples,
 * leaving out a node whose last sample is more than `staleMs` older than the freshest one: after a
 * probe found a recovered endpoint, the other nodes' old averages must not outweigh it.
 */
function merge(parts: readonly EndpointHealthState[], now: number, staleMs: number): EndpointHealthState {
  let samples = 0;
  let weighted = 0;
  let weights = 0;
  let outstanding = 0;
  let failures = 0;
  let cooldownUntil = 0;
  const freshest = Math.max(0, ...parts.map((p) => p.lastSampleAt ?? 0));
  for (const p of parts) {
    samples += p.samples;
    if (p.samples > 0 && (p.lastSampleAt === undefined || p.lastSampleAt >= freshest - staleMs)) {
      weighted += p.ewmaLatencyMs * p.samples;
      weights += p.samples;
    }
    outstanding += p.outstanding;
    failures = Math.max(failures, p.consecutiveFailures);
    if (p.state === 'cooldown' && p.cooldownUntil !== undefined && p.cooldownUntil > now)
      cooldownUntil = Math.max(cooldownUntil, p.cooldownUntil);
  }
  const base = { ewmaLatencyMs: weights > 0 ? weighted / weights : 0, samples, outstanding, consecutiveFailures: failures };
  return cooldownUntil > 0 ? { state: 'cooldown', cooldownUntil, ...base } : { state: 'healthy', ...base };
}
