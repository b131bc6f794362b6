import type { Document, Filter, Sort, UpdateFilter } from 'mongodb';
import type { ResolvedCommitWrites } from '../domain/commit-writes';
import { escapeRegExp } from '../domain/dead-letter-queries';
import { DEAD_LETTER_TRANSITIONS } from '../domain/dead-letter-transitions';
import type { HistoryPosition } from '../domain/history-records';
import type { ListOrder, OrderedPosition } from '../domain/ordered-cursor';
import type { ResolvedTaskUpdate } from '../domain/task-records';
import { taskSourcesOf } from '../domain/task-records';
import type { ActorRecord, ActorSave, ProcessedMessage } from '../ports/actor-state.port';
import type { DeadLetterFilter, DeadLetterStatusChange } from '../ports/dead-letter.port';
import type { SessionRef } from '../ports/history.port';
import type { ProfilePatch } from '../ports/profile.port';
import type { ReminderInput } from '../ports/reminder.port';
import type {
  ActorDocument,
  AuditDocument,
  DeadLetterDocument,
  MessageDocument,
  ProfileDocument,
  ReminderDocument,
} from './mongo-documents';

/**
 * Pure builders of the MongoDB filters and updates, kept apart from the driver calls so they
 * can be tested without a server.
 */

/** The processed entry as stored (no `reply` key for a tell). */
export function processedEntry(processed: ProcessedMessage, now: Date): ProcessedMessage {
  const entry: ProcessedMessage = { id: processed.id, at: processed.at ?? now.getTime() };
  if (processed.reply !== undefined) entry.reply = processed.reply;
  return entry;
}

/** First save (`expectedVersion` 0): an insert; a duplicate key means another writer won (a conflict). */
export function actorInsertDocument(save: ActorSave, now: Date, writes?: ResolvedCommitWrites): ActorDocument {
  const doc: ActorDocument = {
    _id: save.address,
    version: 1,
    processed: save.processed === undefined ? [] : [processedEntry(save.processed, now)],
    updatedAt: now,
  };
  if (save.state !== undefined) doc.state = save.state;
  if (save.steps !== undefined && save.steps !== null) doc.steps = save.steps;
  if (save.outbox !== undefined && save.outbox.length > 0) doc.outbox = save.outbox;
  if (writes !== undefined) doc.pendingWrites = { version: 1, writes };
  return doc;
}

/**
 * Later saves: ONE update whose filter holds the expected version (no match = conflict), which
 * sets state and steps, increments the version and pushes the processed id capped to the window.
 */
export function actorUpdate(
  save: ActorSave,
  window: number,
  now: Date,
  writes?: ResolvedCommitWrites,
): { filter: Filter<ActorDocument>; update: UpdateFilter<ActorDocument> } {
  const set: Document = { updatedAt: now };
  const unset: Document = {};
  if (save.state === undefined) unset.state = '';
  else set.state = save.state;
  if (save.steps === null) unset.steps = '';
  else if (save.steps !== undefined) set.steps = save.steps;
  // A commit's task and history ride in the actor document until written to their collections.
  if (writes !== undefined) set.pendingWrites = { version: save.expectedVersion + 1, writes };
  const update: Document = { $set: set, $inc: { version: 1 } };
  if (Object.keys(unset).length > 0) update.$unset = unset;
  const push: Document = {};
  if (save.processed !== undefined) push.processed = { $each: [processedEntry(save.processed, now)], $slice: -window };
  if (save.outbox !== undefined && save.outbox.length > 0) push.outbox = { $each: save.outbox };
  if (Object.keys(push).length > 0) update.$push = push;
  return { filter: { _id: save.address, version: save.expectedVersion }, update: update as UpdateFilter<ActorDocument> };
}

/** An actor document as the port's record (version 0 when there is none). */
export function actorRecordOf<S>(address: string, doc: ActorDocument | null): ActorRecord<S> {
  if (doc === null) return { address, state: undefined, version: 0, processed: [], steps: undefined, outbox: [], updatedAt: undefined };
  return {
    address,
    state: doc.state as S | undefined,
    version: doc.version,
    processed: doc.processed ?? [],
    steps: doc.steps,
    outbox: doc.outbox ?? [],
    updatedAt: doc.updatedAt,
  };
}

/** A history page: keyset on the turn order `(turnAt, turnSeq, turnRank, seq)`, in either order. */
export function historyPageQuery(
  session: SessionRef,
  order: 'asc' | 'desc',
  position: HistoryPosition | undefined,
): { filter: Filter<MessageDocument>; sort: Sort } {
  const filter: Filter<MessageDocument> = { tenant: session.tenant, sessionId: session.sessionId };
  if (position !== undefined) {
    const op = order === 'asc' ? '$gt' : '$lt';
    const turnAt = new Date(position.turnAt);
    filter.$or = [
      { turnAt: { [op]: turnAt } },
      { turnAt, turnSeq: { [op]: position.turnSeq } },
      { turnAt, turnSeq: position.turnSeq, turnRank: { [op]: position.rank } },
      { turnAt, turnSeq: position.turnSeq, turnRank: position.rank, seq: { [op]: position.seq } },
    ];
  }
  return { filter, sort: historySort(order === 'asc' ? 1 : -1) };
}

