import { at } from '../contract/contract-kit.contract';
import { resolveTaskUpdate } from '../domain/task-records';
import {
  actorInsertDocument,
  actorRecordOf,
  actorUpdate,
  auditListQuery,
  deadLetterBackfill,
  deadLetterChangeUpdate,
  deadLetterListQuery,
  deadLetterMatch,
  deadLetterPurgeFilter,
  deadLetterStatsPipeline,
  historyPageQuery,
  profileUpsertUpdate,
  reminderClaimFilter,
  reminderUpsertUpdate,
  taskTransitionUpdate,
} from './mongo-queries';

const NOW = at(0);

describe('mongo query builders', () => {
  it('actorInsertDocument() builds version 1 with the processed id and no undefined fields', () => {
    expect(actorInsertDocument({ address: 'session/a', expectedVersion: 0, state: { n: 1 }, processed: { id: 'm', at: 5 } }, NOW)).toEqual({
      _id: 'session/a',
      version: 1,
      state: { n: 1 },
      processed: [{ id: 'm', at: 5 }],
      updatedAt: NOW,
    });
    expect(actorInsertDocument({ address: 'session/a', expectedVersion: 0, state: undefined, steps: null }, NOW)).toEqual({
      _id: 'session/a',
      version: 1,
      processed: [],
      updatedAt: NOW,
    });
  });

  it('actorUpdate() filters on the expected version and pushes the processed id capped to the window', () => {
    const { filter, update } = actorUpdate(
      { address: 'session/a', expectedVersion: 7, state: { n: 2 }, processed: { id: 'm8', reply: { ok: 1 }, at: 9 }, steps: { s: 1 } },
      256,
      NOW,
    );
    expect(filter).toEqual({ _id: 'session/a', version: 7 });
    expect(update).toEqual({
      $set: { updatedAt: NOW, state: { n: 2 }, steps: { s: 1 } },
      $inc: { version: 1 },
      $push: { processed: { $each: [{ id: 'm8', reply: { ok: 1 }, at: 9 }], $slice: -256 } },
    });
  });

  it('actorUpdate() unsets an undefined state and null steps, and leaves undefined steps alone', () => {
    const cleared = actorUpdate({ address: 'session/a', expectedVersion: 1, state: undefined, steps: null }, 4, NOW).update;
    expect(cleared).toEqual({ $set: { updatedAt: NOW }, $unset: { state: '', steps: '' }, $inc: { version: 1 } });
    const kept = actorUpdate({ address: 'session/a', expectedVersion: 1, state: 0 }, 4, NOW).update;
    expect(kept).toEqual({ $set: { updatedAt: NOW, state: 0 }, $inc: { version: 1 } });
  });

  it('actorRecordOf() maps a missing document to version 0', () => {
    expect(actorRecordOf('session/a', null)).toEqual({
      address: 'session/a',
      state: undefined,
      version: 0,
      processed: [],
      steps: undefined,
      outbox: [],
      updatedAt: undefined,
    });
  });

  it('historyPageQuery() builds a turn-order keyset (turnAt, turnSeq, turnRank, seq) in both directions', () => {
    const session = { tenant: 't', sessionId: 's' };
    expect(historyPageQuery(session, 'desc', undefined)).toEqual({
      filter: { tenant: 't', sessionId: 's' },
      sort: { turnAt: -1, turnSeq: -1, turnRank: -1, seq: -1 },
    });
    const turnAt = new Date(1000);
    expect(historyPageQuery(session, 'asc', { turnAt: 1000, turnSeq: 7, rank: 1, seq: 42 })).toEqual({
      filter: {
        tenant: 't',
        sessionId: 's',
        $or: [
          { turnAt: { $gt: turnAt } },
          { turnAt, turnSeq: { $gt: 7 } },
          { turnAt, turnSeq: 7, turnRank: { $gt: 1 } },
          { turnAt, turnSeq: 7, turnRank: 1, seq: { $gt: 42 } },
        ],
      },
      sort: { turnAt: 1, turnSeq: 1, turnRank: 1, seq: 1 },
    });
  });

  it('deadLetterMatch() combines the filters and the time range, with the text as an escaped case-insensitive regex', () => {
    expect(deadLetterMatch({})).toEqual({});
    expect(
      deadLetterMatch({
        status: 'open',
        errorClass: 'E',
        errorCode: 'WARREN_X',
        actorType: 'session',
        address: 'session/acme~s1',
        text: 'a.b (c)*',
        messageIds: ['m1', 'm2'],
        from: at(1),
        to: at(2),
      }),
    ).toEqual({
      status: 'open',
      errorClass: 'E',
      errorCode: 'WARREN_X',
      actorType: 'session',
      address: 'session/acme~s1',
      errorMessage: { $regex: 'a\\.b \\(c\\)\\*', $options: 'i' },
      _id: { $in: ['m1', 'm2'] },
      createdAt: { $gte: at(1), $lt: at(2) },
    });
    const regexOf = (text: string) => new RegExp((deadLetterMatch({ text }).errorMessage as { $regex: string }).$regex, 'i');
    expect(regexOf('a.b (c)*').test('x A.B (C)* y')).toBe(true);
    expect(regexOf('a.b').test('axb')).toBe(false);
  });

  it('deadLetterListQuery() sorts on (createdAt, seq, _id) both ways and continues after the cursor position', () => {
    expect(deadLetterListQuery({ actorType: 'session' }, 'desc', undefined)).toEqual({
      filter: { actorType: 'session' },
      sort: { createdAt: -1, seq: -1, _id: -1 },
    });
    const after = { at: 5, seq: 7, id: 'm' };
    expect(deadLetterListQuery({ status: 'open' }, 'asc', after)).toEqual({
      filter: {
        status: 'open',
        $or: [
          { createdAt: { $gt: new Date(5) } },
          { createdAt: new Date(5), seq: { $gt: 7 } },
          { createdAt: new Date(5), seq: 7, _id: { $gt: 'm' } },
        ],
      },
      sort: { createdAt: 1, seq: 1, _id: 1 },
    });
    expect(deadLetterListQuery({}, 'desc', after).filter.$or).toEqual([
      { createdAt: { $lt: new Date(5) } },
      { createdAt: new Date(5), seq: { $lt: 7 } },
      { createdAt: new Date(5), seq: 7, _id: { $lt: 'm' } },
    ]);
  });

  it('deadLetterStatsPipeline() matches, then groups by error class, code, actor type and handler', () => {
    expect(deadLetterStatsPipeline({ status: 'open' })).toEqual([
      { $match: { status: 'open' } },
      {
        $group: {
          _id: { errorClass: '$errorClass', errorCode: '$errorCode', actorType: '$actorType', handler: '$handler' },
          count: { $sum: 1 },
          firstSeen: { $min: '$createdAt' },
          lastSeen: { $max: '$createdAt' },
        },
      },
    ]);
  });

  it('deadLetterPurgeFilter() selects discarded records by the time of their last status change', () => {
    expect(deadLetterPurgeFilter(NOW)).toEqual({ status: 'discarded', updatedAt: { $lt: NOW } });
  });

  it('deadLetterBackfill() gives documents without seq one from createdAt and their last attempt message', () => {
    expect(deadLetterBackfill()).toEqual({
      filter: { seq: null },
      pipeline: [
        {
          $set: {
            seq: { $multiply: [{ $toLong: '$createdAt' }, 1000] },
            errorMessage: { $ifNull: ['$errorMessage', { $ifNull: [{ $arrayElemAt: ['$attempts.message', -1] }, ''] }] },
          },
        },
      ],
    });
  });

  it('auditListQuery() lists newest first on (at, seq, _id)', () => {
    expect(auditListQuery(undefined)).toEqual({ filter: {}, sort: { at: -1, seq: -1, _id: -1 } });
    expect(auditListQuery({ at: 5, seq: 7, id: 'a' }).filter).toEqual({
      $or: [{ at: { $lt: new Date(5) } }, { at: new Date(5), seq: { $lt: 7 } }, { at: new Date(5), seq: 7, _id: { $lt: 'a' } }],
    });
  });

  it('taskTransitionUpdate() admits only the allowed source statuses and wraps user values in $literal', () => {
    const update = resolveTaskUpdate({
      status: 'completed',
      at: NOW,
      steps: [{ name: '$model', startedAt: NOW }],
      usage: { totalTokens: 3 },
    });
    const { filter, pipeline } = taskTransitionUpdate('t1', update);
    expect(filter).toEqual({ _id: 't1', status: { $in: ['running', 'completed'] } });
    expect(pipeline).toEqual([
      {
        $set: {
          status: { $literal: 'completed' },
          updatedAt: { $literal: NOW },
          transitions: {
            $cond: [
              { $eq: ['$status', 'completed'] },
              '$transitions',
              { $concatArrays: ['$transitions', [{ $literal: { status: 'completed', at: NOW } }]] },
            ],
          },
          steps: { $concatArrays: ['$steps', { $literal: [{ name: '$model', startedAt: NOW }] }] },
          usage: { $literal: { totalTokens: 3 } },
        },
      },
    ]);
    expect(taskTransitionUpdate('t1', resolveTaskUpdate({ status: 'compensated' })).filter).toEqual({
      _id: 't1',
      status: { $in: ['failed', 'compensated'] },
    });
  });

  it('deadLetterChangeUpdate() is a compare-and-set on the status that records the replay', () => {
    expect(deadLetterChangeUpdate('m', { status: 'replayed', replayedAs: 'r', at: NOW })).toEqual({
      filter: { _id: 'm', status: { $in: ['open', 'replayed'] } },
      update: { $set: { status: 'replayed', updatedAt: NOW }, $push: { replayedAs: 'r' } },
    });
    expect(deadLetterChangeUpdate('m', { status: 'open', note: 'restored', at: NOW })).toEqual({
      filter: { _id: 'm', status: { $in: ['open', 'discarded'] } },
      update: { $set: { status: 'open', updatedAt: NOW, note: 'restored' } },
    });
    expect(deadLetterChangeUpdate('m', { status: 'discarded', at: NOW }).filter).toEqual({
      _id: 'm',
      status: { $in: ['open', 'replayed', 'discarded'] },
    });
  });

  it('reminderUpsertUpdate() replaces the schedule, drops the lease and keeps createdAt', () => {
    expect(reminderUpsertUpdate({ actor: 'intent/a', name: 'n', dueAt: at(5), periodMs: 10 }, NOW)).toEqual({
      $set: { actor: 'intent/a', name: 'n', dueAt: at(5), periodMs: 10, updatedAt: NOW },
      $unset: { leaseOwner: '', leaseExpiresAt: '', cron: '', timeZone: '', payload: '', ttlMs: '', missedFire: '' },
      $setOnInsert: { createdAt: NOW },
    });
  });

  it('reminderClaimFilter() matches due reminders without a live lease', () => {
    expect(reminderClaimFilter(NOW)).toEqual({
      dueAt: { $lte: NOW },
      $or: [{ leaseExpiresAt: { $exists: false } }, { leaseExpiresAt: { $lte: NOW } }],
    });
  });

  it('profileUpsertUpdate() sets given fields, unsets nulls and defaults the rest on insert only', () => {
    expect(profileUpsertUpdate('t', 'u', { tags: ['a'], timeZone: null }, NOW)).toEqual({
      $set: { updatedAt: NOW, tags: ['a'] },
      $unset: { timeZone: '' },
      $setOnInsert: { tenant: 't', userId: 'u', optOuts: [], attributes: {} },
    });
  });
});
