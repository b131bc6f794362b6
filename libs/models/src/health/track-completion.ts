import type { Completion } from '../model-endpoint.port';
import type { EndpointHealth, HealthClock } from './endpoint-health';

/**
 * Feeds `health` from one completion of endpoint `name`: `recordStart` now; when it ends,
 * `recordSuccess` with the time to the first delta (the latency a user waits for; a completion
 * without deltas counts its whole time), `recordFailure(error)`, or `recordCancelled` for
 * `finishReason: 'cancelled'`. Returns a completion that behaves exactly like the original.
 */
export function trackCompletion(
  health: EndpointHealth,
  name: string,
  completion: Completion,
  clock: HealthClock = { now: () => Date.now() },
): Completion {
  const started = clock.now();
  let firstDeltaAt: number | undefined;
  health.recordStart(name);
  const result = completion.result.then(
    (end) => {
      if (end.finishReason === 'cancelled') health.recordCancelled(name);
      else health.recordSuccess(name, (firstDeltaAt ?? clock.now()) - started);
      return end;
    },
    (error: unknown) => {
      health.recordFailure(name, error);
      throw error;
    },
  );
  result.catch(() => undefined);
  async function* deltas(): AsyncGenerator<string, void, undefined> {
    for await (const delta of completion.deltas) {
      firstDeltaAt ??= clock.now();
      yield delta;
    }
  }
  return { deltas: deltas(), result };
}
