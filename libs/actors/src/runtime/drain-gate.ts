/**
 * Which actor types still take deliveries on this node, and the handlers in flight per type: what
 * a drain in phases needs (close the types that wait on others first, let them finish while the
 * types they wait on keep working, then close those).
 */
export class DrainGate {
  private readonly closed = new Set<string>();
  /** Queues (shards) whose deliveries are refused while they are handed off. */
  private readonly closedQueues = new Set<string>();
  private readonly inFlightByQueue = new Map<string, number>();
  private queueWaiters: { queue: string; resolve: () => void }[] = [];
  private allClosed = false;
  private readonly inFlight = new Map<string, number>();
  private waiters: { types: ReadonlySet<string> | undefined; resolve: () => void }[] = [];

  /** True while `type` takes new deliveries. */
  isOpen(type: string): boolean {
    return !this.allClosed && !this.closed.has(type);
  }

  /** Stops `types` (every type when omitted) from taking new deliveries. */
  close(types?: Iterable<string>): void {
    if (types === undefined) this.allClosed = true;
    else for (const t of types) this.closed.add(t);
  }

  /** True while deliveries of `queue` are taken (its shard is not being handed off). */
  isQueueOpen(queue: string): boolean {
    return !this.closedQueues.has(queue);
  }

  /** Stops taking deliveries of one queue (a shard hand-off); `openQueue` undoes it. */
  closeQueue(queue: string): void {
    this.closedQueues.add(queue);
  }

  openQueue(queue: string): void {
    this.closedQueues.delete(queue);
  }

  /** Resolves true once no handler fed by `queue` is in flight, false after `timeoutMs`. */
  whenQueueIdle(queue: string, timeoutMs: number): Promise<boolean> {
    if (!this.inFlightByQueue.get(queue)) return Promise.resolve(true);
    return new Promise((resolve) => {
      const waiter = {
        queue,
        resolve: () => {
          clearTimeout(timer);
          resolve(true);
        },
      };
      const timer = setTimeout(
        () => {
          this.queueWaiters = this.queueWaiters.filter((w) => w !== waiter);
          resolve(false);
        },
        Math.max(0, timeoutMs),
      );
      this.queueWaiters.push(waiter);
    });
  }

  enter(type: string, queue?: string): void {
    this.inFlight.set(type, (this.inFlight.get(type) ?? 0) + 1);
    if (queue !== undefined) this.inFlightByQueue.set(queue, (this.inFlightByQueue.get(queue) ?? 0) + 1);
  }

  leave(type: string, queue?: string): void {
    if (queue !== undefined) {
      const q = (this.inFlightByQueue.get(queue) ?? 1) - 1;
      if (q > 0) this.inFlightByQueue.set(queue, q);
      else {
        this.inFlightByQueue.delete(queue);
        this.queueWaiters = this.queueWaiters.filter((w) => {
          if (w.queue !== queue) return true;
          w.resolve();
          return false;
        });
      }
    }
    const n = (this.inFlight.get(type) ?? 1) - 1;
    if (n > 0) this.inFlight.set(type, n);
    else this.inFlight.delete(type);
    this.waiters = this.waiters.filter((w) => {
      if (this.count(w.types) > 0) return true;
      w.resolve();
      return false;
    });
  }

  /** Handlers in flight of `types` (all when omitted). */
  count(types?: ReadonlySet<string>): number {
    let n = 0;
    for (const [t, c] of this.inFlight) if (types === undefined || types.has(t)) n += c;
    return n;
  }

  /** Handlers in flight per type (for progress logs). */
  byType(): Record<string, number> {
    return Object.fromEntries(this.inFlight);
  }

  /** Resolves true once no handler of `types` (all when omitted) is in flight, false after `timeoutMs`. */
  whenIdle(types: ReadonlySet<string> | undefined, timeoutMs: number): Promise<boolean> {
    if (this.count(types) === 0) return Promise.resolve(true);
    return new Promise((resolve) => {
      const waiter = {
        types,
        resolve: () => {
          clearTimeout(timer);
          resolve(true);
        },
      };
      const timer = setTimeout(
        () => {
          this.waiters = this.waiters.filter((w) => w !== waiter);
          resolve(false);
        },
        Math.max(0, timeoutMs),
      );
      this.waiters.push(waiter);
    });
  }
}
