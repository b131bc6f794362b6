import { type FieldViolation, InvalidMessageError } from '../errors/api-errors';

/** A structured-mode CloudEvents 1.0 event, as Warren puts it on the wire. */
export interface CloudEvent<T = unknown> {
  specversion: '1.0';
  /** Unique per message; Warren uses it as the AMQP message id and for dedup. */
  id: string;
  /** URI-reference of the producer, e.g. `warren://node/<nodeId>` or `rtc://edge-1`. */
  source: string;
  /** `warren.<entity>.<kind>` for Warren's own types. */
  type: string;
  subject?: string;
  time?: string;
  datacontenttype?: string;
  data?: T;
  [extension: string]: unknown;
}

/** Fields a producer supplies; the rest get defaults in `createCloudEvent`. */
export interface CloudEventInit<T> {
  id: string;
  source: string;
  type: string;
  data?: T;
  subject?: string;
  time?: Date;
}

/** Builds a CloudEvent with `specversion`, `time` and JSON content type filled in. */
export function createCloudEvent<T>(init: CloudEventInit<T>): CloudEvent<T> {
  const event: CloudEvent<T> = {
    specversion: '1.0',
    id: init.id,
    source: init.source,
    type: init.type,
    time: (init.time ?? new Date()).toISOString(),
    datacontenttype: 'application/json',
  };
  if (init.subject !== undefined) event.subject = init.subject;
  if (init.data !== undefined) event.data = init.data;
  return event;
}

/**
 * Limits on the attributes Warren copies into AMQP properties, headers, log lines and store keys:
 * `id` becomes the AMQP `message-id` and `type` the AMQP `type` (both shortstr: at most 255
 * bytes of UTF-8), `source` becomes `x-warren-sender` and a dead letter's `sender` (a store id).
 * Stricter rules for raw producers are in `ingress-envelope.ts`.
 */
export const CLOUD_EVENT_LIMITS = Object.freeze({
  /** UTF-8 bytes of `id` (the AMQP `message-id`). */
  ID_BYTES: 255,
  /** UTF-8 bytes of `type` (the AMQP `type`). */
  TYPE_BYTES: 255,
  /** Characters of `source`. */
  SOURCE_CHARS: 512,
  /** Characters of `subject`. */
  SUBJECT_CHARS: 512,
  /** Characters of `time` and `datacontenttype`. */
  SHORT_TEXT_CHARS: 128,
} as const);

/** True for a C0 or C1 control character or DEL: never in an id, a header or a log field. */
function hasControlCharacter(value: string): boolean {
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (c < 0x20 || (c >= 0x7f && c <= 0x9f)) return true;
  }
  return false;
}
/** A UTF-16 surrogate without its pair: it cannot be encoded as UTF-8 and would come back changed. */
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/**
 * Why `value` is not usable as a text attribute (non-empty string, no control characters, well
 * formed, within `maxBytes` of UTF-8 or `maxChars` characters), or undefined when it is.
 */
export function textAttributeProblem(value: unknown, limit: { maxBytes?: number; maxChars?: number }): string | undefined {
  if (typeof value !== 'string' || value.length === 0) return 'must be a non-empty string';
  if (limit.maxChars !== undefined && value.length > limit.maxChars)
    return `must be at most ${limit.maxChars} characters (got ${value.length})`;
  if (limit.maxBytes !== undefined) {
    const bytes = Buffer.byteLength(value, 'utf8');
    if (bytes > limit.maxBytes) return `must be at most ${limit.maxBytes} bytes of UTF-8 (got ${bytes})`;
  }
  if (hasControlCharacter(value)) return 'must not contain control characters';
  if (LONE_SURROGATE.test(value)) return 'must be well-formed Unicode';
  return undefined;
}

/**
 * Parses and checks a body as a structured CloudEvent. Throws `InvalidMessageError` naming what
 * is wrong: not JSON, not an object, `specversion` not "1.0", `id`/`type`/`source` missing, not
 * strings or over `CLOUD_EVENT_LIMITS`, `subject`/`time`/`datacontenttype` present but not short
 * strings. Every attribute that reaches an AMQP property, a header or a store key is checked here.
 */
export function parseCloudEvent(body: Buffer | string): CloudEvent {
  let value: unknown;
  try {
    value = JSON.parse(typeof body === 'string' ? body : body.toString('utf8'));
  } catch (err) {
    throw new InvalidMessageError(`body is not JSON: ${(err as Error).message}`);
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new InvalidMessageError('body is not a JSON object');
  }
  const event = value as Record<string, unknown>;
  const violations: FieldViolation[] = [];
  const check = (field: string, problem: string | undefined) => {
    if (problem !== undefined) violations.push({ field, constraints: [problem] });
  };
  if (event.specversion !== '1.0') check('specversion', 'must be "1.0"');
  check('id', textAttributeProblem(event.id, { maxBytes: CLOUD_EVENT_LIMITS.ID_BYTES }));
  check('type', textAttributeProblem(event.type, { maxBytes: CLOUD_EVENT_LIMITS.TYPE_BYTES }));
  check('source', textAttributeProblem(event.source, { maxChars: CLOUD_EVENT_LIMITS.SOURCE_CHARS }));
  if (event.subject !== undefined) check('subject', textAttributeProblem(event.subject, { maxChars: CLOUD_EVENT_LIMITS.SUBJECT_CHARS }));
  for (const field of ['time', 'datacontenttype'] as const) {
    if (event[field] !== undefined) check(field, textAttributeProblem(event[field], { maxChars: CLOUD_EVENT_LIMITS.SHORT_TEXT_CHARS }));
  }
  if (violations.length > 0) {
    throw new InvalidMessageError(`not a CloudEvent: ${violations.map((v) => `${v.field} ${v.constraints[0]}`).join(', ')}`, violations);
  }
  return event as unknown as CloudEvent;
}
