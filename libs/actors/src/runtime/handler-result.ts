import { type ReplyBody, toWireError } from '@warren/contracts';
import type { Delivery } from '../ports/delivery.port';
import type { ActorTransport } from '../ports/transport.port';

/** True for values a handler returns to stream its reply (async generators, streams). */
export function isAsyncIterable(value: unknown): value is AsyncIterable<unknown> {
  return value !== null && typeof value === 'object' && typeof (value as AsyncIterable<unknown>)[Symbol.asyncIterator] === 'function';
}

/**
 * Sends the parts of a streamed result to the asker as they come (when there is an asker),
 * and returns the end body. An error mid-stream ends the stream with that error: never a
 * silent truncation.
 */
export async function pumpStream(transport: ActorTransport, delivery: Delivery, stream: AsyncIterable<unknown>): Promise<ReplyBody> {
  const to = delivery.replyTo;
  const it = stream[Symbol.asyncIterator]();
  try {
    for (;;) {
      const next = await it.next();
      // An async generator's return value becomes the value of the end marker (e.g. usage).
      if (next.done) return { ok: true, value: next.value ?? null };
      if (to) await transport.reply(to, { kind: 'chunk', value: next.value });
    }
  } catch (err) {
    return { ok: false, error: toWireError(err) };
  }
}

/** Sends a final reply or stream end to the asker, if the message was an ask. */
export async function sendReply(transport: ActorTransport, delivery: Delivery, body: ReplyBody, streamed: boolean): Promise<void> {
  const to = delivery.replyTo;
  if (!to) return;
  await transport.reply(to, streamed ? { kind: 'end', body } : { kind: 'reply', body });
}
