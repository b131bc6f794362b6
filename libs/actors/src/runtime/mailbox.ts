/**
 * A bounded FIFO of one activation's waiting messages. `offer` refuses (returns false) when
 * full: the caller turns that into `WARREN_ACTOR_OVERLOADED`, never a silent drop.
 */
export class Mailbox<T> {
  private items: T[] = [];
  private head = 0;

  constructor(readonly capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new RangeError(`mailbox capacity must be a positive integer, got ${capacity}`);
  }

  /** Messages waiting (not counting the one being handled). */
  get size(): number {
    return this.items.length - this.head;
  }

  get isEmpty(): boolean {
    return this.size === 0;
  }

  /** Appends unless full. */
  offer(item: T): boolean {
    if (this.size >= this.capacity) return false;
    this.items.push(item);
    return true;
  }

  /** Takes the oldest message, or undefined. */
  take(): T | undefined {
    if (this.head >= this.items.length) return undefined;
    const item = this.items[this.head];
    this.items[this.head] = undefined as T;
    this.head++;
    // Compact now and then so a long-lived mailbox does not keep a growing array.
    if (this.head > 64 && this.head * 2 > this.items.length) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
    return item;
  }

  /** Removes and returns everything waiting (shutdown, eviction). */
  drain(): T[] {
    const rest = this.items.slice(this.head);
    this.items = [];
    this.head = 0;
    return rest;
  }
}
