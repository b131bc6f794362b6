import type { operations, Schemas } from '@warren/client';

// The admin API's answers and requests as the CLI reads and sends them: the schemas of the gateway's
// OpenAPI document (generated into @warren/client), not copies. JSON: dates are ISO strings.

/** A dead letter as `dlq ls` lists it; `dlq show` reads it with its replays. */
export type DeadLetter = Schemas['DeadLetterView'] & Partial<Pick<Schemas['DeadLetterDetailView'], 'replays'>>;
/** One attempt's error of a dead letter. */
export type DeadLetterAttempt = DeadLetter['attempts'][number];
/** A page of a listing. */
export interface Page<T> {
  items: T[];
  nextCursor?: string;
}
/** `dlq stats`. */
export type Stats = Schemas['DeadLetterStatsView'];
/** One group of `dlq stats`. */
export type StatsGroup = Stats['groups'][number];
/** A record a bulk action left alone, and why. */
export type Skipped = Schemas['ReplayResultView']['skipped'][number];
/** What a replay did. */
export type ReplayResult = Schemas['ReplayResultView'];
/** What a discard or restore did. */
export type StatusChangeResult = Schemas['StatusChangeResultView'];
/** What an edit did. */
export type EditResult = Schemas['EditResultView'];
/** What a purge did. */
export type PurgeResult = Schemas['PurgeResultView'];
/** One operator action of the audit log. */
export type AuditEntry = Schemas['AuditEntryView'];
/** The filters and paging of `GET /v1/admin/dead-letters`. */
export type DeadLetterQuery = NonNullable<operations['listDeadLetters']['parameters']['query']>;
/** The body of a replay. */
export type ReplayBody = NonNullable<operations['replayDeadLetters']['requestBody']>['content']['application/json'];
/** The body of an edit. */
export type EditBody = NonNullable<operations['editDeadLetter']['requestBody']>['content']['application/json'];
/** The body of a discard (ids or a filter, and a reason). */
export type StatusChangeBody = NonNullable<operations['discardDeadLetters']['requestBody']>['content']['application/json'];
