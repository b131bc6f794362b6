import { type DeadLetterError, DeadLettered, messageTypeOf, parseAddress, safeMessageId, WARREN_ERROR_CODES } from '@warren/contracts';
import type { NewDeadLetter } from '@warren/store';

/** What decides where a compensation notice may go. */
export interface NoticeRouting {
  /** True for an actor type of this installation (the transport can route to it). */
  knowsType(type: string): boolean;
  /** True when actors of `type` handle `DeadLettered`; types that do not never get a notice. @default every known type */
  compensates?(type: string): boolean;
}

/** The notice to tell and to whom, with the message and task ids that make a second telling a duplicate. */
export interface CompensationNotice {
  to: string;
  notice: DeadLettered;
  messageId: string;
  taskId?: string;
}

/** CloudEvents type of the notice itself: a dead notice is never compensated (no loops). */
export const NOTICE_TYPE = messageTypeOf(DeadLettered);

/**
 * Who compensates a dead letter: the sender (`x-warren-sender`) when it is an actor of this
 * installation, otherwise (an RTC server, the gateway, a producer's source) the actor the
 * message was addressed to (`x-warren-target`). None for a dead notice or for a refusal of an
 * unknown message type (that is how an actor without a `DeadLettered` handler refuses a notice),
 * and none for an actor type that does not compensate.
 */
export function compensationNotice(letter: NewDeadLetter, attempts: number, routing: NoticeRouting): CompensationNotice | undefined {
  const messageType = typeOf(letter.envelope);
  if (messageType === NOTICE_TYPE || letter.errorCode === WARREN_ERROR_CODES.UNKNOWN_MESSAGE_TYPE) return undefined;
  const to = actorOf(letter.sender, routing) ?? actorOf(letter.address, routing);
  if (to === undefined) return undefined;
  const type = to.slice(0, to.indexOf('/'));
  if (routing.compensates && !routing.compensates(type)) return undefined;
  const error: DeadLetterError = { code: letter.errorCode, name: letter.errorClass, message: letter.errorMessage.slice(0, 4096) };
  const notice = Object.assign(new DeadLettered(), {
    deadLetterId: letter.messageId,
    messageType: messageType ?? 'unknown',
    ...(letter.address ? { target: letter.address } : {}),
    ...(letter.taskId ? { taskId: letter.taskId } : {}),
    error,
    attempts: Math.max(1, attempts),
    firstFailureAt: letter.firstFailureAt.toISOString(),
    lastFailureAt: letter.lastFailureAt.toISOString(),
  });
  return { to, notice, messageId: safeMessageId(`dl:${letter.messageId}`), ...(letter.taskId ? { taskId: letter.taskId } : {}) };
}

/** The address when it is a valid `<type>/<key>` of a type this installation knows. */
function actorOf(address: string | undefined, routing: NoticeRouting): string | undefined {
  if (!address) return undefined;
  try {
    const { type, key } = parseAddress(address);
    return routing.knowsType(type) ? `${type}/${key}` : undefined;
  } catch {
    return undefined;
  }
}

function typeOf(envelope: unknown): string | undefined {
  if (typeof envelope !== 'object' || envelope === null) return undefined;
  const type = (envelope as { type?: unknown }).type;
  return typeof type === 'string' ? type : undefined;
}
