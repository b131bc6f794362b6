import { createHash } from 'node:crypto';
import { type DeadLetterMessage, headersJsonText } from '@warren/amqp';
import { parseAddress, textAttributeProblem, WARREN_ERROR_CODES } from '@warren/contracts';
import type { DeadLetterAttempt, DeadLetterOrigin, NewDeadLetter } from '@warren/store';

/** `errorClass` of a quarantined dead letter: filter on it (`GET /v1/admin/dead-letters?errorClass=QuarantinedDeadLetter`). */
export const QUARANTINED_CLASS = 'QuarantinedDeadLetter';
/** Bytes of the raw body a quarantined record keeps (base64); `QUARANTINE_PREVIEW_BYTES` when the store refuses even that. */
export const QUARANTINE_BODY_BYTES = 262_144;
export const QUARANTINE_PREVIEW_BYTES = 8_192;
/** Characters of the headers (JSON text) a quarantined record keeps. */
const HEADERS_MAX_CHARS = 65_536;
/** Stays under the store's limits on ids (512), tenants (128), handlers and nodes (256), error texts (16 KiB). */
const ID_MAX = 512;
const TEXT_MAX = 4_000;

/** What a quarantined record keeps of the message: its bytes and headers as they were, and why. */
export interface QuarantinedEnvelope {
  quarantined: {
    /** Why the store refused the ordinary record. */
    reason: string;
    body: { base64: string; bytes: number; sha256: string; truncated: boolean };
    /** AMQP headers as JSON text (buffers as UTF-8 text). */
    headers: string;
    headersTruncated: boolean;
    properties: DeadLetterMessage['properties'];
    fields: DeadLetterMessage['fields'];
  };
}

/**
 * A record of `message` built so that the store cannot refuse it: every field that is a key or an
 * indexed value is kept only when it is plainly valid (the rest is in the raw headers), the body is
 * base64 and the headers JSON text, and `errorClass` is `QUARANTINED_CLASS`. `letter` is the
 * ordinary record the store refused (undefined when even that could not be built); its id is kept
 * when usable, else a digest of the body and the routing key, so a redelivery finds the same record.
 */
export function quarantinedRecord(
  message: DeadLetterMessage,
  letter: NewDeadLetter | undefined,
  reason: string,
  bodyBytes = QUARANTINE_BODY_BYTES,
): NewDeadLetter {
  const kept = message.body.subarray(0, bodyBytes);
  const headers = headersJsonText(message.headers);
  const envelope: QuarantinedEnvelope = {
    quarantined: {
      reason: reason.slice(0, TEXT_MAX),
      body: {
        base64: kept.toString('base64'),
        bytes: message.body.length,
        sha256: createHash('sha256').update(message.body).digest('hex'),
        truncated: kept.length < message.body.length,
      },
      headers: headers.slice(0, HEADERS_MAX_CHARS),
      headersTruncated: headers.length > HEADERS_MAX_CHARS,
      properties: message.properties,
      fields: message.fields,
    },
  };
  const now = new Date();
  const first = validDate(letter?.firstFailureAt) ?? now;
  const last = validDate(letter?.lastFailureAt) ?? first;
  const original = letter ? `${letter.errorClass}: ${letter.errorMessage}` : 'the dead letter could not be read';
  return strip({
    messageId: id(letter?.messageId) ?? `quarantined:${digest(message)}`,
    actorType: /^[a-z][a-z0-9-]{0,63}$/.test(letter?.actorType ?? '') ? (letter?.actorType as string) : 'unknown',
    address: address(letter?.address),
    queue: id(letter?.queue),
    taskId: id(letter?.taskId),
    tenant: id(letter?.tenant, 128),
    errorCode: /^[A-Z][A-Z0-9_]{0,127}$/.test(letter?.errorCode ?? '') ? (letter?.errorCode as string) : WARREN_ERROR_CODES.INTERNAL,
    errorClass: QUARANTINED_CLASS,
    errorMessage: `quarantined: the store refused the record (${reason}); ${original}`.slice(0, TEXT_MAX),
    handler: id(letter?.handler, 256),
    node: id(letter?.node, 256),
    sender: id(letter?.sender),
    origin: origin(letter?.origin),
    firstFailureAt: first,
    lastFailureAt: new Date(Math.max(first.getTime(), last.getTime())),
    envelope,
    headers: {},
    attempts: (letter?.attempts ?? []).slice(-20).map(attempt),
    replayOf: id(letter?.replayOf),
  });
}

function attempt(a: DeadLetterAttempt): DeadLetterAttempt {
  return strip({
    at: validDate(a.at) ?? new Date(0),
    code: String(a.code ?? '').slice(0, 128),
    errorClass: String(a.errorClass ?? '').slice(0, 128),
    message: String(a.message ?? '').slice(0, TEXT_MAX),
    stackHead: typeof a.stackHead === 'string' ? a.stackHead.slice(0, TEXT_MAX) : undefined,
    handler: id(a.handler, 256),
    node: id(a.node, 256),
  });
}

function id(value: unknown, max = ID_MAX): string | undefined {
  return textAttributeProblem(value, { maxChars: max }) === undefined ? (value as string) : undefined;
}

function address(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  try {
    parseAddress(value);
    return value;
  } catch {
    return undefined;
  }
}

function origin(value: DeadLetterOrigin | undefined): DeadLetterOrigin | undefined {
  if (!value || typeof value.exchange !== 'string' || typeof value.routingKey !== 'string') return undefined;
  if (value.exchange.length > 255 || value.routingKey.length > 255) return undefined;
  return strip({ exchange: value.exchange, routingKey: value.routingKey, queue: id(value.queue, 255) });
}

function validDate(value: unknown): Date | undefined {
  return value instanceof Date && !Number.isNaN(value.getTime()) ? value : undefined;
}

function digest(message: DeadLetterMessage): string {
  return createHash('sha256')
    .update(message.properties.messageId ?? '')
    .update('\u0000')
    .update(message.fields.routingKey)
    .update('\u0000')
    .update(message.body)
    .digest('hex');
}

function strip<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}
