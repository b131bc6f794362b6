import { createHash } from 'node:crypto';
import { type BrokerDeath, type DeadLetterMessage, headersAsJson, headerText, readDeadLetterHeaders } from '@warren/amqp';
import { parseCloudEvent, WARREN_ERROR_CODES } from '@warren/contracts';
import type { DeadLetterAttempt, DeadLetterOrigin, NewDeadLetter } from '@warren/store';

/** Error class recorded for a message the broker dead-lettered (no Warren error: the consumer never finished). */
export const BROKER_DEAD_LETTER_CLASS = 'BrokerDeadLetter';

/**
 * Builds the record of a message taken from `warren.dead`, whichever way it got there:
 * - Warren's own: a node gave up (`x-warren-error`, `x-warren-attempts`, `x-warren-origin-*`);
 * - the broker's: a shard or worker queue hit `x-delivery-limit` (the consumer crashed or never
 *   settled it): an `x-death` entry with reason `delivery_limit`, no fresh Warren error;
 * - either way, a body that is not a CloudEvent (poison) is kept as its raw text.
 * Pure: the same message always gives the same record (a redelivery is recognised by its id).
 */
export function toNewDeadLetter(message: DeadLetterMessage): NewDeadLetter {
  const h = readDeadLetterHeaders(message.headers);
  const text = message.body.toString('utf8');
  let envelope: unknown = text;
  let envelopeId: string | undefined;
  try {
    const event = parseCloudEvent(message.body);
    envelope = event;
    envelopeId = event.id;
  } catch {
    // Poison: kept as the raw text.
  }
  const messageId = message.properties.messageId ?? envelopeId ?? `body:${createHash('sha256').update(message.body).digest('hex')}`;
  const deaths = h.deaths;
  const brokerDeath = deaths[0]?.reason === 'delivery_limit' ? deaths[0] : undefined;
  const warrenError = h.error;
  const target = h.target;

  let attempts: DeadLetterAttempt[] = h.attempts.map((a) => ({
    at: dateOr(a.time, new Date(0)),
    code: a.code,
    errorClass: a.class,
    message: a.message,
    ...(a.stackHead ? { stackHead: a.stackHead } : {}),
    ...(a.handler ? { handler: a.handler } : {}),
    ...(a.node ? { node: a.node } : {}),
  }));
  if (attempts.length === 0 && warrenError && !brokerDeath) attempts = [attemptOf(warrenError)];
  let origin: DeadLetterOrigin | undefined;
  if (brokerDeath) {
    // The broker's: earlier attempts the message carried (retry tiers) stay, the crash loop is the last one.
    attempts.push({
      at: brokerDeath.time ?? timestampOf(message) ?? new Date(0),
      code: WARREN_ERROR_CODES.DELIVERY_LIMIT,
      errorClass: BROKER_DEAD_LETTER_CLASS,
      message: brokerMessage(brokerDeath, h.deliveryCount),
    });
    origin = { exchange: brokerDeath.exchange, routingKey: brokerDeath.routingKeys[0] ?? '', queue: brokerDeath.queue };
  } else if (h.origin) {
    origin = h.origin;
  } else if (deaths[0]) {
    // Rejected by a node that could not publish it at all: the broker's x-death says where it was going.
    origin = { exchange: deaths[0].exchange, routingKey: deaths[0].routingKeys[0] ?? '', queue: deaths[0].queue };
  }
  if (attempts.length === 0) {
    // Published to warren.dead by hand, or by a broker for another reason: keep it, say what is known.
    attempts = [
      {
        at: deaths[0]?.time ?? timestampOf(message) ?? new Date(0),
        code: envelopeId === undefined ? WARREN_ERROR_CODES.INVALID_MESSAGE : WARREN_ERROR_CODES.INTERNAL,
        errorClass: BROKER_DEAD_LETTER_CLASS,
        message: deaths[0]
          ? `dead-lettered by the broker from ${deaths[0].queue} (${deaths[0].reason})`
          : 'dead-lettered without x-warren-error or x-death',
      },
    ];
  }
  const last = attempts[attempts.length - 1] as DeadLetterAttempt;
  const times = attempts.map((a) => a.at.getTime());
  const queue = origin?.queue ?? h.originQueue;
  const { sender, taskId, replayOf } = h;
  const tenant = tenantOf(target);
  return {
    messageId,
    actorType: actorTypeOf(target, queue),
    ...(target ? { address: target } : {}),
    ...(queue ? { queue } : {}),
    ...(taskId ? { taskId } : {}),
    ...(tenant ? { tenant } : {}),
    errorCode: last.code,
    errorClass: last.errorClass,
    errorMessage: last.message,
    ...(last.handler ? { handler: last.handler } : {}),
    ...(last.node ? { node: last.node } : {}),
    ...(sender ? { sender } : {}),
    ...(origin ? { origin } : {}),
    firstFailureAt: new Date(Math.min(...times)),
    lastFailureAt: new Date(Math.max(...times)),
    envelope,
    headers: headersAsJson(message.headers),
    attempts,
    ...(replayOf ? { replayOf } : {}),
  };
}

