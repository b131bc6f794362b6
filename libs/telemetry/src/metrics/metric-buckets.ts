/**
 * Histogram buckets in seconds, from 0.5 ms (an ask on loopback) to 30 s (a long model
 * stream). One set for every Warren duration, so step, turn and model latencies compare.
 */
export const DURATION_BUCKETS_SECONDS: readonly number[] = Object.freeze([
  0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30,
]);

/** Milliseconds (what Warren measures) to seconds (what Prometheus expects). */
export function msToSeconds(ms: number): number {
  return ms / 1000;
}

/** Lateness of scheduled work in seconds: 5 ms (a poll) to an hour (a scheduler that was down). */
export const LATENESS_BUCKETS_SECONDS: readonly number[] = Object.freeze([
  0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 900, 3600,
]);
