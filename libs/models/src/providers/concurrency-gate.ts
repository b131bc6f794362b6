/** How waiting for a slot ended. */
export type GateResult = 'acquired' | 'timeout' | 'aborted';

interface Waiter {
  grant: () => void;
}

/**
 * A counting semaphore with a FIFO queue: at most `max` holders; more wait in arrival order, up
 * to a timeout or until their signal aborts. Each `acquired` must be followed by one `release()`.
 */
export class ConcurrencyGate {
  private active = 0;
  private readonly waiters: Waiter[] = [];

  constructor(readonly max: number) {}

  /** Holders now. */
  get inUse(): number {
    return this.active;
  }

  /** Callers waiting now. */
  get waiting(): number {
    return this.waiters.length;
  }

  acquire(timeoutMs: number, signal: AbortSignal): Promise<GateResult> {
    if (signal.aborted) return Promise.resolve('aborted');
    if (this.active < this.max && this.waiters.length === 0) {
      this.active += 1;
      return Promise.resolve('acquired');
    }
    return new Promise((resolve) => {
      const done = (result: GateResult) => {
        clearTimeout(timer);
        signal.removeEventListener('abort', onAbort);
        resolve(result);
      };
      const waiter: Waiter = { grant: () => done('acquired') };
      const leave = (result: GateResult) => {
        const i = this.waiters.indexOf(waiter);
        if (i !== -1) this.waiters.splice(i, 1);
        done(result);
      };
      const onAbort = () => leave('aborted');
      const timer = setTimeout(() => leave('timeout'), timeoutMs);
      signal.addEventListener('abort', onAbort, { once: true });
      this.waiters.push(waiter);
    });
  }

  release(): void {
    const next = this.waiters.shift();
    if (next)
      next.grant(); // the slot passes on: `active` stays the same
    else this.active = Math.max(0, this.active - 1);
  }
}
