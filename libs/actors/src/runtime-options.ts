import { InvalidOptionsError } from '@warren/contracts';
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
});

const KNOWN = new Set(Object.keys(RUNTIME_DEFAULTS));

/** Fills defaults (`??`, so a deliberate 0 stays 0), rejects unknown keys and bad ranges. */
export function resolveRuntimeOptions(raw: Partial<RuntimeOptions> = {}): RuntimeOptions {
  for (const key of Object.keys(raw)) if (!KNOWN.has(key)) throw new InvalidOptionsError(key, 'is not a runtime option');
  for (const key of Object.keys(raw.retry ?? {})) {
    if (key !== 'entityBackoffMs' && key !== 'workerTiersMs') throw new InvalidOptionsError(`retry.${key}`, 'is not a retry option');
  }
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
  return o;
}
