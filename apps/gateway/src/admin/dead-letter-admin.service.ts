import { Inject, Injectable } from '@nestjs/common';
import { toValidMessage } from '@warren/actors';
import { AmqpTransport } from '@warren/amqp';
import { InvalidMessageError, InvalidOptionsError, messageClassOf, NotFoundError } from '@warren/contracts';
import { type AuditEntry, type DeadLetterRecord, type DeadLetterStats, type Page, WARREN_STORE, type WarrenStore } from '@warren/store';
import { GATEWAY_OPTIONS, type GatewayOptions } from '../gateway.options';
import { DeadLetterReplayer, messageOf, type ReplayOutcome, type SkippedRecord } from './dead-letter-replayer';
import type {
  AuditQuery,
  DeadLetterFilterDto,
  DeadLetterListQuery,
  DeadLetterSelection,
  DiscardBody,
  EditBody,
  ReplayBody,
  RestoreBody,
} from './dead-letter-requests.dto';
import { selectRecords, toStoreFilter } from './dead-letter-selection';
import { buildReplay, replayIdFor } from './replay-message';

/** A record with its replays and whether each of them failed again. */
export type DeadLetterDetail = DeadLetterRecord & { replays: { id: string; deadLettered: boolean; status?: string }[] };

/** What `replay` answers. */
export interface ReplayResult extends ReplayOutcome {
  dryRun: boolean;
  nextCursor?: string;
}

/** What `edit` answers. */
export interface EditResult {
  dryRun: boolean;
  id: string;
  newId?: string;
  exchange: string;
  routingKey: string;
}

/** What `discard` and `restore` answer. */
export interface StatusChangeResult {
  changed: string[];
  skipped: SkippedRecord[];
  nextCursor?: string;
}

const DAY_MS = 86_400_000;
/** Replays of at most this many records list their old → new ids in the audit entry. */
const AUDIT_ID_LIMIT = 100;

/**
 * The operators' dead letter actions behind `/v1/admin/dead-letters`: read, group, replay, edit,
 * discard, restore, purge. Every action that changes something is written to the audit log with
 * the admin's name.
 */
@Injectable()
export class DeadLetterAdminService {
  private readonly replayer: DeadLetterReplayer;

  constructor(
    @Inject(WARREN_STORE) private readonly store: WarrenStore,
    @Inject(AmqpTransport) transport: AmqpTransport,
    @Inject(GATEWAY_OPTIONS) private readonly options: GatewayOptions,
  ) {
    this.replayer = new DeadLetterReplayer(store.deadLetters, transport);
  }

  list(query: DeadLetterListQuery): Promise<Page<DeadLetterRecord>> {
    return this.store.deadLetters.list(toStoreFilter(query), { limit: query.limit, cursor: query.cursor, order: query.order });
  }

  stats(filter: DeadLetterFilterDto): Promise<DeadLetterStats> {
    return this.store.deadLetters.stats(toStoreFilter(filter));
  }

  /** The record and its lineage: what it replayed, and which of those replays died again. */
  async get(id: string): Promise<DeadLetterDetail> {
    const record = await this.require(id);
    const replays = await Promise.all(
      record.replayedAs.map(async (replayId) => {
        const again = await this.store.deadLetters.get(replayId);
        return again ? { id: replayId, deadLettered: true, status: again.status } : { id: replayId, deadLettered: false };
      }),
    );
    return { ...record, replays };
  }

  /**
   * Replays `ids`, or one batch of `filter` (a filter without `status` means `open`, or open and
   * replayed with `force`). Records already replayed are skipped unless `force`.
   */
  async replay(admin: string, body: ReplayBody): Promise<ReplayResult> {
    const force = body.force === true;
    const dryRun = body.dryRun === true;
    const selected = await selectRecords(this.store.deadLetters, body, force ? {} : { status: 'open' });
    const outcome = await this.replayer.replay(selected.records, { dryRun, force, note: force ? 'replayed again (force)' : undefined });
    const skipped = [...selected.missing.map((id) => ({ id, reason: 'not found' })), ...outcome.skipped];
    if (!dryRun)
      await this.audit(admin, 'dlq.replay', outcome.replayed.length, selected.target, {
        force,
        skipped: skipped.length,
        // Small batches keep the old → new ids; a bulk replay's are on the records (replayedAs).
        ...(outcome.replayed.length <= AUDIT_ID_LIMIT ? { replays: Object.fromEntries(outcome.replayed.map((r) => [r.id, r.newId])) } : {}),
      });
    return { dryRun, replayed: outcome.replayed, skipped, ...(selected.nextCursor ? { nextCursor: selected.nextCursor } : {}) };
  }

