import { BudgetExceededError } from '@warren/contracts';
import { dayResetOf, monthResetOf, periodsOf, TokenBudget, usageSince } from './token-budget';

function manualClock(iso: string) {
  const clock = { t: Date.parse(iso), now: () => clock.t, set: (at: string) => (clock.t = Date.parse(at)) };
  return clock;
}

describe('budget periods', () => {
  it('are UTC days and calendar months', () => {
    const t = Date.parse('2026-12-31T23:59:59.999Z');
    expect(periodsOf(t)).toEqual({ day: '2026-12-31', month: '2026-12' });
    expect(dayResetOf(t)).toBe('2027-01-01T00:00:00.000Z');
    expect(monthResetOf(Date.parse('2026-02-10T05:00:00Z'))).toBe('2026-03-01T00:00:00.000Z');
  });
});

describe('TokenBudget', () => {
  it('admits what fits and refuses the rest with the period, limit, usage and reset time', () => {
    const clock = manualClock('2026-12-01T10:00:00Z');
    const b = new TokenBudget('limiter/t1', { dailyTokens: 1000, monthlyTokens: 0 }, clock);
    expect(b.check(1000)).toBeUndefined();
    b.charge(900);
    const err = b.check(101);
    expect(err).toBeInstanceOf(BudgetExceededError);
    expect(err).toMatchObject({
      code: 'WARREN_BUDGET_EXCEEDED',
      scope: 'limiter/t1',
      period: 'daily',
      limit: 1000,
      used: 900,
      resetsAt: '2026-12-02T00:00:00.000Z',
      retryable: false,
    });
    expect(b.check(100)).toBeUndefined();
  });

  it('a settle refund makes room again, never below 0', () => {
    const b = new TokenBudget('limiter/t1', { dailyTokens: 1000, monthlyTokens: 0 }, manualClock('2026-12-01T10:00:00Z'));
    b.charge(1000);
    expect(b.check(1)).toBeDefined();
    b.charge(100 - 1000);
    expect(b.current().dayUsed).toBe(100);
    b.charge(-5000);
    expect(b.current().dayUsed).toBe(0);
  });

  it('starts a new day at UTC midnight and keeps the month', () => {
    const clock = manualClock('2026-12-01T23:00:00Z');
    const b = new TokenBudget('limiter/t1', { dailyTokens: 100, monthlyTokens: 250 }, clock);
    b.charge(100);
    expect(b.check(1)?.period).toBe('daily');
    clock.set('2026-12-02T00:00:00Z');
    expect(b.check(100)).toBeUndefined();
    b.charge(100);
    clock.set('2026-12-03T00:00:00Z');
    const err = b.check(100);
    expect(err).toMatchObject({ period: 'monthly', limit: 250, used: 200, resetsAt: '2027-01-01T00:00:00.000Z' });
    clock.set('2027-01-01T00:00:00Z');
    expect(b.current()).toEqual({ day: '2027-01-01', dayUsed: 0, month: '2027-01', monthUsed: 0 });
  });

  it('loads saved usage of the current periods only', () => {
    const clock = manualClock('2026-12-02T08:00:00Z');
    const b = new TokenBudget('limiter/t1', { dailyTokens: 0, monthlyTokens: 1000 }, clock, {
      day: '2026-12-01',
      dayUsed: 70,
      month: '2026-12',
      monthUsed: 400,
    });
    expect(b.current()).toEqual({ day: '2026-12-02', dayUsed: 0, month: '2026-12', monthUsed: 400 });
    expect(b.unlimited).toBe(false);
  });

  it('usageSince() is the unsaved part', () => {
    const a = { day: '2026-12-02', dayUsed: 50, month: '2026-12', monthUsed: 450 };
    expect(usageSince(a, { day: '2026-12-01', dayUsed: 70, month: '2026-12', monthUsed: 400 })).toEqual({
      day: '2026-12-02',
      dayUsed: 50,
      month: '2026-12',
      monthUsed: 50,
    });
    expect(usageSince(a, undefined)).toEqual(a);
  });
});
