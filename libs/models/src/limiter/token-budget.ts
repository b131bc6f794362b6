import { BudgetExceededError } from '@warren/contracts';
import type { Clock } from './token-bucket';

/** Settled token usage of one tenant in the current UTC day and month (what the store keeps). */
export interface BudgetUsage {
  /** `YYYY-MM-DD` (UTC) that `dayUsed` counts. */
  day: string;
  dayUsed: number;
  /** `YYYY-MM` (UTC) that `monthUsed` counts. */
  month: string;
  monthUsed: number;
}

/** Daily and monthly token limits; 0 = unlimited. */
export interface BudgetLimits {
  dailyTokens: number;
  monthlyTokens: number;
}

/** The UTC day and month of `ms`. */
export function periodsOf(ms: number): { day: string; month: string } {
  const iso = new Date(ms).toISOString();
  return { day: iso.slice(0, 10), month: iso.slice(0, 7) };
}

/** When the UTC day of `ms` ends (ISO-8601). */
export function dayResetOf(ms: number): string {
  const d = new Date(ms);
  return new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate() + 1)).toISOString();
}

/** When the UTC month of `ms` ends (ISO-8601). */
export function monthResetOf(ms: number): string {
  const d = new Date(ms);
  return new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1)).toISOString();
}

/**
 * One tenant's daily and monthly token budgets. A request is admitted while what it reserves
 * fits in what is left of both periods; the reservation counts at once and a settle corrects
 * it to the real usage (so concurrent turns cannot together overrun a budget by more than their
 * under-reservation). Periods are UTC calendar days and months from `clock`: usage of a past
 * period is dropped when the next one starts. Pure arithmetic; saving is {@link BudgetBook}'s.
 */
export class TokenBudget {
  private usage: BudgetUsage;

  constructor(
    /** `limiter/<tenant>`, named in errors. */
    readonly scope: string,
    private readonly limits: BudgetLimits,
    private readonly clock: Clock,
    saved?: BudgetUsage,
  ) {
    this.usage = { ...periodsOf(clock.now()), dayUsed: 0, monthUsed: 0 };
    if (saved) this.add(saved);
  }

  /** True when neither period has a limit (nothing to check, nothing to save). */
  get unlimited(): boolean {
    return this.limits.dailyTokens === 0 && this.limits.monthlyTokens === 0;
  }

  /** The usage of the current periods (a copy). */
  current(): BudgetUsage {
    this.roll();
    return { ...this.usage };
  }

  /** The error for a reservation of `tokens` that does not fit, else undefined. The daily budget is named first. */
  check(tokens: number): BudgetExceededError | undefined {
    this.roll();
    const now = this.clock.now();
    const { dailyTokens, monthlyTokens } = this.limits;
    if (dailyTokens > 0 && this.usage.dayUsed + tokens > dailyTokens)
      return new BudgetExceededError(this.scope, 'daily', dailyTokens, this.usage.dayUsed, dayResetOf(now));
    if (monthlyTokens > 0 && this.usage.monthUsed + tokens > monthlyTokens)
      return new BudgetExceededError(this.scope, 'monthly', monthlyTokens, this.usage.monthUsed, monthResetOf(now));
    return undefined;
  }

  /** Adds `tokens` (a reservation, or a settle's difference: negative refunds) to both periods, never below 0. */
  charge(tokens: number): void {
    this.roll();
    this.usage.dayUsed = Math.max(0, this.usage.dayUsed + tokens);
    this.usage.monthUsed = Math.max(0, this.usage.monthUsed + tokens);
  }

  /** Adds another record's usage of the same periods (a saved record on load; usage of past periods is ignored). */
  add(other: BudgetUsage): void {
    this.roll();
    if (other.day === this.usage.day) this.usage.dayUsed += other.dayUsed;
    if (other.month === this.usage.month) this.usage.monthUsed += other.monthUsed;
  }

  /** Forgets the usage and starts again from `base` (a reloaded record) for the current periods. */
  reset(base?: BudgetUsage): void {
    this.usage = { ...periodsOf(this.clock.now()), dayUsed: 0, monthUsed: 0 };
    if (base) this.add(base);
  }

  private roll(): void {
    const { day, month } = periodsOf(this.clock.now());
    if (month !== this.usage.month) this.usage = { ...this.usage, month, monthUsed: 0 };
    if (day !== this.usage.day) this.usage = { ...this.usage, day, dayUsed: 0 };
  }
}

/** `a - b` per period of `a` (what `a` holds that `b` does not yet); a period `b` does not share counts whole. */
export function usageSince(a: BudgetUsage, b: BudgetUsage | undefined): BudgetUsage {
  return {
    day: a.day,
    dayUsed: a.dayUsed - (b && b.day === a.day ? b.dayUsed : 0),
    month: a.month,
    monthUsed: a.monthUsed - (b && b.month === a.month ? b.monthUsed : 0),
  };
}
