import type { WireError } from '../errors/error-wire';

/** CloudEvents types of replies to asks. */
export const REPLY_TYPES = Object.freeze({
  OK: 'warren.reply.ok',
  ERROR: 'warren.reply.error',
  CHUNK: 'warren.reply.chunk',
  END: 'warren.reply.end',
} as const);

/** What an ask gets back, as stored for repeated asks and sent as the CloudEvent `data`. */
export type ReplyBody = { ok: true; value: unknown } | { ok: false; error: WireError };
