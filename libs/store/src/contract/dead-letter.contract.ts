import { InvalidMessageError, InvalidOptionsError, InvalidTransitionError, NotFoundError } from '@warren/contracts';
import type { DeadLetterRecord, NewDeadLetter } from '../ports/dead-letter.port';
import { at, type ContractContext, uid } from './contract-kit.contract';

function deadLetter(overrides: Partial<NewDeadLetter> = {}): NewDeadLetter {
  return {
    messageId: uid('dl'),
    actorType: 'session',
    address: 'session/acme~s1',
    errorCode: 'WARREN_ASK_TIMEOUT',
    errorClass: 'AskTimeoutError',
    errorMessage: 'timed out',
    firstFailureAt: at(0),
    lastFailureAt: at(0),
    envelope: { specversion: '1.0', type: 'warren.session.message', data: { text: 'hi' } },
    headers: { 'x-warren-attempt': 3 },
    attempts: [{ at: at(0), code: 'WARREN_ASK_TIMEOUT', errorClass: 'AskTimeoutError', message: 'timed out' }],
    at: at(0),
    ...overrides,
  };
}

const ids = (items: Array<{ messageId: string }>) => items.map((r) => r.messageId);

/** DeadLetterStore: recording, filters, order, stats, lifecycle and retention. */
export function deadLetterContract(ctx: ContractContext): void {
  describe('dead letters', () => {
    async function insert(overrides: Partial<NewDeadLetter> = {}): Promise<DeadLetterRecord> {
      return (await ctx.store.deadLetters.insertIfAbsent(deadLetter(overrides))).record;
    }

    /** Every page of a listing, in order. */
    async function allPages(list: (cursor?: string) => Promise<{ items: DeadLetterRecord[]; nextCursor?: string }>): Promise<string[]> {
      const seen: string[] = [];
      let cursor: string | undefined;
      do {
        const page = await list(cursor);
        seen.push(...ids(page.items));
        cursor = page.nextCursor;
      } while (cursor !== undefined);
      return seen;
    }

    it('DeadLetterStore#insertIfAbsent() records a message id once and keeps the first record', async () => {
      const first = deadLetter();
      const inserted = await ctx.store.deadLetters.insertIfAbsent(first);
      expect(inserted).toMatchObject({ inserted: true, record: { messageId: first.messageId, status: 'open', replayedAs: [] } });
      const again = await ctx.store.deadLetters.insertIfAbsent({ ...first, errorClass: 'Other', at: at(9) });
      expect(again.inserted).toBe(false);
      expect(again.record).toEqual(inserted.record);
      expect(await ctx.store.deadLetters.get(first.messageId)).toEqual(inserted.record);
    });

    it('DeadLetterStore#insertIfAbsent() keeps the error details, handler, node, sender, origin, failure times and lineage', async () => {
      const input = deadLetter({
        taskId: uid('task'),
        tenant: 'acme',
        queue: 'warren.session.shard.3',
        errorMessage: 'handler threw: boom',
        handler: 'onMessage',
        node: 'node-a',
        sender: 'rtc:eu-1',
        origin: { exchange: 'warren.actors.session', routingKey: 'acme~s1', queue: 'warren.session.shard.3' },
        firstFailureAt: at(1),
        lastFailureAt: at(4),
        attempts: [
          {
            at: at(1),
            code: 'WARREN_HANDLER_FAILED',
            errorClass: 'Error',
            message: 'boom',
            stackHead: 'Error: boom\n    at x',
            handler: 'onMessage',
            node: 'node-a',
          },
          { at: at(4), code: 'WARREN_HANDLER_FAILED', errorClass: 'Error', message: 'handler threw: boom', node: 'node-b' },
        ],
        replayOf: uid('dl'),
        at: at(5),
      });
      const { record } = await ctx.store.deadLetters.insertIfAbsent(input);
      const { at: createdAt, ...fields } = input;
      expect(record).toEqual({ ...fields, status: 'open', replayedAs: [], createdAt, updatedAt: createdAt });
      expect(await ctx.store.deadLetters.get(input.messageId)).toEqual(record);
      await expect(ctx.store.deadLetters.insertIfAbsent(deadLetter({ errorMessage: undefined as never }))).rejects.toBeInstanceOf(
        InvalidMessageError,
      );
    });

    it('DeadLetterStore#list() filters by status, error class, actor type and time, newest first, in pages', async () => {
      const actorType = uid('type');
      const made = [];
      for (let i = 0; i < 5; i++) {
        made.push(await insert({ actorType, errorClass: i % 2 === 0 ? 'AskTimeoutError' : 'HandlerFailedError', at: at(i === 4 ? 3 : i) }));
      }
      const all = await ctx.store.deadLetters.list({ actorType });
      expect(ids(all.items)).toHaveLength(5);
      expect(all.items.map((r) => r.createdAt.getTime())).toEqual([...all.items.map((r) => r.createdAt.getTime())].sort((a, b) => b - a));
      expect(await allPages((cursor) => ctx.store.deadLetters.list({ actorType }, { limit: 2, cursor }))).toEqual(ids(all.items));
      const timeouts = await ctx.store.deadLetters.list({ actorType, errorClass: 'AskTimeoutError' });
      expect(ids(timeouts.items).sort()).toEqual([made[0], made[2], made[4]].map((r) => r.messageId).sort());
      const window = await ctx.store.deadLetters.list({ actorType, from: at(1), to: at(3) });
      expect(ids(window.items).sort()).toEqual([made[1], made[2]].map((r) => r.messageId).sort());
      await ctx.store.deadLetters.updateStatus(made[0].messageId, { status: 'discarded' });
      expect(ids((await ctx.store.deadLetters.list({ actorType, status: 'open' })).items)).not.toContain(made[0].messageId);
      expect(ids((await ctx.store.deadLetters.list({ actorType, status: 'discarded' })).items)).toEqual([made[0].messageId]);
    });

    it('DeadLetterStore#list() filters by exact address, message ids and a case-insensitive substring of the error message', async () => {
      const token = uid('tok');
      const address = `session/acme~${uid('a')}`;
      const a = await insert({ address, errorMessage: `Model ${token.toUpperCase()} failed: 50% (quota_x.y)` });
      const b = await insert({ address: `${address}x`, errorMessage: `model ${token} timed out` });
      const c = await insert({ address, errorMessage: 'unrelated' });
      expect(ids((await ctx.store.deadLetters.list({ address })).items).sort()).toEqual([a, c].map((r) => r.messageId).sort());
      expect(ids((await ctx.store.deadLetters.list({ text: token })).items).sort()).toEqual([a, b].map((r) => r.messageId).sort());
      expect(ids((await ctx.store.deadLetters.list({ text: `${token} FAILED: 50% (QUOTA_X.Y)` })).items)).toEqual([a.messageId]);
      // wildcards of LIKE and regular expressions are literal
      expect((await ctx.store.deadLetters.list({ address, text: '5_%' })).items).toEqual([]);
      expect((await ctx.store.deadLetters.list({ address, text: 'quota.x' })).items).toEqual([]);
      expect(ids((await ctx.store.deadLetters.list({ address, text: token })).items)).toEqual([a.messageId]);
      const byIds = await ctx.store.deadLetters.list({ messageIds: [c.messageId, b.messageId, uid('missing')] });
      expect(ids(byIds.items).sort()).toEqual([b, c].map((r) => r.messageId).sort());
      await expect(ctx.store.deadLetters.list({ address: 'not an address' })).rejects.toBeInstanceOf(InvalidOptionsError);
    });

    it('DeadLetterStore#list() orders asc by dead-lettering (createdAt, then insertion) and desc the reverse, stable across pages', async () => {
      const actorType = uid('type');
      const inserted: string[] = [];
      // equal timestamps: only the insertion order tells them apart; ids are chosen not to sort in that order
      for (const [i, ms] of [7, 7, 7, 3, 7, 7, 3].entries()) {
        inserted.push((await insert({ actorType, messageId: `${uid('dl')}-${9 - i}`, at: at(ms) })).messageId);
      }
      const expectedAsc = [inserted[3], inserted[6], inserted[0], inserted[1], inserted[2], inserted[4], inserted[5]];
      const asc = await ctx.store.deadLetters.list({ actorType }, { order: 'asc' });
      expect(ids(asc.items)).toEqual(expectedAsc);
      expect(ids((await ctx.store.deadLetters.list({ actorType })).items)).toEqual([...expectedAsc].reverse());
      for (const limit of [1, 2, 3]) {
        expect(await allPages((cursor) => ctx.store.deadLetters.list({ actorType }, { order: 'asc', limit, cursor }))).toEqual(expectedAsc);
        expect(await allPages((cursor) => ctx.store.deadLetters.list({ actorType }, { order: 'desc', limit, cursor }))).toEqual(
          [...expectedAsc].reverse(),
        );
      }
      const descCursor = (await ctx.store.deadLetters.list({ actorType }, { limit: 2 })).nextCursor;
      await expect(ctx.store.deadLetters.list({ actorType }, { order: 'asc', cursor: descCursor })).rejects.toBeInstanceOf(
        InvalidOptionsError,
      );
      // another process appending at the same timestamp comes after everything before it
      const other = await ctx.open();
      const late = (await other.deadLetters.insertIfAbsent(deadLetter({ actorType, messageId: `${uid('dl')}-0`, at: at(7) }))).record;
      expect(ids((await ctx.store.deadLetters.list({ actorType }, { order: 'asc' })).items)).toEqual([...expectedAsc, late.messageId]);
    });

    it('DeadLetterStore#stats() counts by error class, code, actor type and handler, largest group first', async () => {
      const actorType = uid('type');
      const timeout = { errorClass: 'AskTimeoutError', errorCode: 'WARREN_ASK_TIMEOUT' };
      const failed = { errorClass: 'HandlerFailedError', errorCode: 'WARREN_HANDLER_FAILED' };
      for (const ms of [5, 1, 9]) await insert({ actorType, ...timeout, handler: 'onMessage', at: at(ms) });
      for (const ms of [2, 3]) await insert({ actorType, ...failed, at: at(ms) });
      await insert({ actorType, ...failed, handler: 'onTurn', at: at(4) });
      const stats = await ctx.store.deadLetters.stats({ actorType });
      expect(stats).toEqual({
        total: 6,
        groups: [
          { ...timeout, actorType, handler: 'onMessage', count: 3, firstSeen: at(1), lastSeen: at(9) },
          { ...failed, actorType, count: 2, firstSeen: at(2), lastSeen: at(3) },
          { ...failed, actorType, handler: 'onTurn', count: 1, firstSeen: at(4), lastSeen: at(4) },
        ],
      });
      expect(await ctx.store.deadLetters.stats({ actorType, errorCode: 'WARREN_HANDLER_FAILED', from: at(3) })).toEqual({
        total: 2,
        groups: [
          { ...failed, actorType, count: 1, firstSeen: at(3), lastSeen: at(3) },
          { ...failed, actorType, handler: 'onTurn', count: 1, firstSeen: at(4), lastSeen: at(4) },
        ],
      });
      expect(await ctx.store.deadLetters.stats({ actorType: uid('none') })).toEqual({ total: 0, groups: [] });
    });

    it('DeadLetterStore#updateStatus() replays with lineage, replays again (forced), discards and restores', async () => {
      const { messageId } = await insert();
      const replayed = await ctx.store.deadLetters.updateStatus(messageId, {
        status: 'replayed',
        replayedAs: 'r1',
        note: 'ops',
        at: at(10),
      });
      expect(replayed).toMatchObject({ status: 'replayed', replayedAs: ['r1'], note: 'ops', updatedAt: at(10) });
      const again = await ctx.store.deadLetters.updateStatus(messageId, { status: 'replayed', replayedAs: 'r2', at: at(11) });
      expect(again).toMatchObject({ status: 'replayed', replayedAs: ['r1', 'r2'], note: 'ops' });
      await expect(ctx.store.deadLetters.updateStatus(messageId, { status: 'open' })).rejects.toMatchObject({
        constructor: InvalidTransitionError,
        from: 'replayed',
        to: 'open',
      });
      const discarded = await ctx.store.deadLetters.updateStatus(messageId, { status: 'discarded', note: 'fixed by hand', at: at(12) });
      expect(discarded).toMatchObject({ status: 'discarded', replayedAs: ['r1', 'r2'], note: 'fixed by hand', updatedAt: at(12) });
      await expect(ctx.store.deadLetters.updateStatus(messageId, { status: 'replayed', replayedAs: 'r3' })).rejects.toMatchObject({
        constructor: InvalidTransitionError,
        from: 'discarded',
        to: 'replayed',
      });
      const restored = await ctx.store.deadLetters.updateStatus(messageId, { status: 'open', note: 'restored', at: at(13) });
      expect(restored).toMatchObject({ status: 'open', replayedAs: ['r1', 'r2'], note: 'restored', updatedAt: at(13) });
      expect(await ctx.store.deadLetters.get(messageId)).toEqual(restored);
      await expect(ctx.store.deadLetters.updateStatus(messageId, { status: 'replayed' })).rejects.toBeInstanceOf(InvalidMessageError);
      await expect(ctx.store.deadLetters.updateStatus(uid('missing'), { status: 'discarded' })).rejects.toBeInstanceOf(NotFoundError);
    });

    it('DeadLetterStore#purge() deletes discarded records whose last status change is older than the retention date', async () => {
      // Times long before every other test's status changes (which happen "now"), so only ours are old enough.
      const old = (day: number) => new Date(Date.UTC(1995, 0, day));
      const oldDiscarded = await insert();
      const recentDiscarded = await insert();
      const restored = await insert();
      const oldOpen = await insert({ at: old(1) });
      const replayed = await insert();
      await ctx.store.deadLetters.updateStatus(oldDiscarded.messageId, { status: 'discarded', at: old(2) });
      await ctx.store.deadLetters.updateStatus(recentDiscarded.messageId, { status: 'discarded', at: old(20) });
      await ctx.store.deadLetters.updateStatus(restored.messageId, { status: 'discarded', at: old(2) });
      await ctx.store.deadLetters.updateStatus(restored.messageId, { status: 'open', at: old(3) });
      await ctx.store.deadLetters.updateStatus(replayed.messageId, { status: 'replayed', replayedAs: uid('r'), at: old(2) });
      expect(await ctx.store.deadLetters.purge(old(10))).toBe(1);
      expect(await ctx.store.deadLetters.get(oldDiscarded.messageId)).toBeUndefined();
      for (const kept of [recentDiscarded, restored, oldOpen, replayed]) {
        expect(await ctx.store.deadLetters.get(kept.messageId)).toBeDefined();
      }
      expect(await ctx.store.deadLetters.purge(old(10))).toBe(0);
      expect(await ctx.store.deadLetters.purge(old(21))).toBe(1);
      expect(await ctx.store.deadLetters.get(recentDiscarded.messageId)).toBeUndefined();
      await expect(ctx.store.deadLetters.purge('soon' as never)).rejects.toBeInstanceOf(InvalidMessageError);
    });
  });
}
