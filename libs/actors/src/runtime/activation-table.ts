import { Activation } from './activation';

/** Limits of the table. */
export interface ActivationTableOptions {
  mailboxCapacity: number;
  processedWindow: number;
  passivateAfterMs: number;
  maxActivations: number;
}

/**
 * The activations live in this node, least recently used first. Passivates idle ones after
 * `passivateAfterMs`, keeps at most `maxActivations` (dropping idle ones, oldest first), and
 * drops every activation fed by a queue whose consumer was lost.
 */
export class ActivationTable {
  private readonly byAddress = new Map<string, Activation>();
  private readonly sweep: NodeJS.Timeout;

  constructor(private readonly options: ActivationTableOptions) {
    this.sweep = setInterval(() => this.passivateIdle(), Math.min(30_000, Math.max(100, options.passivateAfterMs / 2)));
    this.sweep.unref();
  }

  get size(): number {
    return this.byAddress.size;
  }

  /** Messages waiting in mailboxes, summed. */
  get mailboxDepth(): number {
    let n = 0;
    for (const a of this.byAddress.values()) n += a.mailbox.size;
    return n;
  }

  /** The activation of `address`, marked as just used. */
  touch(address: string): Activation | undefined {
    const act = this.byAddress.get(address);
    if (act) {
      // Re-insert so the Map's order is least-recently-used first.
      this.byAddress.delete(address);
      this.byAddress.set(address, act);
    }
    return act;
  }

  /** A new activation of `address` fed by `queue`. */
  create(address: string, key: string, queue: string): Activation {
    const act = new Activation(address, key, queue, this.options.mailboxCapacity, this.options.processedWindow);
    this.byAddress.set(address, act);
    this.enforceLimit();
    return act;
  }

  /** Drops an activation: its running handler is aborted and its late results are not acked. */
  evict(act: Activation, reason: string): void {
    act.evicted = true;
    act.running?.controller.abort(reason);
    act.clearTimers();
    if (this.byAddress.get(act.address) === act) this.byAddress.delete(act.address);
  }

  /** The consumer of `queue` is gone (channel lost, hand-over): its actors may now live elsewhere. */
  evictQueue(queue: string): void {
    for (const act of [...this.byAddress.values()]) if (act.queue === queue) this.evict(act, `queue ${queue} lost`);
  }

  /** Aborts the running handlers of `queue`'s activations (a hand-off past its drain limit). */
  abortQueue(queue: string, reason: string): void {
    for (const act of this.byAddress.values()) if (act.queue === queue) act.running?.controller.abort(reason);
  }

  private passivateIdle(): void {
    const cutoff = Date.now() - this.options.passivateAfterMs;
    for (const act of [...this.byAddress.values()]) {
      if (act.idle && act.timers.size === 0 && act.lastActive < cutoff) this.evict(act, 'passivated');
    }
  }

  private enforceLimit(): void {
    if (this.byAddress.size <= this.options.maxActivations) return;
    for (const act of this.byAddress.values()) {
      if (this.byAddress.size <= this.options.maxActivations) break;
      if (act.idle) this.evict(act, 'activation limit');
    }
  }

  /** Drops everything and stops the sweep. */
  close(): void {
    clearInterval(this.sweep);
    for (const act of [...this.byAddress.values()]) this.evict(act, 'closed');
  }
}
