import { InvalidOptionsError } from '@warren/contracts';

/** Options of {@link EndpointHealth}; each documented with its default. */
export interface EndpointHealthOptions {
  /** Consecutive retryable failures that put an endpoint in cooldown. @default 3 */
  failureThreshold: number;
  /** How long an endpoint stays in cooldown, in ms; it is healthy again on its own afterwards. @default 30000 */
  cooldownMs: number;
  /**
   * Weight of the newest sample in the latency EWMA, in (0, 1]: `ewma = α·sample + (1−α)·ewma`.
   * 0.3 follows a change within a handful of calls without jumping on one outlier. @default 0.3
   */
  ewmaAlpha: number;
  /**
   * An endpoint the latency strategy has not measured for this long (it lost to a faster one) is
   * due a probe: the next turn routed by that strategy on this node goes to it (one turn per
   * endpoint per period), and a sample after such a gap restarts its average, so an endpoint that
   * was slow and recovered wins again. 0 turns probes off. @default 15000
   */
  latencyProbeMs: number;
}

/** Defaults of `EndpointHealthOptions`. */
export const ENDPOINT_HEALTH_DEFAULTS: Readonly<EndpointHealthOptions> = Object.freeze({
  failureThreshold: 3,
  cooldownMs: 30_000,
  ewmaAlpha: 0.3,
  latencyProbeMs: 15_000,
});

const KNOWN = new Set(Object.keys(ENDPOINT_HEALTH_DEFAULTS));

/**
 * Fills defaults (`??`, so a deliberate 0 is checked, not replaced), rejects unknown keys,
 * wrong types and out-of-range values with an `InvalidOptionsError` naming the key
 * (`models.health.cooldownMs`). `raw` may come from YAML.
 */
export function resolveEndpointHealthOptions(raw: Partial<EndpointHealthOptions> = {}): EndpointHealthOptions {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) throw new InvalidOptionsError('models.health', 'must be an object');
  for (const key of Object.keys(raw))
    if (!KNOWN.has(key)) throw new InvalidOptionsError(`models.health.${key}`, 'is not an endpoint health option');
  const d = ENDPOINT_HEALTH_DEFAULTS;
  const o: EndpointHealthOptions = {
    failureThreshold: raw.failureThreshold ?? d.failureThreshold,
    cooldownMs: raw.cooldownMs ?? d.cooldownMs,
    ewmaAlpha: raw.ewmaAlpha ?? d.ewmaAlpha,
    latencyProbeMs: raw.latencyProbeMs ?? d.latencyProbeMs,
  };
  if (!Number.isInteger(o.failureThreshold) || o.failureThreshold < 1 || o.failureThreshold > 1000)
    throw new InvalidOptionsError('models.health.failureThreshold', `must be an integer from 1 to 1000 (got ${o.failureThreshold})`);
  if (!Number.isInteger(o.cooldownMs) || o.cooldownMs < 0 || o.cooldownMs > 86_400_000)
    throw new InvalidOptionsError('models.health.cooldownMs', `must be an integer from 0 to 86400000 (got ${o.cooldownMs})`);
  if (typeof o.ewmaAlpha !== 'number' || !(o.ewmaAlpha > 0 && o.ewmaAlpha <= 1))
    throw new InvalidOptionsError('models.health.ewmaAlpha', `must be a number in (0, 1] (got ${o.ewmaAlpha})`);
  if (!Number.isInteger(o.latencyProbeMs) || o.latencyProbeMs < 0 || o.latencyProbeMs > 86_400_000)
    throw new InvalidOptionsError('models.health.latencyProbeMs', `must be an integer from 0 to 86400000 (got ${o.latencyProbeMs})`);
  return o;
}
