import type { OutboxEntry } from '@warren/store';
import type { Delivery } from '../ports/delivery.port';
import { Mailbox } from './mailbox';

/** One entity actor live in this node: its state, its mailbox and what it is doing. */
export class Activation {
  state: unknown = undefined;
  version = 0;
  /** Step results of the message in flight (saved with the state). */
  steps: Record<string, unknown> | undefined;
  /** Id of the message the step results belong to. */
  stepsFor: string | undefined;
  /** Ids of recently applied messages, oldest first (bounded like the store's window). */
  readonly processed = new Set<string>();
  readonly mailbox: Mailbox<Delivery>;
  /** True while an ordinary (non-interleaved) handler runs. */
  busy = false;
  /** Handlers running now, ordinary and interleaved. */
  inFlight = 0;
  /** The running ordinary handler's cancel switch and task. */
  running: { controller: AbortController; taskId: string | undefined } | undefined;
  /** Resolves when the state is loaded; rejects when the store failed. */
  loaded: Promise<void> | undefined;
  lastActive = Date.now();
  /** Committed outbox entries not yet confirmed by the broker, in commit order. */
  unsent: OutboxEntry[] = [];
  /**
   * Outbox ids this activation saw confirmed, newest last (bounded): a reload while their marks
   * still wait in the store's batch must not publish them again.
   */
  readonly confirmed = new Set<string>();
  /** Saves run one at a time per activation, in order. */
  private saveTail: Promise<unknown> = Promise.resolve();
  /** Outbox publishes run one flush at a time per activation, in order. */
  private flushTail: Promise<unknown> = Promise.resolve();
  readonly timers = new Map<string, NodeJS.Timeout>();
  /** Set when evicted: late results of its handlers are not acked on its behalf. */
  evicted = false;
  /** A stateless entity: nothing is loaded or saved (order per key only). */
  stateless = false;

  constructor(
    readonly address: string,
    readonly key: string,
    /** The queue whose deliveries feed it; when that consumer is lost the activation goes. */
    readonly queue: string,
    mailboxCapacity: number,
    private readonly processedWindow: number,
  ) {
    this.mailbox = new Mailbox<Delivery>(mailboxCapacity);
  }

  /** Remembers an applied message id, forgetting the oldest past the window. */
  remember(id: string): void {
    this.processed.add(id);
    if (this.processed.size > this.processedWindow) {
      const oldest = this.processed.values().next().value as string;
      this.processed.delete(oldest);
    }
  }

  /** Runs `save` after the saves queued before it: one save at a time per activation. */
  serialSave<T>(save: () => Promise<T>): Promise<T> {
    const next = this.saveTail.then(save, save);
    this.saveTail = next.catch(() => undefined);
    return next;
  }

  /** Remembers confirmed outbox ids (the last 256). */
  rememberConfirmed(ids: string[]): void {
    for (const id of ids) this.confirmed.add(id);
    while (this.confirmed.size > 256) this.confirmed.delete(this.confirmed.values().next().value as string);
  }

  /** Runs `flush` after the flushes queued before it (an outbox entry is never published twice at once). */
  serialFlush<T>(flush: () => Promise<T>): Promise<T> {
    const next = this.flushTail.then(flush, flush);
    this.flushTail = next.catch(() => undefined);
    return next;
  }

  get idle(): boolean {
    return !this.busy && this.inFlight === 0 && this.mailbox.isEmpty;
  }

  clearTimers(): void {
    for (const t of this.timers.values()) clearTimeout(t);
    this.timers.clear();
  }
}
