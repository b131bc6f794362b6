import { createHash } from 'node:crypto';
import { actorExchange, EXCHANGES, ORIGIN_HEADERS, workerRoutingKey } from '@warren/amqp';
import { parseAddress, WARREN_HEADERS } from '@warren/contracts';
import type { DeadLetterRecord } from '@warren/store';

/** Where a replay is published. */
export interface ReplayDestination {
  exchange: string;
  routingKey: string;
}

/** A replay ready to publish: the new message id, its body and AMQP properties. */
export interface ReplayMessage extends ReplayDestination {
  messageId: string;
  type?: string;
  body: Buffer;
  headers: Record<string, unknown>;
}

/** Headers a dead letter gathered on its way to `warren.dead`; a replay starts without them. */
const FAILURE_HEADER_NAMES = new Set<string>([
  WARREN_HEADERS.ERROR,
  WARREN_HEADERS.ATTEMPT,
  'x-warren-attempts',
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

/**
 * The headers of a replay: the original ones minus the failure's, the same `x-warren-task-id`
 * (from the record when the headers lost it) and `x-warren-replay-of: <dead message id>`.
 */
export function replayHeaders(record: Pick<DeadLetterRecord, 'messageId' | 'headers' | 'taskId'>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(record.headers ?? {})) if (!isFailureHeader(name)) out[name] = value;
  if (out[WARREN_HEADERS.TASK_ID] === undefined && record.taskId !== undefined) out[WARREN_HEADERS.TASK_ID] = record.taskId;
  out[WARREN_HEADERS.REPLAY_OF] = record.messageId;
  return out;
}

function text(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (Buffer.isBuffer(value)) return value.toString('utf8');
  return undefined;
}

/**
 * Where the dead message was going: its recorded origin (`origin`, else the `x-warren-origin-*`
 * headers), else derived from its target address (entity `warren.actors.<type>` with the key as
 * routing key; worker pools, known by a `warren.worker.*` queue, `warren.workers` with
 * `<type>.<key>`). A message that died coming back from a retry tier (`warren.retry.<delay>`) goes
 * straight to its origin queue. Undefined when nothing says where it was going.
 */
export function replayDestination(
  record: Pick<DeadLetterRecord, 'origin' | 'headers' | 'address' | 'queue'>,
): ReplayDestination | undefined {
  const headers = record.headers ?? {};
  const queue = record.origin?.queue ?? record.queue ?? text(headers[ORIGIN_HEADERS.QUEUE]);
  const exchange = record.origin?.exchange ?? text(headers[ORIGIN_HEADERS.EXCHANGE]);
  const routingKey = record.origin?.routingKey ?? text(headers[ORIGIN_HEADERS.ROUTING_KEY]);
  if (exchange !== undefined && routingKey !== undefined) {
    if (exchange.startsWith('warren.retry.') || exchange === '') return { exchange: '', routingKey: queue ?? routingKey };
    return { exchange, routingKey };
  }
  const address = record.address ?? text(headers[WARREN_HEADERS.TARGET]);
  if (address === undefined) return queue === undefined ? undefined : { exchange: '', routingKey: queue };
  let parsed: { type: string; key: string };
  try {
    parsed = parseAddress(address);
  } catch {
    return undefined;
  }
  if (queue?.startsWith('warren.worker.')) return { exchange: EXCHANGES.WORKERS, routingKey: workerRoutingKey(parsed.type, parsed.key) };
  return { exchange: actorExchange(parsed.type), routingKey: parsed.key };
}

/**
 * The message id of a record's next replay: `replay-<n>-<digest>`, where n counts the record's
 * replays (this one included) and the digest covers the dead message's id, n and the data sent.
 * The same record, replay number and data give the same id, so a replay sent again after a crash
 * between its publish and its mark, or by two operators at once, repeats the first copy's id and an
 * entity actor (which keeps the ids it processed) applies it once. A forced replay after a marked
 * one, or an edit with other data, gets a new id. Short enough for AMQP's `message-id` (255 bytes).
 */
export function replayIdFor(record: Pick<DeadLetterRecord, 'messageId' | 'replayedAs' | 'envelope'>, data?: object): string {
  const n = record.replayedAs.length + 1;
  const sent = data !== undefined ? data : ((record.envelope as { data?: unknown } | null)?.data ?? null);
  const digest = createHash('sha256')
    .update(`${record.messageId}\u0000${n}\u0000${JSON.stringify(sent) ?? ''}`)
    .digest('base64url')
    .slice(0, 22);
  return `replay-${n}-${digest}`;
}

/**
 * Builds the replay of a dead letter: the stored CloudEvent with the new id (the runtime dedups
 * on it, so the replay is not taken for the message that failed) and, for an edit, new `data`.
 * Undefined when the record has no CloudEvent envelope or no destination.
 */
export function buildReplay(
  record: Pick<DeadLetterRecord, 'messageId' | 'envelope' | 'headers' | 'taskId' | 'origin' | 'address' | 'queue'>,
  messageId: string,
  data?: object,
): ReplayMessage | undefined {
  const envelope = record.envelope;
  if (envelope === null || typeof envelope !== 'object' || Array.isArray(envelope)) return undefined;
  const destination = replayDestination(record);
  if (!destination) return undefined;
  const event: Record<string, unknown> = { ...(envelope as Record<string, unknown>), id: messageId };
  if (data !== undefined) event.data = data;
  return {
    ...destination,
    messageId,
    type: typeof event.type === 'string' ? event.type : undefined,
    body: Buffer.from(JSON.stringify(event)),
    headers: replayHeaders(record),
  };
}
