import type { DeadLetterRecord, DeadLetterStore } from '@warren/store';
import { orderedFanOut } from './ordered-fan-out';
import { buildReplay, type ReplayMessage, replayIdFor } from './replay-message';

/** Publishes a replay: persistent, mandatory, confirmed (`AmqpTransport#republish`). */
export interface Republisher {
  republish(
    exchange: string,
    routingKey: string,
    body: Buffer,
    properties: { messageId: string; type?: string; headers: Record<string, unknown> },
  ): Promise<void>;
}

/** A record replayed, or that a dry run would replay. */
export interface ReplayedRecord {
  id: string;
  /** The replay's message id; absent in a dry run. */
  newId?: string;
  address?: string;
  exchange: string;
  routingKey: string;
}

/** A record left alone, and why. */
export interface SkippedRecord {
  id: string;
  reason: string;
}

/** What one replay call did. */
export interface ReplayOutcome {
  replayed: ReplayedRecord[];
  skipped: SkippedRecord[];
}

/** How many target addresses are replayed to at once (each one sequentially, confirmed). */
export const REPLAY_LANES = 64;

/**
 * Replays dead letters: the stored message with a new id ({@link replayIdFor}), the same task id and
 * `x-warren-replay-of`, to where it was going; then the record is marked `replayed` with the new
 * id. Records go in the order given (the caller passes them in dead-lettering order): one at a
 * time and confirmed per target address, addresses in parallel ({@link REPLAY_LANES}); when one
 * fails, the later ones of that address are held back so their order is kept.
 */
export class DeadLetterReplayer {
  constructor(
    private readonly store: DeadLetterStore,
    private readonly publisher: Republisher,
  ) {}

  async replay(
    records: readonly DeadLetterRecord[],
    options: { dryRun?: boolean; force?: boolean; note?: string },
  ): Promise<ReplayOutcome> {
    const skipped: SkippedRecord[] = [];
    const ready: { record: DeadLetterRecord; message: ReplayMessage }[] = [];
    for (const record of records) {
      const refusal = replayRefusal(record, options.force === true);
      if (refusal) {
        skipped.push({ id: record.messageId, reason: refusal });
        continue;
      }
      // The id comes from the record (replay count, data): a retry after a crash repeats it.
      const message = buildReplay(record, replayIdFor(record));
      if (!message) skipped.push({ id: record.messageId, reason: unreplayableReason(record) });
      else ready.push({ record, message });
    }
    const view = ({ record, message }: (typeof ready)[number], sent: boolean): ReplayedRecord => ({
      id: record.messageId,
      ...(sent ? { newId: message.messageId } : {}),
      ...(record.address !== undefined ? { address: record.address } : {}),
      exchange: message.exchange,
      routingKey: message.routingKey,
    });
    if (options.dryRun) return { replayed: ready.map((r) => view(r, false)), skipped };

    const lane = ({ record, message }: (typeof ready)[number]) => record.address ?? `${message.exchange} ${message.routingKey}`;
    const results = await orderedFanOut<(typeof ready)[number], ReplayedRecord | SkippedRecord>(
      ready,
      lane,
      REPLAY_LANES,
      async (item) => {
        await this.publishOne(item.record, item.message, options.note);
        return view(item, true);
      },
      (item, error, cause) => ({
        id: item.record.messageId,
        reason: cause
          ? `not replayed: ${messageOf(error)}`
          : `held back to keep the order of ${lane(item)}: an earlier message for it was not replayed`,
      }),
    );
    const replayed: ReplayedRecord[] = [];
    for (const r of results) {
      if ('reason' in r) skipped.push(r);
      else replayed.push(r);
    }
    return { replayed, skipped };
  }

  /** Publishes one replay (confirmed), then marks its record `replayed` with the new id; returns the new id. */
  async publishOne(record: DeadLetterRecord, message: ReplayMessage, note?: string): Promise<string> {
    await this.publisher.republish(message.exchange, message.routingKey, message.body, {
      messageId: message.messageId,
      type: message.type,
      headers: message.headers,
    });
    try {
      await this.store.updateStatus(record.messageId, { status: 'replayed', replayedAs: message.messageId, ...(note ? { note } : {}) });
    } catch (error) {
      throw new Error(`published as ${message.messageId}, but not marked replayed: ${messageOf(error)}`);
    }
    return message.messageId;
  }
}

/** Why a record is not replayed now, or undefined when it may be. */
export function replayRefusal(record: Pick<DeadLetterRecord, 'status' | 'replayedAs'>, force: boolean): string | undefined {
  if (record.status === 'discarded') return 'discarded (restore it first)';
  if (record.status === 'replayed' && !force)
    return `already replayed${record.replayedAs.length > 0 ? ` as ${record.replayedAs[record.replayedAs.length - 1]}` : ''} (pass force to replay it again)`;
  return undefined;
}

function unreplayableReason(record: DeadLetterRecord): string {
  const envelope = record.envelope;
  if (envelope === null || typeof envelope !== 'object' || Array.isArray(envelope)) return 'no CloudEvent envelope was recorded';
  return 'no destination known (no origin and no target address)';
}

/** The message of an error, for a one-line reason. */
export function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
