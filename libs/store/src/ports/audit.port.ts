import type { Page, PageRequest } from './page';

/** An operator action to record. */
export interface NewAuditEntry {
  /** Who: the admin key's name. */
  actor: string;
  /** What: `dlq.replay`, `dlq.discard`, `dlq.restore`, `dlq.edit`, `dlq.purge`, … */
  action: string;
  /** How many records it touched (0 or more). */
  count: number;
  /** The ids or the filter, as text. */
  target?: string;
  /** Anything else worth keeping (JSON data). */
  details?: Record<string, unknown>;
  /** When. @default now */
  at?: Date;
}

/** A recorded operator action. */
export interface AuditEntry extends Omit<NewAuditEntry, 'at'> {
  /** Generated id. */
  id: string;
  at: Date;
}

/** The audit log of operator actions (`audit_log`): append-only. */
export interface AuditStore {
  append(entry: NewAuditEntry): Promise<AuditEntry>;
  /** Newest first (by `at`, then by append order). */
  list(page?: PageRequest): Promise<Page<AuditEntry>>;
}
