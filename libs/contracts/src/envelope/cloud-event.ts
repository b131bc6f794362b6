import { InvalidMessageError } from '../errors/api-errors';

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
 * Parses and checks a body as a structured CloudEvent. Throws `InvalidMessageError`
 * naming what is wrong (not JSON, missing `id`/`type`/`source`, wrong `specversion`).
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
  const violations: { field: string; constraints: string[] }[] = [];
  if (event.specversion !== '1.0') violations.push({ field: 'specversion', constraints: ['must be "1.0"'] });
  for (const field of ['id', 'type', 'source'] as const) {
    if (typeof event[field] !== 'string' || (event[field] as string).length === 0) {
      violations.push({ field, constraints: ['must be a non-empty string'] });
    }
  }
  if (violations.length > 0) {
    throw new InvalidMessageError(`not a CloudEvent: ${violations.map((v) => `${v.field} ${v.constraints[0]}`).join(', ')}`, violations);
  }
  return event as unknown as CloudEvent;
}
