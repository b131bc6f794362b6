import { InvalidAddressError, InvalidMessageError } from '@warren/contracts';
import { at, type ContractContext, uid } from './contract-kit.contract';

/** ReminderStore and ProfileStore. */
export function recordsContract(ctx: ContractContext): void {
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

    it('ReminderStore keeps a cron time zone, a ttl and a missed-fire policy, and an upsert without them drops them', async () => {
      const actor = `session/${uid('r')}`;
      const full = await ctx.store.reminders.upsert({
        actor,
        name: 'tz',
        dueAt: at(10),
        cron: '0 8 * * *',
        timeZone: 'Europe/Paris',
        ttlMs: 60_000,
        missedFire: 'fire-all',
      });
      expect(full).toMatchObject({ cron: '0 8 * * *', timeZone: 'Europe/Paris', ttlMs: 60_000, missedFire: 'fire-all' });
      expect(await ctx.store.reminders.get(actor, 'tz')).toEqual(full);
      const plain = await ctx.store.reminders.upsert({ actor, name: 'tz', dueAt: at(10), periodMs: 1000 });
      for (const field of ['cron', 'timeZone', 'ttlMs', 'missedFire']) expect(plain).not.toHaveProperty(field);
      await expect(ctx.store.reminders.upsert({ actor, name: 'x', dueAt: at(0), timeZone: 'UTC' })).rejects.toBeInstanceOf(
        InvalidMessageError,
      );
      await expect(ctx.store.reminders.upsert({ actor, name: 'x', dueAt: at(0), missedFire: 'never' as 'skip' })).rejects.toBeInstanceOf(
        InvalidMessageError,
      );
      await expect(ctx.store.reminders.upsert({ actor, name: 'x', dueAt: at(0), ttlMs: 0 })).rejects.toBeInstanceOf(InvalidMessageError);
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

    it('ProfileStore#upsert() sets, keeps and removes the locale, and refuses one that is not a language tag', async () => {
      const tenant = uid('t');
      expect(await ctx.store.profiles.upsert(tenant, 'u', { locale: 'pt-BR' })).toMatchObject({ locale: 'pt-BR' });
      expect(await ctx.store.profiles.upsert(tenant, 'u', { tags: ['x'] })).toMatchObject({ locale: 'pt-BR', tags: ['x'] });
      expect(await ctx.store.profiles.upsert(tenant, 'u', { locale: null })).not.toHaveProperty('locale');
      for (const bad of ['english!!', 'e', 'fr_FR'])
        await expect(ctx.store.profiles.upsert(tenant, 'u', { locale: bad })).rejects.toBeInstanceOf(InvalidMessageError);
    });
  });
}
