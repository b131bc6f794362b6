import { type EndpointHealthOptions, resolveEndpointHealthOptions } from './endpoint-health-options';

/** Nest injection token of a node's {@link EndpointHealth}: `@Inject(ENDPOINT_HEALTH)`. */
export const ENDPOINT_HEALTH = Symbol('warren:endpoint-health');

/** `healthy`: take calls. `cooldown`: skip it until `cooldownUntil` (it comes back on its own). */
export type EndpointState = 'healthy' | 'cooldown';

/** What {@link EndpointHealth.state} tells about one endpoint, now. */
export interface EndpointHealthState {
  readonly state: EndpointState;
  /** Epoch ms when the cooldown ends; only while `state` is `cooldown`. */
  readonly cooldownUntil?: number;
  /**
   * EWMA of the latencies given to `recordSuccess`, in ms; 0 until the first sample (`samples`
   * tells), so an endpoint never measured looks fastest and gets tried. Warren's callers pass the
   * time to the first delta (see {@link trackCompletion}).
   */
  readonly ewmaLatencyMs: number;
  /** Latency samples averaged so far. */
  readonly samples: number;
  /** Calls started (`recordStart`) and not yet ended (success, failure or cancel). */
  readonly outstanding: number;
  /** Retryable failures since the last success. */
  readonly consecutiveFailures: number;
  /** Epoch ms of the last latency sample; absent before the first. */
  readonly lastSampleAt?: number;
}

/** A source of epoch ms; `@warren/actors`' `ManualClock` and `SystemClock` fit. */
export interface HealthClock {
  now(): number;
}

interface Entry {
  ewma: number;
  samples: number;
  /** Epoch ms of the last latency sample (0: none). */
  sampledAt: number;
  /** Epoch ms of the last probe handed out (`claimProbe`). */
  probedAt: number;
  outstanding: number;
  failures: number;
  cooldownUntil: number;
  /** Set when a cooldown starts: the first retryable failure after it ends starts the next one at once. */
  probation: boolean;
}

/**
 * Live health of model endpoints, by name, as seen by this process: consecutive retryable
 * failures put an endpoint in cooldown for `cooldownMs`; it is `healthy` again on its own once
 * that time passed (half-open: until its next success, one more retryable failure sends it
 * straight back into cooldown). Also keeps an EWMA of latency and the outstanding calls, for
 * performance-based routing.
 *
 * Only retryable failures count (`error.retryable === true`: timeouts, 429, 5xx, connection
 * errors, cut streams). A 400, an auth error or a too-long prompt is the request's or the
 * configuration's fault, not the endpoint's being down: it ends the call (outstanding − 1)
 * without touching the failure count. Unknown names are healthy with no measurements.
 * In-memory and synchronous; safe to share in one process.
 */
export class EndpointHealth {
  readonly options: Readonly<EndpointHealthOptions>;
  private readonly entries = new Map<string, Entry>();

  constructor(
    options: Partial<EndpointHealthOptions> = {},
    private readonly clock: HealthClock = { now: () => Date.now() },
  ) {
    this.options = Object.freeze(resolveEndpointHealthOptions(options));
  }

  /** The state of `name` now. */
  state(name: string): EndpointHealthState {
    const e = this.entries.get(name);
    if (!e) return { state: 'healthy', ewmaLatencyMs: 0, samples: 0, outstanding: 0, consecutiveFailures: 0 };
    const base = {
      ewmaLatencyMs: e.ewma,
      samples: e.samples,
      outstanding: e.outstanding,
      consecutiveFailures: e.failures,
      ...(e.samples > 0 ? { lastSampleAt: e.sampledAt } : {}),
    };
    return this.inCooldown(e) ? { state: 'cooldown', cooldownUntil: e.cooldownUntil, ...base } : { state: 'healthy', ...base };
  }

  /** True when `name` may take calls now (not in cooldown). */
  isAvailable(name: string): boolean {
    const e = this.entries.get(name);
    return !e || !this.inCooldown(e);
  }

  /** Every endpoint seen so far (plus `names`, so configured but unused endpoints show), by name. */
  snapshot(names: Iterable<string> = []): Record<string, EndpointHealthState> {
    const out: Record<string, EndpointHealthState> = {};
    for (const name of [...new Set([...names, ...this.entries.keys()])].sort()) out[name] = this.state(name);
    return out;
  }

  /**
   * True, once per `latencyProbeMs`, for a measured endpoint not in cooldown whose last latency
   * sample (and last probe) is older than `latencyProbeMs`: the caller routes one call to it so its
   * latency is measured again. Each true answer starts a new period, so concurrent turns probe once.
   */
  claimProbe(name: string): boolean {
    const period = this.options.latencyProbeMs;
    const e = this.entries.get(name);
    if (period === 0 || !e || e.samples === 0 || this.inCooldown(e)) return false;
    const now = this.clock.now();
    if (now - Math.max(e.sampledAt, e.probedAt) < period) return false;
    e.probedAt = now;
    return true;
  }

  /** A call to `name` started. */
  recordStart(name: string): void {
    this.entry(name).outstanding += 1;
  }

  /** A call to `name` succeeded after `latencyMs` (by convention the time to its first delta). */
  recordSuccess(name: string, latencyMs: number): void {
    const e = this.end(name);
    e.failures = 0;
    e.probation = false;
    if (Number.isFinite(latencyMs) && latencyMs >= 0) {
      const now = this.clock.now();
      // After a gap of a probe period the old average says how the endpoint was, not how it is: start again.
      const stale = this.options.latencyProbeMs > 0 && now - e.sampledAt >= this.options.latencyProbeMs;
      e.ewma = e.samples === 0 || stale ? latencyMs : this.options.ewmaAlpha * latencyMs + (1 - this.options.ewmaAlpha) * e.ewma;
      e.samples += 1;
      e.sampledAt = now;
    }
  }

  /**
   * A call to `name` failed with `error`. Counts toward cooldown only when `error.retryable`
   * is true (works for local errors and for `RemoteError`s from another node alike).
   * @returns whether the failure counted.
   */
  recordFailure(name: string, error: unknown): boolean {
    const e = this.end(name);
    if (!isRetryable(error)) return false;
    e.failures += 1;
    if (this.inCooldown(e)) return true; // calls that were in flight when the cooldown began do not extend it
    if (e.failures >= this.options.failureThreshold || e.probation) {
      e.cooldownUntil = this.clock.now() + this.options.cooldownMs;
      e.probation = true;
    }
    return true;
  }

  /** A call to `name` was cancelled (or abandoned): it ends without saying anything about the endpoint. */
  recordCancelled(name: string): void {
    this.end(name);
  }

  private inCooldown(e: Entry): boolean {
    return this.clock.now() < e.cooldownUntil;
  }

  private end(name: string): Entry {
    const e = this.entry(name);
    e.outstanding = Math.max(0, e.outstanding - 1);
    return e;
  }

  private entry(name: string): Entry {
    let e = this.entries.get(name);
    if (!e) {
      e = { ewma: 0, samples: 0, sampledAt: 0, probedAt: 0, outstanding: 0, failures: 0, cooldownUntil: 0, probation: false };
      this.entries.set(name, e);
    }
    return e;
  }
}

function isRetryable(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as { retryable?: unknown }).retryable === true;
}
