import type { FailureReport } from '@warren/actors';
import { toWireError, WARREN_HEADERS } from '@warren/contracts';

/** The `x-warren-error` table put on a dead letter or a retried message. */
export interface FailureHeader {
  class: string;
  code: string;
  message: string;
  stackHead: string;
  handler: string;
  node: string;
  target: string;
  attempt: number;
  time: string;
}

/** Builds `x-warren-error` from a failure (class, code, message, stack head, handler, node, time). */
export function failureHeader(report: FailureReport, nodeId: string): FailureHeader {
  const wire = toWireError(report.error);
  return {
    class: wire.name,
    code: wire.code,
    message: wire.message.slice(0, 2000),
    stackHead: (wire.stackHead ?? '').slice(0, 4000),
    handler: report.handler ?? '',
    node: nodeId,
    target: report.target ?? '',
    attempt: report.attempt,
    time: new Date().toISOString(),
  };
}

/** Header names for where the message came from, so a replay can send it back there. */
export const ORIGIN_HEADERS = Object.freeze({
  EXCHANGE: 'x-warren-origin-exchange',
  ROUTING_KEY: 'x-warren-origin-routing-key',
  QUEUE: WARREN_HEADERS.ORIGIN_QUEUE,
} as const);
