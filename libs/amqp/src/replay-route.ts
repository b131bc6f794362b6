import { parseAddress, WARREN_HEADERS } from '@warren/contracts';
import type { MessageOrigin } from './dead-letter-headers';
import { actorExchange, EXCHANGES, workerRoutingKey } from './names';

/** Where a replay is published. */
export interface ReplayDestination {
  exchange: string;
  routingKey: string;
}

/** What a dead letter's record says about where it was going. */
export interface ReplaySource {
  origin?: MessageOrigin;
  /** The queue it was consumed from. */
  queue?: string;
  /** The actor address it was for. */
  address?: string;
  /** Its stored headers (`x-warren-origin-*`, `x-warren-target`). */
  headers?: Record<string, unknown>;
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
export function replayDestination(record: ReplaySource): ReplayDestination | undefined {
  const headers = record.headers ?? {};
  const queue = record.origin?.queue ?? record.queue ?? text(headers[WARREN_HEADERS.ORIGIN_QUEUE]);
  const exchange = record.origin?.exchange ?? text(headers[WARREN_HEADERS.ORIGIN_EXCHANGE]);
  const routingKey = record.origin?.routingKey ?? text(headers[WARREN_HEADERS.ORIGIN_ROUTING_KEY]);
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