/** The number of attempts a record stands for (the largest attempt number seen, at least one per entry). */
export function attemptCount(message: DeadLetterMessage, record: NewDeadLetter): number {
  const h = readDeadLetterHeaders(message.headers);
  const numbers = h.attempts.map((a) => a.attempt);
  const finalAttempt = Number(h.error?.attempt) || 0;
  return Math.max(1, record.attempts.length, finalAttempt, ...numbers);
}

function attemptOf(error: Record<string, unknown>): DeadLetterAttempt {
  return {
    at: dateOr(headerText(error.time), new Date(0)),
    code: headerText(error.code) ?? WARREN_ERROR_CODES.INTERNAL,
    errorClass: headerText(error.class) ?? 'Error',
    message: headerText(error.message) ?? '',
    ...(headerText(error.stackHead) ? { stackHead: headerText(error.stackHead) } : {}),
    ...(headerText(error.handler) ? { handler: headerText(error.handler) } : {}),
    ...(headerText(error.node) ? { node: headerText(error.node) } : {}),
  };
}

function brokerMessage(death: BrokerDeath, deliveryCount: number | undefined): string {
  const count = deliveryCount === undefined ? '' : `, x-delivery-count ${deliveryCount}`;
  return `the broker gave up on it in ${death.queue} (x-delivery-limit${count}): the consumer crashed or never settled the message`;
}

/** `warren.<type>.shard.<n>`, `warren.worker.<type>.<key>`, `warren.ingress.shard.<n>` → the actor type. */
function actorTypeOf(target: string | undefined, queue: string | undefined): string {
  const slash = target?.indexOf('/') ?? -1;
  if (target && slash > 0) return target.slice(0, slash);
  const worker = /^warren\.worker\.([^.]+)\./.exec(queue ?? '');
  if (worker) return worker[1] as string;
  const shard = /^warren\.([^.]+)\.shard\.\d+$/.exec(queue ?? '');
  if (shard) return shard[1] as string;
  return 'unknown';
}

/** `session/<tenant>~<id>` → the tenant. */
function tenantOf(target: string | undefined): string | undefined {
  const key = target?.slice(target.indexOf('/') + 1);
  const sep = key?.indexOf('~') ?? -1;
  return key && sep > 0 ? key.slice(0, sep) : undefined;
}

function timestampOf(message: DeadLetterMessage): Date | undefined {
  return message.properties.timestamp !== undefined ? new Date(message.properties.timestamp * 1000) : undefined;
}

function dateOr(iso: string | undefined, fallback: Date): Date {
  const t = iso ? Date.parse(iso) : Number.NaN;
  return Number.isNaN(t) ? fallback : new Date(t);
}
