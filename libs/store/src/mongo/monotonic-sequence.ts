/**
 * Ordering numbers for history parts: microseconds since the epoch, bumped by one whenever the
 * clock has not moved, so parts appended by one process never share a number and keep their
 * order; across processes they follow the clocks. Stays below 2^53 until the year 2255.
 */
export class MonotonicSequence {
  private last = 0;

  /** The next number, greater than every number this instance returned. */
  next(): number {
    this.last = Math.max(Date.now() * 1000, this.last + 1);
    return this.last;
  }
}
