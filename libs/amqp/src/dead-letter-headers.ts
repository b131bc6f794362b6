import { WARREN_HEADERS } from '@warren/contracts';
import { type AttemptEntry, readAttempts } from './failure-headers';

/** One `x-death` entry, as the broker writes it when a queue dead-letters a message. */
export interface BrokerDeath {
  reason: string;
  queue: string;
  exchange: string;
  routingKeys: string[];
  count: number;
  time?: Date;
}

/** Where a message was going when it failed (`x-warren-origin-*`, or the broker's `x-death`). */
export interface MessageOrigin {
  exchange: string;
  routingKey: string;
  queue?: string;
}

/**
 * What the headers of a message taken from `warren.dead` say, read once here so that no one
 * outside libs/amqp spells a broker or failure header or decodes amqplib's values (buffers for
 * strings, `{ '!': 'timestamp' }` for times).
 */
export interface DeadLetterHeaders {
  /** `x-warren-error`: the table a node wrote when it gave up (undefined for a broker dead letter). */
  error?: Record<string, unknown>;
  /** `x-warren-attempts`, oldest first. */
  attempts: AttemptEntry[];
  /** `x-warren-origin-exchange` / `-routing-key` / `-queue`, when the node that gave up set them. */
  origin?: MessageOrigin;
  /** `x-warren-origin-queue` alone (a wrapped dead letter may carry only the queue). */
  originQueue?: string;
  /** `x-death`, newest first (the broker's order). */
  deaths: BrokerDeath[];
  /** `x-delivery-count`: deliveries of a quorum queue message before the broker gave up. */
  deliveryCount?: number;
  target?: string;
  sender?: string;
  taskId?: string;
  replayOf?: string;
}

/** Reads the headers of a dead letter (as amqplib decodes them) into a typed view. */
export function readDeadLetterHeaders(h: Record<string, unknown>): DeadLetterHeaders {
  const error = table(h[WARREN_HEADERS.ERROR]);
  const exchange = headerText(h[WARREN_HEADERS.ORIGIN_EXCHANGE]);
  const routingKey = headerText(h[WARREN_HEADERS.ORIGIN_ROUTING_KEY]);
  const originQueue = headerText(h[WARREN_HEADERS.ORIGIN_QUEUE]);
  const deliveryCount = Number(headerText(h['x-delivery-count'])) || undefined;
  const target = headerText(h[WARREN_HEADERS.TARGET]) ?? headerText(error?.target);
  const sender = headerText(h[WARREN_HEADERS.SENDER]);
  const taskId = headerText(h[WARREN_HEADERS.TASK_ID]);
  const replayOf = headerText(h[WARREN_HEADERS.REPLAY_OF]);
  return {
    ...(error ? { error } : {}),
    attempts: readAttempts(h[WARREN_HEADERS.ATTEMPTS]),
    ...(exchange !== undefined || routingKey !== undefined
      ? { origin: { exchange: exchange ?? '', routingKey: routingKey ?? '', ...(originQueue ? { queue: originQueue } : {}) } }
      : {}),
    ...(originQueue ? { originQueue } : {}),
    deaths: readDeaths(h['x-death']),
    ...(deliveryCount !== undefined ? { deliveryCount } : {}),
    ...(target ? { target } : {}),
    ...(sender ? { sender } : {}),
    ...(taskId ? { taskId } : {}),
    ...(replayOf ? { replayOf } : {}),
  };
}

/** Headers a dead letter gathered on its way to `warren.dead`; a replay starts without them. */
const FAILURE_HEADER_NAMES = new Set<string>([
  WARREN_HEADERS.ERROR,
  WARREN_HEADERS.ATTEMPT,
  WARREN_HEADERS.ATTEMPTS,
  WARREN_HEADERS.REPLAY_OF,
  'x-death',
  'x-delivery-count',
]);
const FAILURE_HEADER_PREFIXES = ['x-first-death-', 'x-last-death-', 'x-warren-origin-'];

/** True for a header of the failure (`x-warren-error`, `x-death`, `x-warren-origin-*`, …), not of the message. */
export function isFailureHeader(name: string): boolean {
  const lower = name.toLowerCase();
  return FAILURE_HEADER_NAMES.has(lower) || FAILURE_HEADER_PREFIXES.some((p) => lower.startsWith(p));
}

/** Header values as plain JSON data for a store: buffers become text; tables, arrays and typed values stay. */
export function headersAsJson(headers: Record<string, unknown>): Record<string, unknown> {
  return jsonSafe(headers) as Record<string, unknown>;
}

/**
 * Headers as JSON text (buffers, also as `JSON.stringify` sees them, as UTF-8 text; big integers as
 * strings), for a record that keeps them verbatim; never throws.
 */
export function headersJsonText(headers: Record<string, unknown>): string {
  try {
    return JSON.stringify(headers, (_k, v: unknown) => {
      if (typeof v === 'bigint') return String(v);
      if (
        typeof v === 'object' &&
        v !== null &&
        (v as { type?: unknown }).type === 'Buffer' &&
        Array.isArray((v as { data?: unknown }).data)
      )
        return Buffer.from((v as { data: number[] }).data).toString('utf8');
      return v;
    });
  } catch (error) {
    const text = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
    return JSON.stringify({ unserialisable: text.slice(0, 1000) });
  }
}

/** A header value as text: strings and buffers (empty → undefined), numbers as their decimal text. */
export function headerText(v: unknown): string | undefined {
  if (typeof v === 'string') return v.length > 0 ? v : undefined;
  if (Buffer.isBuffer(v)) return v.length > 0 ? v.toString('utf8') : undefined;
  if (typeof v === 'number') return String(v);
  return undefined;
}

function readDeaths(raw: unknown): BrokerDeath[] {
  if (!Array.isArray(raw)) return [];
  return raw
    .map(table)
    .filter((d): d is Record<string, unknown> => d !== undefined)
    .map((d) => ({
      reason: headerText(d.reason) ?? '',
      queue: headerText(d.queue) ?? '',
      exchange: headerText(d.exchange) ?? '',
      routingKeys: Array.isArray(d['routing-keys']) ? (d['routing-keys'] as unknown[]).map((k) => headerText(k) ?? '') : [],
      count: Number(d.count) || 1,
      time: timeOf(d.time),
    }));
}

function table(v: unknown): Record<string, unknown> | undefined {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && !Buffer.isBuffer(v) ? (v as Record<string, unknown>) : undefined;
}

/** amqplib decodes an AMQP timestamp as `{ '!': 'timestamp', value: <seconds> }`. */
function timeOf(v: unknown): Date | undefined {
  const t = table(v);
  const seconds = t && t['!'] === 'timestamp' ? Number(t.value) : typeof v === 'number' ? v : Number.NaN;
  return Number.isFinite(seconds) ? new Date(seconds * 1000) : undefined;
}

function jsonSafe(v: unknown): unknown {
  if (Buffer.isBuffer(v)) return v.toString('utf8');
  if (Array.isArray(v)) return v.map(jsonSafe);
  if (typeof v === 'bigint') return Number(v);
  if (typeof v === 'object' && v !== null) return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, jsonSafe(x)]));
  return v;
}
