import type { FailureReport } from '@warren/actors';
import { toWireError } from '@warren/contracts';

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

/** At most this many attempts travel in `x-warren-attempts` (the latest ones). */
export const MAX_ATTEMPTS_KEPT = 20;
const ATTEMPT_MESSAGE_MAX = 1000;
const ATTEMPT_STACK_MAX = 800;

/** One entry of `x-warren-attempts`: a compact `x-warren-error` (no target; shorter message and stack head). */
export interface AttemptEntry {
  class: string;
  code: string;
  message: string;
  stackHead: string;
  handler: string;
  node: string;
  attempt: number;
  time: string;
}

function attemptEntry(error: unknown, attempt: number, handler: string | undefined, node: string, at: Date): AttemptEntry {
  const wire = toWireError(error);
  return {
    class: wire.name,
    code: wire.code,
    message: wire.message.slice(0, ATTEMPT_MESSAGE_MAX),
    stackHead: (wire.stackHead ?? '').slice(0, ATTEMPT_STACK_MAX),
    handler: handler ?? '',
    node,
    attempt,
    time: at.toISOString(),
  };
}

/**
 * Builds `x-warren-attempts` for a message that failed again: the attempts it already carried
 * (earlier retry-tier hops), this delivery's earlier in-place attempts (`report.previous`) and
 * the final one (`final`, the `x-warren-error` being sent), the last `MAX_ATTEMPTS_KEPT` of them.
 */
export function attemptsHeader(report: FailureReport, nodeId: string, final: FailureHeader, carried: unknown): AttemptEntry[] {
  const entries = [
    ...readAttempts(carried),
    ...(report.previous ?? []).map((p) => attemptEntry(p.error, p.attempt, p.handler, nodeId, p.at)),
    {
      class: final.class,
      code: final.code,
      message: final.message.slice(0, ATTEMPT_MESSAGE_MAX),
      stackHead: final.stackHead.slice(0, ATTEMPT_STACK_MAX),
      handler: final.handler,
      node: final.node,
      attempt: final.attempt,
      time: final.time,
    },
  ];
  return entries.slice(-MAX_ATTEMPTS_KEPT);
}

/** Reads an `x-warren-attempts` header as decoded by amqplib; entries that are not tables are skipped. */
export function readAttempts(raw: unknown): AttemptEntry[] {
  if (!Array.isArray(raw)) return [];
  const str = (v: unknown): string => (typeof v === 'string' ? v : Buffer.isBuffer(v) ? v.toString('utf8') : v == null ? '' : String(v));
  return raw
    .filter((e): e is Record<string, unknown> => typeof e === 'object' && e !== null && !Buffer.isBuffer(e) && !Array.isArray(e))
    .map((e) => ({
      class: str(e.class),
      code: str(e.code),
      message: str(e.message),
      stackHead: str(e.stackHead),
      handler: str(e.handler),
      node: str(e.node),
      attempt: Number(e.attempt) || 0,
      time: str(e.time),
    }));
}
