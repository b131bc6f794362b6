/**
 * Time for schedulers: what time it is and a way to wait until a time. `SystemClock` in
 * production; tests move a `ManualClock` (a fake jest clock cannot move broker TTLs or a
 * database's view of time, so the scheduler reads time only through this port).
 */
export interface Clock {
  /** Epoch milliseconds. */
  now(): number;
  /** Resolves once `now() >= until`, or at once when `signal` aborts (never rejects). */
  sleepUntil(until: number, signal?: AbortSignal): Promise<void>;
}
