import { InvalidOptionsError } from '@warren/contracts';
import type { DeadLetterFilter, DeadLetterRecord, DeadLetterStatus, DeadLetterStore } from '@warren/store';
import { type DeadLetterFilterDto, type DeadLetterSelection, MAX_ADMIN_BATCH } from './dead-letter-requests.dto';

/** The store filter of the admin API's filter fields (dates parsed, empty fields left out). */
export function toStoreFilter(dto: DeadLetterFilterDto | undefined, defaults: { status?: DeadLetterStatus } = {}): DeadLetterFilter {
  const filter: DeadLetterFilter = {};
  const status = dto?.status ?? defaults.status;
  if (status !== undefined) filter.status = status;
  if (dto?.errorCode !== undefined) filter.errorCode = dto.errorCode;
  if (dto?.errorClass !== undefined) filter.errorClass = dto.errorClass;
  if (dto?.actorType !== undefined) filter.actorType = dto.actorType;
  if (dto?.address !== undefined) filter.address = dto.address;
  if (dto?.text !== undefined) filter.text = dto.text;
  if (dto?.from !== undefined) filter.from = new Date(dto.from);
  if (dto?.to !== undefined) filter.to = new Date(dto.to);
  return filter;
}

/** The records a bulk action applies to, in dead-lettering order. */
export interface SelectedRecords {
  records: DeadLetterRecord[];
  /** Requested ids without a record. */
  missing: string[];
  /** With a filter: the cursor of the next batch. */
  nextCursor?: string;
  /** The ids or the filter, as the audit log's target. */
  target: string;
}

/**
 * Reads the records of `ids` or of one batch of `filter` (`limit`, `cursor`), oldest dead letter
 * first (the store's total order). Exactly one of `ids` and `filter` must be given.
 */
export async function selectRecords(
  store: DeadLetterStore,
  selection: DeadLetterSelection,
  defaults: { status?: DeadLetterStatus } = {},
): Promise<SelectedRecords> {
  const { ids, filter } = selection;
  if ((ids === undefined) === (filter === undefined)) throw new InvalidOptionsError('ids', 'give either ids or filter (not both)');
  if (ids !== undefined) {
    if (selection.cursor !== undefined) throw new InvalidOptionsError('cursor', 'goes with filter, not with ids');
    const unique = [...new Set(ids)];
    const page = await store.list({ messageIds: unique }, { order: 'asc', limit: unique.length });
    const found = new Set(page.items.map((r) => r.messageId));
    return {
      records: page.items,
      missing: unique.filter((id) => !found.has(id)),
      target: `ids ${truncate(unique.join(','), 1000)}`,
    };
  }
  const storeFilter = toStoreFilter(filter, defaults);
  const page = await store.list(storeFilter, { order: 'asc', limit: selection.limit ?? MAX_ADMIN_BATCH, cursor: selection.cursor });
  return {
    records: page.items,
    missing: [],
    nextCursor: page.nextCursor,
    target: `filter ${JSON.stringify(storeFilter)}`,
  };
}

function truncate(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}
