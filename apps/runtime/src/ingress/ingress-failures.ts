import { WARREN_ERROR_CODES, type WireError } from '@warren/contracts';

/** Longest `taskId` echoed in a `failed` event (an id over the ingress limit is echoed as sent, up to this). */
export const ECHOED_ID_MAX_CHARS = 1024;
/** Longest `detail` of a `failed` event. */
export const DETAIL_MAX_CHARS = 1000;

/** `data` of the `failed` event of a refused ingress message. */
export interface IngressFailedData {
  /** The CloudEvent `id` (or AMQP `message-id`) the message carried; absent when it carried none usable. */
  taskId?: string;
  code: string;
  /** Short and presentable: may be shown or spoken to the user. */
  message: string;
  /** What exactly was wrong, for the producer's developers (field names, limits). */
  detail: string;
}

/**
 * The `failed` event of a refused ingress message. A `type` no ingress handler takes is
 * `WARREN_INVALID_MESSAGE` for the producer (the dead letter keeps `WARREN_UNKNOWN_MESSAGE_TYPE`).
 */
export function failedEventData(wire: WireError, claimedId: string | undefined): IngressFailedData {
  const code = wire.code === WARREN_ERROR_CODES.UNKNOWN_MESSAGE_TYPE ? WARREN_ERROR_CODES.INVALID_MESSAGE : wire.code;
  const echo = claimedId !== undefined && claimedId.length > 0 && claimedId.length <= ECHOED_ID_MAX_CHARS;
  return {
    ...(echo ? { taskId: claimedId } : {}),
    code,
    message: presentableMessage(code),
    detail: wire.message.slice(0, DETAIL_MAX_CHARS),
  };
}

/** What a user may be told, by code: no internals (those are in `detail` and the dead letter). */
export function presentableMessage(code: string): string {
  switch (code) {
    case WARREN_ERROR_CODES.INVALID_MESSAGE:
      return 'The message could not be understood.';
    case WARREN_ERROR_CODES.ACTOR_OVERLOADED:
      return 'Too many messages at once; please wait a moment and try again.';
    default:
      return 'The message could not be delivered. Please try again.';
  }
}
