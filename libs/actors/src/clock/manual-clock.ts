import type { Clock } from '../ports/clock.port';

interface Sleeper {
  until: number;
  wake: () => void;
}

/** A clock that moves only when told (`advance`, `set`): for tests of schedulers. */
export class ManualClock implements Clock {
  private current: number;
  private sleepers: Sleeper[] = [];

  /** @param start epoch ms; @default Date.now() */
  constructor(start: number = Date.now()) {
    this.current = start;
  }

  now(): number {
    return this.current;
  }

  /** Moves the clock `ms` forward and wakes the sleepers whose time came. */
  advance(ms: number): void {
    this.set(this.current + ms);
  }

  /** Sets the time (never backwards) and wakes the sleepers whose time came. */
  set(at: number | Date): void {
    const t = typeof at === 'number' ? at : at.getTime();
    if (t < this.current)
      throw new RangeError(`ManualClock cannot go back (${new Date(t).toISOString()} < ${new Date(this.current).toISOString()})`);
    this.current = t;
    const due = this.sleepers.filter((s) => s.until <= t);
    this.sleepers = this.sleepers.filter((s) => s.until > t);
    for (const s of due) s.wake();
  }

  /** Sleepers waiting now (a test can wait until the scheduler is idle). */
  get waiting(): number {
    return this.sleepers.length;
  }

  sleepUntil(until: number, signal?: AbortSignal): Promise<void> {
    if (until <= this.current || signal?.aborted) return Promise.resolve();
    return new Promise((resolve) => {
      const sleeper: Sleeper = {
        until,
        wake: () => {
          signal?.removeEventListener('abort', onAbort);
          resolve();
        },
      };
      const onAbort = () => {
        this.sleepers = this.sleepers.filter((s) => s !== sleeper);
        resolve();
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.sleepers.push(sleeper);
    });
  }
}
