import { InvalidOptionsError } from '@warren/contracts';
import type { ClusterOptions } from './cluster/shard-coordinator';
import type { EntityDispatcherOptions } from './runtime/entity-dispatcher';
import type { RetryPolicyOptions } from './runtime/retry-policy';

/** Options of the actor runtime; every field documented with its default. */
export interface RuntimeOptions extends Omit<EntityDispatcherOptions, 'retry'> {
  /** Default ask timeout. @default 10000 */
  askTimeoutMs: number;
  /** How long shutdown waits for handlers in flight before aborting their signals. @default 30000 */
  drainTimeoutMs: number;
  /** @default { entityBackoffMs: [50, 250, 1000], workerTiersMs: [1000, 5000, 30000] } */
  retry: RetryPolicyOptions;
  /** Membership and shard ownership among runtime nodes. @default { heartbeatMs: 1000, failureTimeoutMs: 5000, joinWindowMs: 500, maxMovesPerStep: 8 } */
  cluster: ClusterOptions;
}

export const RUNTIME_DEFAULTS: Readonly<RuntimeOptions> = Object.freeze({
  askTimeoutMs: 10_000,
  drainTimeoutMs: 30_000,
  mailboxCapacity: 64,
  processedWindow: 256,
  passivateAfterMs: 300_000,
  maxActivations: 200_000,
  retry: Object.freeze({
    entityBackoffMs: Object.freeze([50, 250, 1000]) as number[],
    workerTiersMs: Object.freeze([1000, 5000, 30000]) as number[],
  }),
  cluster: Object.freeze({ heartbeatMs: 1000, failureTimeoutMs: 5000, joinWindowMs: 500, maxMovesPerStep: 8 }),
});

const KNOWN = new Set(Object.keys(RUNTIME_DEFAULTS));

/** Fills defaults (`??`, so a deliberate 0 stays 0), rejects unknown keys and bad ranges. */
/** What callers pass: any option, cluster options one by one. */
export type RuntimeOptionsInput = Partial<Omit<RuntimeOptions, 'cluster'>> & { cluster?: Partial<ClusterOptions> };

export function resolveRuntimeOptions(raw: RuntimeOptionsInput = {}): RuntimeOptions {
  for (const key of Object.keys(raw)) if (!KNOWN.has(key)) throw new InvalidOptionsError(key, 'is not a runtime option');
  for (const key of Object.keys(raw.retry ?? {})) {
    if (key !== 'entityBackoffMs' && key !== 'workerTiersMs') throw new InvalidOptionsError(`retry.${key}`, 'is not a retry option');
  }
  for (const key of Object.keys(raw.cluster ?? {}))
    if (!(key in RUNTIME_DEFAULTS.cluster)) throw new InvalidOptionsError(`cluster.${key}`, 'is not a cluster option');
  const d = RUNTIME_DEFAULTS;
  const o: RuntimeOptions = {
    askTimeoutMs: raw.askTimeoutMs ?? d.askTimeoutMs,
    drainTimeoutMs: raw.drainTimeoutMs ?? d.drainTimeoutMs,
    mailboxCapacity: raw.mailboxCapacity ?? d.mailboxCapacity,
    processedWindow: raw.processedWindow ?? d.processedWindow,
    passivateAfterMs: raw.passivateAfterMs ?? d.passivateAfterMs,
    maxActivations: raw.maxActivations ?? d.maxActivations,
    retry: {
      entityBackoffMs: [...(raw.retry?.entityBackoffMs ?? d.retry.entityBackoffMs)],
      workerTiersMs: [...(raw.retry?.workerTiersMs ?? d.retry.workerTiersMs)],
    },
    cluster: {
      heartbeatMs: raw.cluster?.heartbeatMs ?? d.cluster.heartbeatMs,
      failureTimeoutMs: raw.cluster?.failureTimeoutMs ?? d.cluster.failureTimeoutMs,
      joinWindowMs: raw.cluster?.joinWindowMs ?? d.cluster.joinWindowMs,
      maxMovesPerStep: raw.cluster?.maxMovesPerStep ?? d.cluster.maxMovesPerStep,
    },
  };
  for (const key of ['askTimeoutMs', 'mailboxCapacity', 'processedWindow', 'passivateAfterMs', 'maxActivations'] as const) {
    if (!Number.isInteger(o[key]) || o[key] < 1) throw new InvalidOptionsError(key, `must be a positive integer (got ${o[key]})`);
  }
  if (!Number.isInteger(o.drainTimeoutMs) || o.drainTimeoutMs < 0)
    throw new InvalidOptionsError('drainTimeoutMs', `must be an integer ≥ 0 (got ${o.drainTimeoutMs})`);
  for (const [key, list] of [
    ['retry.entityBackoffMs', o.retry.entityBackoffMs],
    ['retry.workerTiersMs', o.retry.workerTiersMs],
  ] as const) {
    if (!Array.isArray(list) || list.some((v) => !Number.isInteger(v) || v < 0))
      throw new InvalidOptionsError(key, 'must be a list of delays in ms (integers ≥ 0)');
  }
  const c = o.cluster;
  for (const key of ['heartbeatMs', 'failureTimeoutMs', 'maxMovesPerStep'] as const)
    if (!Number.isInteger(c[key]) || c[key] < 1)
      throw new InvalidOptionsError(`cluster.${key}`, `must be a positive integer (got ${c[key]})`);
  if (!Number.isInteger(c.joinWindowMs) || c.joinWindowMs < 0)
    throw new InvalidOptionsError('cluster.joinWindowMs', `must be an integer ≥ 0 (got ${c.joinWindowMs})`);
  // One lost announcement must not make a live node look dead.
  if (c.failureTimeoutMs < 2 * c.heartbeatMs)
    throw new InvalidOptionsError(
      'cluster.failureTimeoutMs',
      `must be at least twice cluster.heartbeatMs (${c.failureTimeoutMs} < 2 × ${c.heartbeatMs})`,
    );
  return o;
}
