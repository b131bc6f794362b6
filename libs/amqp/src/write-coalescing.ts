import type { Writable } from 'node:stream';

const COALESCING = Symbol('warren:write-coalescing');

/**
 * Makes the frames written to `stream` during one pass of the event loop leave in one socket
 * write. amqplib writes each message (and each ack) separately and, with `noDelay`, every write
 * is a syscall and a TCP segment (on loopback the sender's syscall also does the receiver's TCP
 * work); a turn writes a few dozen. Corking on the first write and uncorking in the same pass's
 * check phase (`setImmediate`) also gathers the writes made across promise jobs (a handler that
 * awaits between two publishes) and keeps the latency: nothing waits for a timer or for I/O.
 * Idempotent per stream.
 */
export function coalesceWrites(stream: Writable): void {
  const marked = stream as Writable & { [COALESCING]?: true };
  if (marked[COALESCING]) return;
  marked[COALESCING] = true;
  let corked = false;
  const uncork = (): void => {
    corked = false;
    stream.uncork();
  };
  const write = stream.write.bind(stream) as (...args: unknown[]) => boolean;
  stream.write = ((...args: unknown[]) => {
    if (!corked && !stream.destroyed) {
      corked = true;
      stream.cork();
      setImmediate(uncork);
    }
    return write(...args);
  }) as Writable['write'];
}
