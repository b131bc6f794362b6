/** The admin API's answers as the CLI reads them (JSON: dates are ISO strings). */

export interface DeadLetterAttempt {
  at: string;
  code: string;
  errorClass: string;
  message: string;
  stackHead?: string;
  handler?: string;
  node?: string;
}

export interface DeadLetter {
  messageId: string;
  status: 'open' | 'replayed' | 'discarded';
  actorType: string;
  address?: string;
  queue?: string;
  taskId?: string;
  tenant?: string;
  errorCode: string;
  errorClass: string;
  errorMessage: string;
  handler?: string;
  node?: string;
  sender?: string;
  origin?: { exchange: string; routingKey: string; queue?: string };
  firstFailureAt?: string;
  lastFailureAt?: string;
  envelope: unknown;
  headers: Record<string, unknown>;
  attempts: DeadLetterAttempt[];
  replayOf?: string;
  replayedAs: string[];
  note?: string;
  createdAt: string;
  updatedAt: string;
  /** `GET /:id` only. */
  replays?: { id: string; deadLettered: boolean; status?: string }[];
}

export interface Page<T> {
  items: T[];
  nextCursor?: string;
}

export interface StatsGroup {
  errorClass: string;
  errorCode: string;
  actorType: string;
  handler?: string;
  count: number;
  firstSeen: string;
  lastSeen: string;
}

export interface Stats {
  total: number;
  groups: StatsGroup[];
}

export interface Skipped {
  id: string;
  reason: string;
}

export interface ReplayResult {
  dryRun: boolean;
  replayed: { id: string; newId?: string; address?: string; exchange: string; routingKey: string }[];
  skipped: Skipped[];
  nextCursor?: string;
}

export interface StatusChangeResult {
  changed: string[];
  skipped: Skipped[];
  nextCursor?: string;
}

export interface EditResult {
  dryRun: boolean;
  id: string;
  newId?: string;
  exchange: string;
  routingKey: string;
}

export interface AuditEntry {
  id: string;
  actor: string;
  action: string;
  count: number;
  target?: string;
  details?: Record<string, unknown>;
  at: string;
}