/** Turn order (see `HistoryPosition`), one way or the other. */
export function historySort(direction: 1 | -1): Sort {
  return { turnAt: direction, turnSeq: direction, turnRank: direction, seq: direction };
}

/** The query of a checked dead letter filter (shared by listings, stats and bulk operations). */
export function deadLetterMatch(filter: DeadLetterFilter): Filter<DeadLetterDocument> {
  const query: Filter<DeadLetterDocument> = {};
  if (filter.status !== undefined) query.status = filter.status;
  if (filter.errorClass !== undefined) query.errorClass = filter.errorClass;
  if (filter.errorCode !== undefined) query.errorCode = filter.errorCode;
  if (filter.actorType !== undefined) query.actorType = filter.actorType;
  if (filter.address !== undefined) query.address = filter.address;
  if (filter.text !== undefined) query.errorMessage = { $regex: escapeRegExp(filter.text), $options: 'i' };
  if (filter.messageIds !== undefined) query._id = { $in: filter.messageIds };
  if (filter.from !== undefined || filter.to !== undefined) {
    query.createdAt = {
      ...(filter.from === undefined ? {} : { $gte: filter.from }),
      ...(filter.to === undefined ? {} : { $lt: filter.to }),
    };
  }
  return query;
}

/**
 * A dead letter listing in either order: keyset on `(createdAt, seq, _id)`, a total order
 * (`seq` is insertion order within a process, `_id` breaks a tie between processes).
 */
export function deadLetterListQuery(
  filter: DeadLetterFilter,
  order: ListOrder,
  after: OrderedPosition | undefined,
): { filter: Filter<DeadLetterDocument>; sort: Sort } {
  const query = deadLetterMatch(filter);
  if (after !== undefined) {
    const op = order === 'asc' ? '$gt' : '$lt';
    const at = new Date(after.at);
    query.$or = [
      { createdAt: { [op]: at } },
      { createdAt: at, seq: { [op]: after.seq } },
      { createdAt: at, seq: after.seq, _id: { [op]: after.id } },
    ];
  }
  const direction = order === 'asc' ? 1 : -1;
  return { filter: query, sort: { createdAt: direction, seq: direction, _id: direction } };
}

/** Counts per error class, error code, actor type and handler, with the first and last `createdAt`. */
export function deadLetterStatsPipeline(filter: DeadLetterFilter): Document[] {
  return [
    { $match: deadLetterMatch(filter) },
    {
      $group: {
        _id: { errorClass: '$errorClass', errorCode: '$errorCode', actorType: '$actorType', handler: '$handler' },
        count: { $sum: 1 },
        firstSeen: { $min: '$createdAt' },
        lastSeen: { $max: '$createdAt' },
      },
    },
  ];
}

/** Retention: discarded dead letters whose last status change is before `before`. */
export function deadLetterPurgeFilter(before: Date): Filter<DeadLetterDocument> {
  return { status: 'discarded', updatedAt: { $lt: before } };
}

/**
 * Dead letters written before `seq` existed get one from their `createdAt` (microseconds, as
 * `MonotonicSequence` numbers), and their error message from their last attempt.
 */
export function deadLetterBackfill(): { filter: Document; pipeline: Document[] } {
  return {
    filter: { seq: null },
    pipeline: [
      {
        $set: {
          seq: { $multiply: [{ $toLong: '$createdAt' }, 1000] },
          errorMessage: { $ifNull: ['$errorMessage', { $ifNull: [{ $arrayElemAt: ['$attempts.message', -1] }, ''] }] },
        },
      },
    ],
  };
}

/** Audit log listing, newest first: keyset on `(at, seq, _id)`. */
export function auditListQuery(after: OrderedPosition | undefined): { filter: Filter<AuditDocument>; sort: Sort } {
  const filter: Filter<AuditDocument> = {};
  if (after !== undefined) {
    const at = new Date(after.at);
    filter.$or = [{ at: { $lt: at } }, { at, seq: { $lt: after.seq } }, { at, seq: after.seq, _id: { $lt: after.id } }];
  }
  return { filter, sort: { at: -1, seq: -1, _id: -1 } };
}

/**
 * A task status change as ONE atomic update: the filter admits only the statuses the lifecycle
 * allows to move to `update.status`; a pipeline update appends steps and, when the status
 * actually changes, a transition. User values are wrapped in `$literal` (a pipeline would read
 * a string starting with `$` as a field path).
 */
