import { InvalidAddressError, InvalidMessageError, InvalidTransitionError, NotFoundError } from '@warren/contracts';
import type { NewDeadLetter } from '../ports/dead-letter.port';
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

/** DeadLetterStore, ReminderStore and ProfileStore. */
export function recordsContract(ctx: ContractContext): void {
  describe('dead letters', () => {
    it('DeadLetterStore#insertIfAbsent() records a message id once and keeps the first record', async () => {
      const first = deadLetter();
      const inserted = await ctx.store.deadLetters.insertIfAbsent(first);
      expect(inserted).toMatchObject({ inserted: true, record: { messageId: first.messageId, status: 'open', replayedAs: [] } });
      const again = await ctx.store.deadLetters.insertIfAbsent({ ...first, errorClass: 'Other', at: at(9) });
      expect(again.inserted).toBe(false);
      expect(again.record).toEqual(inserted.record);
      expect(await ctx.store.deadLetters.get(first.messageId)).toEqual(inserted.record);
    });

    it('DeadLetterStore#list() filters by status, error class, actor type and time, newest first, in pages', async () => {
      const actorType = uid('type');
      const made = [];
      for (let i = 0; i < 5; i++) {
        const { record } = await ctx.store.deadLetters.insertIfAbsent(
          deadLetter({ actorType, errorClass: i % 2 === 0 ? 'AskTimeoutError' : 'HandlerFailedError', at: at(i === 4 ? 3 : i) }),
        );
        made.push(record);
      }
      const ids = (items: Array<{ messageId: string }>) => items.map((r) => r.messageId);
      const all = await ctx.store.deadLetters.list({ actorType });
      expect(ids(all.items)).toHaveLength(5);
      expect(all.items.map((r) => r.createdAt.getTime())).toEqual([...all.items.map((r) => r.createdAt.getTime())].sort((a, b) => b - a));
      const paged: string[] = [];
      let cursor: string | undefined;
      do {
        const page = await ctx.store.deadLetters.list({ actorType }, { limit: 2, cursor });
        paged.push(...ids(page.items));
        cursor = page.nextCursor;
      } while (cursor !== undefined);
      expect(paged).toEqual(ids(all.items));
      const timeouts = await ctx.store.deadLetters.list({ actorType, errorClass: 'AskTimeoutError' });
      expect(ids(timeouts.items).sort()).toEqual([made[0], made[2], made[4]].map((r) => r.messageId).sort());
      const window = await ctx.store.deadLetters.list({ actorType, from: at(1), to: at(3) });
      expect(ids(window.items).sort()).toEqual([made[1], made[2]].map((r) => r.messageId).sort());
      await ctx.store.deadLetters.updateStatus(made[0].messageId, { status: 'discarded' });
      expect(ids((await ctx.store.deadLetters.list({ actorType, status: 'open' })).items)).not.toContain(made[0].messageId);
      expect(ids((await ctx.store.deadLetters.list({ actorType, status: 'discarded' })).items)).toEqual([made[0].messageId]);
    });

    it('DeadLetterStore#updateStatus() replays an open dead letter once, with lineage', async () => {
      const { record } = await ctx.store.deadLetters.insertIfAbsent(deadLetter());
      const replayed = await ctx.store.deadLetters.updateStatus(record.messageId, { status: 'replayed', replayedAs: 'r1', note: 'ops' });
      expect(replayed).toMatchObject({ status: 'replayed', replayedAs: ['r1'], note: 'ops' });
      await expect(ctx.store.deadLetters.updateStatus(record.messageId, { status: 'open' })).rejects.toBeInstanceOf(InvalidTransitionError);
      await expect(ctx.store.deadLetters.updateStatus(record.messageId, { status: 'discarded' })).rejects.toMatchObject({
        from: 'replayed',
        to: 'discarded',
      });
      await expect(ctx.store.deadLetters.updateStatus(uid('missing'), { status: 'discarded' })).rejects.toBeInstanceOf(NotFoundError);
    });
  });

  describe('reminders', () => {
    it('ReminderStore#upsert() creates and replaces a reminder by actor and name', async () => {
      const actor = `session/${uid('r')}`;
      const created = await ctx.store.reminders.upsert({
        actor,
        name: 'follow-up',
        dueAt: at(10),
        periodMs: 60_000,
        payload: { intent: 'x' },
      });
      expect(created).toMatchObject({ actor, name: 'follow-up', dueAt: at(10), periodMs: 60_000, payload: { intent: 'x' } });
      const replaced = await ctx.store.reminders.upsert({ actor, name: 'follow-up', dueAt: at(20), cron: '0 9 * * *' });
      expect(replaced).not.toHaveProperty('periodMs');
      expect(replaced).not.toHaveProperty('payload');
      expect(replaced).toMatchObject({ dueAt: at(20), cron: '0 9 * * *', createdAt: created.createdAt });
      expect(await ctx.store.reminders.listByActor(actor)).toEqual([replaced]);
      expect(await ctx.store.reminders.delete(actor, 'follow-up')).toBe(true);
      expect(await ctx.store.reminders.get(actor, 'follow-up')).toBeUndefined();
    });

    it('ReminderStore#claimDue() leases each due reminder to one owner until the lease expires', async () => {
      const actor = `intent/${uid('r')}`;
      const now = new Date(Date.UTC(1990, 0, 1)); // before every other test's reminders: only ours are due
      for (let i = 0; i < 6; i++) await ctx.store.reminders.upsert({ actor, name: `n${i}`, dueAt: new Date(now.getTime() - 1000 + i) });
      await ctx.store.reminders.upsert({ actor, name: 'future', dueAt: new Date(now.getTime() + 60_000) });
      const other = await ctx.open();
      const [a, b] = await Promise.all([
        ctx.store.reminders.claimDue({ owner: 'a', leaseMs: 30_000, limit: 4, now }),
        other.reminders.claimDue({ owner: 'b', leaseMs: 30_000, limit: 4, now }),
      ]);
      const names = [...a, ...b].map((r) => r.name).sort();
      expect(names).toEqual(['n0', 'n1', 'n2', 'n3', 'n4', 'n5']);
      expect(a.every((r) => r.leaseOwner === 'a' && r.leaseExpiresAt?.getTime() === now.getTime() + 30_000)).toBe(true);
      expect(await ctx.store.reminders.claimDue({ owner: 'c', leaseMs: 1000, limit: 10, now })).toEqual([]);
      const later = new Date(now.getTime() + 30_000);
      const reclaimed = await ctx.store.reminders.claimDue({ owner: 'c', leaseMs: 1000, limit: 10, now: later });
      expect(reclaimed.map((r) => r.name).sort()).toEqual(names);
      expect(reclaimed.map((r) => r.dueAt.getTime())).toEqual([...reclaimed.map((r) => r.dueAt.getTime())].sort((x, y) => x - y));
    });

    it('ReminderStore#advance(), #complete() and #release() act only for the lease owner', async () => {
      const actor = `intent/${uid('r')}`;
      const now = new Date(Date.UTC(1980, 0, 1));
      await ctx.store.reminders.upsert({ actor, name: 'p', dueAt: new Date(now.getTime() - 1), periodMs: 1000 });
      await ctx.store.reminders.upsert({ actor, name: 'once', dueAt: new Date(now.getTime() - 1) });
      await ctx.store.reminders.upsert({ actor, name: 'rel', dueAt: new Date(now.getTime() - 1) });
      expect(await ctx.store.reminders.claimDue({ owner: 'me', leaseMs: 5000, limit: 10, now })).toHaveLength(3);
      expect(await ctx.store.reminders.advance(actor, 'p', 'thief', at(99))).toBe(false);
      expect(await ctx.store.reminders.advance(actor, 'p', 'me', at(99))).toBe(true);
      const advanced = await ctx.store.reminders.get(actor, 'p');
      expect(advanced?.dueAt).toEqual(at(99));
      expect(advanced).not.toHaveProperty('leaseOwner');
      expect(await ctx.store.reminders.complete(actor, 'once', 'thief')).toBe(false);
      expect(await ctx.store.reminders.complete(actor, 'once', 'me')).toBe(true);
      expect(await ctx.store.reminders.get(actor, 'once')).toBeUndefined();
      expect(await ctx.store.reminders.release(actor, 'rel', 'me')).toBe(true);
      expect(await ctx.store.reminders.claimDue({ owner: 'next', leaseMs: 5000, limit: 10, now })).toMatchObject([{ name: 'rel' }]);
      await ctx.store.reminders.upsert({ actor, name: 'rel', dueAt: at(1) });
      expect(await ctx.store.reminders.complete(actor, 'rel', 'next')).toBe(false); // rescheduled: the lease is gone
    });

    it('ReminderStore rejects bad input with typed errors', async () => {
      await expect(ctx.store.reminders.upsert({ actor: 'nope', name: 'x', dueAt: at(0) })).rejects.toBeInstanceOf(InvalidAddressError);
      await expect(
        ctx.store.reminders.upsert({ actor: 'intent/a', name: 'x', dueAt: at(0), periodMs: 5, cron: '* * * * *' }),
      ).rejects.toBeInstanceOf(InvalidMessageError);
      await expect(ctx.store.reminders.upsert({ actor: 'intent/a', name: '', dueAt: at(0) })).rejects.toBeInstanceOf(InvalidMessageError);
    });
  });

  describe('profiles', () => {
    it('ProfileStore#upsert() creates a profile with defaults, then changes only the given fields', async () => {
      const tenant = uid('t');
      expect(await ctx.store.profiles.get(tenant, 'u')).toBeUndefined();
      const created = await ctx.store.profiles.upsert(tenant, 'u', { tags: ['vip'], timeZone: 'Europe/Paris' });
      expect(created).toMatchObject({ tenant, userId: 'u', tags: ['vip'], optOuts: [], attributes: {}, timeZone: 'Europe/Paris' });
      const updated = await ctx.store.profiles.upsert(tenant, 'u', {
        optOuts: ['marketing'],
        quietHours: { start: '22:00', end: '07:00' },
      });
      expect(updated).toMatchObject({ tags: ['vip'], optOuts: ['marketing'], quietHours: { start: '22:00', end: '07:00' } });
      const cleared = await ctx.store.profiles.upsert(tenant, 'u', { timeZone: null, quietHours: null });
      expect(cleared).not.toHaveProperty('timeZone');
      expect(cleared).not.toHaveProperty('quietHours');
      expect(await ctx.store.profiles.get(tenant, 'u')).toEqual(cleared);
      await expect(ctx.store.profiles.upsert(tenant, 'u', { quietHours: { start: '25:00', end: '1' } })).rejects.toBeInstanceOf(
        InvalidMessageError,
      );
      expect(await ctx.store.profiles.delete(tenant, 'u')).toBe(true);
      expect(await ctx.store.profiles.delete(tenant, 'u')).toBe(false);
    });
  });
}
