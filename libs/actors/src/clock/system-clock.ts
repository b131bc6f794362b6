import type { Clock } from '../ports/clock.port';

/** The machine's clock (`Date.now()`), waiting with timers. */
export class SystemClock implements Clock {
  now(): number {
    return Date.now();
  }

  sleepUntil(until: number, signal?: AbortSignal): Promise<void> {
    return new Promise((resolve) => {
      if (signal?.aborted) return resolve();
      const done = () => {
        clearTimeout(timer);
        signal?.removeEventListener('abort', done);
        resolve();
      };
      const timer = setTimeout(done, Math.max(0, until - Date.now()));
      signal?.addEventListener('abort', done, { once: true });
    });
  }
}