  /**
   * Replays the record with new `data`, validated against the message class of its CloudEvents
   * type first (invalid: `InvalidMessageError` naming the fields, nothing sent). The record is
   * kept and marked replayed with the note "edited".
   */
  async edit(admin: string, id: string, body: EditBody): Promise<EditResult> {
    const record = await this.require(id);
    if (record.status === 'discarded') throw new InvalidOptionsError('id', `dead letter ${id} is discarded (restore it first)`);
    const type = (record.envelope as { type?: unknown } | null)?.type;
    const cls = typeof type === 'string' ? messageClassOf(type) : undefined;
    if (!cls)
      throw new InvalidMessageError(`no message class is known for type ${String(type)}: the edit cannot be validated`, [
        { field: 'data', constraints: [`no message class for type ${String(type)}`] },
      ]);
    try {
      toValidMessage(cls, body.data);
    } catch (error) {
      if (!(error instanceof InvalidMessageError)) throw error;
      const fields = error.violations.map((v) => ({ field: `data.${v.field}`, constraints: v.constraints }));
      throw new InvalidMessageError(`the edited data is not a valid ${type}: ${error.message}`, fields);
    }
    const message = buildReplay(record, replayIdFor(record, body.data), body.data);
    if (!message) throw new InvalidOptionsError('id', `dead letter ${id} cannot be replayed: no envelope or no destination recorded`);
    const where = { id, exchange: message.exchange, routingKey: message.routingKey };
    if (body.dryRun) return { dryRun: true, ...where };
    const newId = await this.replayer.publishOne(record, message, 'edited');
    await this.audit(admin, 'dlq.edit', 1, `ids ${id}`, { newId, type });
    return { dryRun: false, ...where, newId };
  }

  /** Discards `ids` or one batch of `filter` with a reason; already discarded records are skipped. */
  async discard(admin: string, body: DiscardBody): Promise<StatusChangeResult> {
    const selected = await selectRecords(this.store.deadLetters, body);
    const result = await this.changeStatus(selected.records, 'discarded', body.reason, selected.missing);
    await this.audit(admin, 'dlq.discard', result.changed.length, selected.target, { reason: body.reason, skipped: result.skipped.length });
    return { ...result, ...(selected.nextCursor ? { nextCursor: selected.nextCursor } : {}) };
  }

  /** Opens discarded records again; others are skipped. */
  async restore(admin: string, body: RestoreBody): Promise<StatusChangeResult> {
    const selected = await selectRecords(this.store.deadLetters, { ids: body.ids } as DeadLetterSelection);
    const result = await this.changeStatus(selected.records, 'open', 'restored', selected.missing);
    await this.audit(admin, 'dlq.restore', result.changed.length, selected.target, { skipped: result.skipped.length });
    return result;
  }

  /** Deletes discarded records whose discard is older than `gateway.deadLetterRetentionDays`. */
  async purge(admin: string): Promise<{ purged: number; discardedBefore: Date }> {
    const discardedBefore = new Date(Date.now() - this.options.deadLetterRetentionDays * DAY_MS);
    const purged = await this.store.deadLetters.purge(discardedBefore);
    await this.audit(admin, 'dlq.purge', purged, `discarded before ${discardedBefore.toISOString()}`, {
      retentionDays: this.options.deadLetterRetentionDays,
    });
    return { purged, discardedBefore };
  }

  auditLog(query: AuditQuery): Promise<Page<AuditEntry>> {
    return this.store.audit.list({ limit: query.limit, cursor: query.cursor });
  }

  private async changeStatus(
    records: DeadLetterRecord[],
    status: 'discarded' | 'open',
    note: string,
    missing: string[],
  ): Promise<StatusChangeResult> {
    const changed: string[] = [];
    const skipped: SkippedRecord[] = missing.map((id) => ({ id, reason: 'not found' }));
    for (const record of records) {
      if (status === 'discarded' && record.status === 'discarded') skipped.push({ id: record.messageId, reason: 'already discarded' });
      else if (status === 'open' && record.status !== 'discarded')
        skipped.push({ id: record.messageId, reason: `${record.status}, not discarded` });
      else {
        try {
          await this.store.deadLetters.updateStatus(record.messageId, { status, note });
          changed.push(record.messageId);
        } catch (error) {
          skipped.push({ id: record.messageId, reason: messageOf(error) });
        }
      }
    }
    return { changed, skipped };
  }

  private async require(id: string): Promise<DeadLetterRecord> {
    const record = await this.store.deadLetters.get(id);
    if (!record) throw new NotFoundError('dead letter', id);
    return record;
  }

  private async audit(actor: string, action: string, count: number, target: string, details: Record<string, unknown>): Promise<void> {
    await this.store.audit.append({ actor, action, count, target, details });
  }
}
