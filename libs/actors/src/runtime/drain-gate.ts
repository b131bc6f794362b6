/**
 * Which actor types still take deliveries on this node, and the handlers in flight per type: what
 * a drain in phases needs (close the types that wait on others first, let them finish while the
 * types they wait on keep working, then close those).
 */
export class DrainGate {
  private readonly closed = new Set<string>();
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

  enter(type: string): void {
    this.inFlight.set(type, (this.inFlight.get(type) ?? 0) + 1);
  }

  leave(type: string): void {
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
