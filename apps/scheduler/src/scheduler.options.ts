import { InvalidOptionsError } from '@warren/contracts';

/** Options of the scheduler; every field documented with its default (config `scheduler:`). */
export interface SchedulerOptions {
  /** @default true */
  enabled: boolean;
  /** Lease owner id; two schedulers running at once need different ids. @default `<hostname>-<pid>` (the node id) */
  instanceId: string;
  /** Wait between claims when the last one was not full. @default 250 */
  pollIntervalMs: number;
  /** Reminders per claim, 1..1000. @default 500 */
  batchSize: number;
  /** How long a claim holds. @default 30000 */
  leaseMs: number;
  /** Fires later than this are missed (the policy applies). @default 10000 */
  missedFireGraceMs: number;
  /** Fires of one reminder delivered per claim at most. @default 100 */
  maxFiresPerClaim: number;
}

/** Defaults of {@link SchedulerOptions} (the instance id has none: it is the node's). */
export const SCHEDULER_DEFAULTS: Readonly<Omit<SchedulerOptions, 'instanceId'>> = Object.freeze({
  enabled: true,
  pollIntervalMs: 250,
  batchSize: 500,
  leaseMs: 30_000,
  missedFireGraceMs: 10_000,
  maxFiresPerClaim: 100,
});

const KNOWN = new Set([...Object.keys(SCHEDULER_DEFAULTS), 'instanceId']);

/** Fills defaults, rejects unknown keys and bad ranges with `InvalidOptionsError` naming the key. */
export function resolveSchedulerOptions(raw: Partial<SchedulerOptions> & { instanceId: string }): SchedulerOptions {
  for (const key of Object.keys(raw)) if (!KNOWN.has(key)) throw new InvalidOptionsError(`scheduler.${key}`, 'is not a scheduler option');
  const d = SCHEDULER_DEFAULTS;
  const o: SchedulerOptions = {
    enabled: raw.enabled ?? d.enabled,
    instanceId: raw.instanceId,
    pollIntervalMs: raw.pollIntervalMs ?? d.pollIntervalMs,
    batchSize: raw.batchSize ?? d.batchSize,
    leaseMs: raw.leaseMs ?? d.leaseMs,
    missedFireGraceMs: raw.missedFireGraceMs ?? d.missedFireGraceMs,
    maxFiresPerClaim: raw.maxFiresPerClaim ?? d.maxFiresPerClaim,
  };
  if (typeof o.enabled !== 'boolean') throw new InvalidOptionsError('scheduler.enabled', 'must be a boolean');
  if (typeof o.instanceId !== 'string' || !/^[\w.:-]{1,128}$/.test(o.instanceId))
    throw new InvalidOptionsError('scheduler.instanceId', 'must be 1 to 128 letters, digits, or . _ : -');
  const ranges: [keyof SchedulerOptions, number, number][] = [
    ['pollIntervalMs', 1, 60_000],
    ['batchSize', 1, 1000],
    ['leaseMs', 100, Number.MAX_SAFE_INTEGER],
    ['missedFireGraceMs', 0, Number.MAX_SAFE_INTEGER],
    ['maxFiresPerClaim', 1, 10_000],
  ];
  for (const [key, min, max] of ranges) {
    const v = o[key];
    if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max)
      throw new InvalidOptionsError(`scheduler.${key}`, `must be an integer from ${min} to ${max} (got ${String(v)})`);
  }
  return o;
}
