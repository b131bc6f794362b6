import { createHash } from 'node:crypto';
import { isFailureHeader, type ReplayDestination, replayDestination } from '@warren/amqp';
import { WARREN_HEADERS } from '@warren/contracts';
import type { DeadLetterRecord } from '@warren/store';

/** A replay ready to publish: the new message id, its body and AMQP properties. */
export interface ReplayMessage extends ReplayDestination {
  messageId: string;
  type?: string;
  body: Buffer;
  headers: Record<string, unknown>;
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
