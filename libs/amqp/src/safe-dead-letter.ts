import { createHash } from 'node:crypto';
import type { UnreadableBody } from '@warren/actors';
import { UNREADABLE_TYPE } from '@warren/actors';
import {
  CLOUDEVENTS_CONTENT_TYPE,
  type CloudEvent,
  createCloudEvent,
  digestMessageId,
  isUsableMessageId,
  parseCloudEvent,
  textAttributeProblem,
  WARREN_HEADERS,
} from '@warren/contracts';
import type { ConsumeMessage, Options } from 'amqplib';
import { headersJsonText } from './dead-letter-headers';
import type { AttemptEntry, FailureHeader } from './failure-headers';

/** CloudEvents type of a dead letter that could not be published as it was (see `wrappedDeadLetter`). */
export const WRAPPED_DEAD_LETTER_TYPE = 'warren.deadletter.wrapped';
/** Bytes of the original body a wrapped dead letter keeps (base64); a longer body keeps its start, its size and its digest. */
export const WRAPPED_BODY_MAX_BYTES = 1_048_576;
/** Characters of the original headers (as JSON) a wrapped dead letter keeps. */
const WRAPPED_HEADERS_MAX_CHARS = 16_384;
/** Attempts a wrapped dead letter carries in `x-warren-attempts` (the last ones). */
const WRAPPED_ATTEMPTS_KEPT = 5;
/** Longest header value copied from the original message into the wrapped one. */
const COPIED_HEADER_MAX_CHARS = 512;

/** `data` of a wrapped dead letter: the original message, byte for byte where it fits, and why it is wrapped. */
export interface WrappedDeadLetterData {
  /** Why it could not be dead-lettered as it was (the publish error). */
  reason: string;
  body: { base64: string; bytes: number; sha256: string; truncated: boolean };
  /** The AMQP properties it arrived with (headers apart). */
  properties: Record<string, unknown>;
  /** Its AMQP headers as JSON text (cut at 16 KiB: then `headersTruncated`). */
  headers: string;
  headersTruncated: boolean;
}

/**
 * The envelope of a delivery: its CloudEvent, or for a body that is not one, a placeholder with a
 * usable id (the id it claims when usable, else a digest of that id or of the body and routing key,
 * so a redelivery gets the same id) and the parse error.
 */
export function readEnvelope(msg: ConsumeMessage): { envelope: CloudEvent; unreadable?: UnreadableBody } {
  try {
    return { envelope: parseCloudEvent(msg.content) };
  } catch (error) {
    const claimedId = claimedIdOf(msg);
    const id =
      claimedId === undefined
        ? digestMessageId('body', msg.fields.routingKey, msg.content)
        : isUsableMessageId(claimedId)
          ? claimedId
          : digestMessageId(claimedId);
    const envelope: CloudEvent = { specversion: '1.0', id, source: 'warren:unreadable', type: UNREADABLE_TYPE };
    return { envelope, unreadable: { error, ...(claimedId !== undefined ? { claimedId } : {}) } };
  }
}

/** The id an unreadable message claims: its CloudEvent `id` when the body is an object with a string id, else the AMQP `message-id`. */
function claimedIdOf(msg: ConsumeMessage): string | undefined {
  try {
    const value: unknown = JSON.parse(msg.content.toString('utf8'));
    const id = typeof value === 'object' && value !== null ? (value as { id?: unknown }).id : undefined;
    if (typeof id === 'string' && id.length > 0) return id;
  } catch {
    // not JSON: the AMQP message id is all there is
  }
  const messageId: unknown = msg.properties.messageId;
  return typeof messageId === 'string' && messageId.length > 0 ? messageId : undefined;
}

/** What a wrapped dead letter says about the failure (the same as the dead letter it replaces would have said). */
export interface WrappedFailure {
  failure: FailureHeader;
  attempts: AttemptEntry[];
  queue: string;
  nodeId: string;
  /** Why the dead letter could not be published as it was. */
  cause: unknown;
}

/**
 * A dead letter in a form that can always be published: a CloudEvent of type
 * `WRAPPED_DEAD_LETTER_TYPE` whose data holds the original body (base64), properties and headers
 * (as JSON text), and only short, checked headers of Warren's own (`x-warren-error`, the last
 * attempts, the origin, the target, and the sender, task id and replay lineage when they are
 * plain). Its id is the envelope's when usable, else a digest of the body and routing key.
 */
export function wrappedDeadLetter(msg: ConsumeMessage, envelopeId: string, w: WrappedFailure): { body: Buffer; options: Options.Publish } {
  const original = msg.properties.headers ?? {};
  const id = isUsableMessageId(envelopeId) ? envelopeId : digestMessageId('wrapped', msg.fields.routingKey, msg.content);
  const kept = msg.content.subarray(0, WRAPPED_BODY_MAX_BYTES);
  const headersText = headersJsonText(original);
  const data: WrappedDeadLetterData = {
    reason: `could not be dead-lettered as it was: ${errorText(w.cause)}`,
    body: {
      base64: kept.toString('base64'),
      bytes: msg.content.length,
      sha256: createHash('sha256').update(msg.content).digest('hex'),
      truncated: kept.length < msg.content.length,
    },
    properties: propertiesOf(msg),
    headers: headersText.slice(0, WRAPPED_HEADERS_MAX_CHARS),
    headersTruncated: headersText.length > WRAPPED_HEADERS_MAX_CHARS,
  };
  const event = createCloudEvent({ id, source: `warren://node/${w.nodeId}`, type: WRAPPED_DEAD_LETTER_TYPE, data });
  const headers: Record<string, unknown> = {
    [WARREN_HEADERS.ERROR]: w.failure,
    [WARREN_HEADERS.ATTEMPTS]: w.attempts.slice(-WRAPPED_ATTEMPTS_KEPT),
    [WARREN_HEADERS.ORIGIN_EXCHANGE]: msg.fields.exchange,
    [WARREN_HEADERS.ORIGIN_ROUTING_KEY]: msg.fields.routingKey,
    [WARREN_HEADERS.ORIGIN_QUEUE]: w.queue,
  };
  if (plain(w.failure.target)) headers[WARREN_HEADERS.TARGET] = w.failure.target;
  for (const name of [WARREN_HEADERS.SENDER, WARREN_HEADERS.TASK_ID, WARREN_HEADERS.REPLAY_OF]) {
    const value = original[name];
    if (plain(value)) headers[name] = value;
  }
  return {
    body: Buffer.from(JSON.stringify(event)),
    options: {
      persistent: true,
      messageId: id,
      type: WRAPPED_DEAD_LETTER_TYPE,
      contentType: CLOUDEVENTS_CONTENT_TYPE,
      timestamp: Math.floor(Date.now() / 1000),
      headers,
    },
  };
}

function plain(value: unknown): value is string {
  return textAttributeProblem(value, { maxChars: COPIED_HEADER_MAX_CHARS }) === undefined;
}

function propertiesOf(msg: ConsumeMessage): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(msg.properties)) {
    if (k !== 'headers' && v !== undefined && v !== null) out[k] = typeof v === 'bigint' ? String(v) : v;
  }
  return out;
}

function errorText(error: unknown): string {
  return (error instanceof Error ? `${error.name}: ${error.message}` : String(error)).slice(0, 1000);
}
