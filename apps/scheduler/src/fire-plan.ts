import { nextFireAfter } from '@warren/actors';
import type { ReminderRecord } from '@warren/store';

/** One fire to deliver. */
export interface PlannedFire {
  scheduledAt: Date;
  /** `late`: a missed fire (later than the grace), delivered by the missed-fire policy. */
  timing: 'on-time' | 'late';
}

/** What to do with one claimed reminder at `now`. */
export interface FirePlan {
  /** To deliver, in order. */
  fires: PlannedFire[];
  /** Missed fires the policy drops (skip, or the fires after the first of fire-once). */
  skipped: number;
  /** Fires later than the reminder's ttl, dropped. */
  expired: number;
  /** The next due time after these fires; undefined: the reminder is done (one-shot, or a cron that ends). */
  nextDueAt: Date | undefined;
}

/** Limits of a plan. */
export interface FirePlanLimits {
  /** A fire later than this is missed (its policy applies); sooner ones are on time (always delivered). */
  graceMs: number;
  /** At most this many fires per claim; the rest stay due (claimed again at once). */
  maxFires: number;
}

/**
 * Plans the fires of a due reminder at `now`. Every due fire up to `now` is listed (a periodic
 * reminder may have several). A fire later than `ttlMs` expires. Missed fires (later than the
 * grace) follow the policy: `fire-all` delivers each, in order; `fire-once` delivers the earliest
 * (the same one whoever plans it, so a re-publish after a crash has the same id) and skips the rest;
 * `skip` delivers none. On-time fires are always delivered.
 */
export function planFires(reminder: ReminderRecord, now: number, limits: FirePlanLimits): FirePlan {
  const recurrence = { periodMs: reminder.periodMs, cron: reminder.cron, timeZone: reminder.timeZone };
  const periodic = reminder.periodMs !== undefined || reminder.cron !== undefined;
  const policy = reminder.missedFire ?? 'fire-once';
  const plan: FirePlan = { fires: [], skipped: 0, expired: 0, nextDueAt: undefined };
  let at: number | undefined = reminder.dueAt.getTime();
  let onceDelivered = false;
  // A periodic reminder missed for long has many due fires: walk them, but deliver at most maxFires.
  // Skipped and expired ones are only counted (bounded by maxScan per claim, so a year of a 1 s
  // period does not stall the loop: the walk resumes at the next claim).
  const maxScan = Math.max(limits.maxFires * 10, 10_000);
  let scanned = 0;
  while (at !== undefined && at <= now && plan.fires.length < limits.maxFires && scanned < maxScan) {
    scanned++;
    const lateness = now - at;
    if (reminder.ttlMs !== undefined && lateness > reminder.ttlMs) plan.expired++;
    else if (lateness <= limits.graceMs) plan.fires.push({ scheduledAt: new Date(at), timing: 'on-time' });
    else if (policy === 'fire-all') plan.fires.push({ scheduledAt: new Date(at), timing: 'late' });
    else if (policy === 'fire-once' && !onceDelivered) {
      plan.fires.push({ scheduledAt: new Date(at), timing: 'late' });
      onceDelivered = true;
    } else plan.skipped++;
    if (!periodic) {
      at = undefined;
      break;
    }
    let next = nextFireAfter(recurrence, at, reminder.dueAt.getTime());
    // An interval series far behind jumps over the missed fires it would not deliver anyway, counting them.
    const dropsMissed = policy === 'skip' || (policy === 'fire-once' && onceDelivered);
    const onTimeFrom = now - limits.graceMs;
    if (next !== undefined && reminder.periodMs !== undefined && dropsMissed && next < onTimeFrom) {
      const p = reminder.periodMs;
      const jumped = Math.ceil((onTimeFrom - next) / p);
      const expiredBefore = reminder.ttlMs === undefined ? next : now - reminder.ttlMs;
      const expired = Math.min(jumped, Math.max(0, Math.ceil((expiredBefore - next) / p)));
      plan.expired += expired;
      plan.skipped += jumped - expired;
      next += jumped * p;
    }
    at = next;
  }
  plan.nextDueAt = at === undefined ? undefined : new Date(at);
  return plan;
}