export function taskTransitionUpdate(id: string, update: ResolvedTaskUpdate): { filter: Document; pipeline: Document[] } {
  const to = update.status;
  const set: Document = {
    status: { $literal: to },
    updatedAt: { $literal: update.at },
    transitions: {
      $cond: [{ $eq: ['$status', to] }, '$transitions', { $concatArrays: ['$transitions', [{ $literal: { status: to, at: update.at } }]] }],
    },
  };
  if (update.steps !== undefined && update.steps.length > 0) set.steps = { $concatArrays: ['$steps', { $literal: update.steps }] };
  if (update.routing !== undefined) set.routing = { $literal: update.routing };
  if (update.usage !== undefined) set.usage = { $literal: update.usage };
  if (update.error !== undefined) set.error = { $literal: update.error };
  return { filter: { _id: id, status: { $in: taskSourcesOf(to) } }, pipeline: [{ $set: set }] };
}

/** A dead letter status change as one compare-and-set update. */
export function deadLetterChangeUpdate(
  messageId: string,
  change: DeadLetterStatusChange & { at: Date },
): { filter: Filter<DeadLetterDocument>; update: UpdateFilter<DeadLetterDocument> } {
  const set: Document = { status: change.status, updatedAt: change.at };
  if (change.note !== undefined) set.note = change.note;
  const update: Document = { $set: set };
  if (change.replayedAs !== undefined) update.$push = { replayedAs: change.replayedAs };
  return {
    filter: { _id: messageId, status: { $in: DEAD_LETTER_TRANSITIONS.sourcesOf(change.status) } },
    update: update as UpdateFilter<DeadLetterDocument>,
  };
}

/** Upsert of a reminder: replaces the schedule and drops any lease. */
export function reminderUpsertUpdate(reminder: ReminderInput, now: Date): UpdateFilter<ReminderDocument> {
  const set: Document = { actor: reminder.actor, name: reminder.name, dueAt: reminder.dueAt, updatedAt: now };
  const unset: Document = { leaseOwner: '', leaseExpiresAt: '' };
  for (const field of ['periodMs', 'cron', 'timeZone', 'payload', 'ttlMs', 'missedFire'] as const) {
    if (reminder[field] === undefined) unset[field] = '';
    else set[field] = reminder[field];
  }
  return { $set: set, $unset: unset, $setOnInsert: { createdAt: now } } as UpdateFilter<ReminderDocument>;
}

/** Due reminders that nobody holds (or whose lease expired). */
export function reminderClaimFilter(now: Date): Filter<ReminderDocument> {
  return { dueAt: { $lte: now }, $or: [{ leaseExpiresAt: { $exists: false } }, { leaseExpiresAt: { $lte: now } }] };
}

/** Upsert of a profile: the patch's fields are set, `null`s unset, defaults only on insert. */
export function profileUpsertUpdate(tenant: string, userId: string, patch: ProfilePatch, now: Date): UpdateFilter<ProfileDocument> {
  const set: Document = { updatedAt: now };
  const unset: Document = {};
  const onInsert: Document = { tenant, userId };
  const defaults: Document = { tags: [], optOuts: [], attributes: {} };
  for (const field of ['tags', 'optOuts', 'attributes', 'quietHours', 'timeZone', 'locale'] as const) {
    const value = patch[field];
    if (value === null) unset[field] = '';
    else if (value !== undefined) set[field] = value;
    else if (field in defaults) onInsert[field] = defaults[field];
  }
  const update: Document = { $set: set, $setOnInsert: onInsert };
  if (Object.keys(unset).length > 0) update.$unset = unset;
  return update as UpdateFilter<ProfileDocument>;
}

/**
 * What `init()` runs once on `messages` written before issue 18 (no turn fields): each part of a task
 * joins the turn of that task's first part (grouped), every other part is its own turn; the user's
 * part ranks first. Idempotent: only documents without the fields are touched.
 */
export const HISTORY_BACKFILL = {
  rank: {
    filter: { turnRank: { $exists: false } } as Filter<MessageDocument>,
    pipeline: [{ $set: { turnRank: { $cond: [{ $eq: ['$role', 'user'] }, 0, 1] } } }] as Document[],
  },
  firstOfTask: [
    { $match: { turnAt: { $exists: false }, taskId: { $exists: true } } },
    { $sort: { at: 1, seq: 1 } },
    {
      $group: {
        _id: { tenant: '$tenant', sessionId: '$sessionId', taskId: '$taskId' },
        turnAt: { $first: '$at' },
        turnSeq: { $first: '$seq' },
      },
    },
  ] as Document[],
  own: {
    filter: { turnAt: { $exists: false } } as Filter<MessageDocument>,
    pipeline: [{ $set: { turnAt: '$at', turnSeq: '$seq' } }] as Document[],
  },
};
