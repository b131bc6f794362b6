/** A request waiting for capacity in queue mode. */
export interface Waiter<T> {
  tokens: number;
  requests: number;
  /** When it joined (ms). */
  since: number;
  /** When it is refused with `WARREN_RATE_LIMITED` if still waiting (ms). */
  deadline: number;
  /** Whatever answers it (the deferred reply). */
  handle: T;
}

/** What {@link WaitQueue.drain} decided for a waiter. */
export type WaitOutcome<T, G> =
  | { waiter: Waiter<T>; admitted: G }
  | { waiter: Waiter<T>; expired: true }
  | { waiter: Waiter<T>; refused: Error };

/** What the admission check answers for the queue's head. */
export type Admission<G> = { granted: G } | { waitMs: number } | { error: Error };

/**
 * A tenant's FIFO of requests waiting for capacity. Only the head is ever admitted (no later,
 * cheaper request overtakes it), and since every waiter of a tenant gets the same timeout, the
 * head also has the earliest deadline. `drain` is pure given `now`: it admits heads while
 * `admit` grants, drops expired ones, and says when to look again (the head's wait or its
 * deadline, whichever comes first). The limiter calls it from a timer and after each settle, so
 * its own mailbox never waits.
 */
export class WaitQueue<T> {
  private readonly items: Waiter<T>[] = [];

  get length(): number {
    return this.items.length;
  }

  push(waiter: Waiter<T>): void {
    this.items.push(waiter);
  }

  /** Takes out the first waiter whose handle matches (a cancelled ask); undefined when none does. */
  remove(match: (handle: T) => boolean): Waiter<T> | undefined {
    const i = this.items.findIndex((w) => match(w.handle));
    return i < 0 ? undefined : this.items.splice(i, 1)[0];
  }

  /** Takes every waiter out (shutdown). */
  clear(): Waiter<T>[] {
    return this.items.splice(0);
  }

  drain<G>(now: number, admit: (w: Waiter<T>) => Admission<G>): { outcomes: WaitOutcome<T, G>[]; nextCheckMs?: number } {
    const outcomes: WaitOutcome<T, G>[] = [];
    for (;;) {
      const head = this.items[0];
      if (!head) return { outcomes };
      if (now >= head.deadline) {
        this.items.shift();
        outcomes.push({ waiter: head, expired: true });
        continue;
      }
      const a = admit(head);
      if ('granted' in a) {
        this.items.shift();
        outcomes.push({ waiter: head, admitted: a.granted });
        continue;
      }
      if ('error' in a) {
        this.items.shift();
        outcomes.push({ waiter: head, refused: a.error });
        continue;
      }
      return { outcomes, nextCheckMs: Math.max(1, Math.min(a.waitMs, head.deadline - now)) };
    }
  }
}
