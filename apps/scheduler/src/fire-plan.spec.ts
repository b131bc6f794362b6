import type { ReminderRecord } from '@warren/store';
import { planFires } from './fire-plan';

const T0 = Date.UTC(2026, 0, 1, 0, 0, 0);
const LIMITS = { graceMs: 10_000, maxFires: 100 };

function reminder(extra: Partial<ReminderRecord>): ReminderRecord {
  return { actor: 'session/acme~s', name: 'r', dueAt: new Date(T0), createdAt: new Date(T0), updatedAt: new Date(T0), ...extra };
}
const times = (plan: ReturnType<typeof planFires>) => plan.fires.map((f) => [f.scheduledAt.getTime() - T0, f.timing]);

describe('planFires()', () => {
  it('fires a one-shot on time and completes it', () => {
    const plan = planFires(reminder({}), T0 + 300, LIMITS);
    expect(times(plan)).toEqual([[0, 'on-time']]);
    expect(plan.nextDueAt).toBeUndefined();
  });

  it('fires a late one-shot once (fire-once, fire-all) or drops it (skip)', () => {
    const hourLate = T0 + 3_600_000;
    expect(times(planFires(reminder({}), hourLate, LIMITS))).toEqual([[0, 'late']]);
    expect(times(planFires(reminder({ missedFire: 'fire-all' }), hourLate, LIMITS))).toEqual([[0, 'late']]);
    const skipped = planFires(reminder({ missedFire: 'skip' }), hourLate, LIMITS);
    expect(skipped).toMatchObject({ fires: [], skipped: 1, expired: 0, nextDueAt: undefined });
  });

  it('drops a fire later than its ttl', () => {
    expect(planFires(reminder({ ttlMs: 500 }), T0 + 600, LIMITS)).toMatchObject({ fires: [], expired: 1, nextDueAt: undefined });
    expect(times(planFires(reminder({ ttlMs: 500 }), T0 + 400, LIMITS))).toEqual([[0, 'on-time']]);
  });

  it('advances an interval series past now, delivering every on-time fire', () => {
    const plan = planFires(reminder({ periodMs: 1000 }), T0 + 2500, LIMITS);
    expect(times(plan)).toEqual([
      [0, 'on-time'],
      [1000, 'on-time'],
      [2000, 'on-time'],
    ]);
    expect(plan.nextDueAt).toEqual(new Date(T0 + 3000));
  });

  it('applies the policy to the missed fires of a series: fire-all in order, fire-once the earliest, skip none', () => {
    const now = T0 + 60_000 + 500; // fires 0..60 s are due; 51..60 s are within the 10 s grace
    const all = planFires(reminder({ periodMs: 10_000, missedFire: 'fire-all' }), now, LIMITS);
    expect(times(all)).toEqual([
      [0, 'late'],
      [10_000, 'late'],
      [20_000, 'late'],
      [30_000, 'late'],
      [40_000, 'late'],
      [50_000, 'late'],
      [60_000, 'on-time'],
    ]);
    const once = planFires(reminder({ periodMs: 10_000 }), now, LIMITS);
    expect(times(once)).toEqual([
      [0, 'late'],
      [60_000, 'on-time'],
    ]);
    expect(once.skipped).toBe(5);
    const skip = planFires(reminder({ periodMs: 10_000, missedFire: 'skip' }), now, LIMITS);
    expect(times(skip)).toEqual([[60_000, 'on-time']]);
    expect(skip).toMatchObject({ skipped: 6, nextDueAt: new Date(T0 + 70_000) });
  });

  it('jumps a long-missed fast series without walking it, counting skipped and expired fires', () => {
    const day = 86_400_000;
    const plan = planFires(reminder({ periodMs: 1, missedFire: 'skip', ttlMs: 3_600_000 }), T0 + day, LIMITS);
    expect(plan.fires).toHaveLength(LIMITS.maxFires); // on-time fires of the last 10 s: 100 now, the rest stay due
    const left = T0 + day - (plan.nextDueAt as Date).getTime() + 1;
    expect(plan.expired + plan.skipped + plan.fires.length + left).toBe(day + 1);
    expect(plan.expired).toBeGreaterThan(day - 3_600_001 - 2);
  });

  it('delivers at most maxFires per claim and leaves the rest due', () => {
    const plan = planFires(reminder({ periodMs: 1000, missedFire: 'fire-all' }), T0 + 3_600_000, { graceMs: 10_000, maxFires: 5 });
    expect(plan.fires).toHaveLength(5);
    expect(plan.nextDueAt).toEqual(new Date(T0 + 5000));
  });

  it('follows a cron in its time zone', () => {
    // 08:00 Paris, daily: due 2026-03-28 07:00Z (CET); the next is 2026-03-29 06:00Z (CEST).
    const due = new Date(Date.UTC(2026, 2, 28, 7, 0, 0));
    const plan = planFires(reminder({ dueAt: due, cron: '0 8 * * *', timeZone: 'Europe/Paris' }), due.getTime() + 50, LIMITS);
    expect(plan.fires).toEqual([{ scheduledAt: due, timing: 'on-time' }]);
    expect(plan.nextDueAt).toEqual(new Date(Date.UTC(2026, 2, 29, 6, 0, 0)));
  });
});
