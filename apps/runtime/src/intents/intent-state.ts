/** A proactive message the intent actor registered a reminder for. */
export interface PendingProactive {
  intent: string;
  sessionId: string;
  taskId: string;
  priority: number;
  /** ISO 8601. */
  dueAt: string;
  /** ISO 8601: after this it is dropped (also from this list). */
  expiresAt: string;
}

/** One decision of the policy, kept for operators (the actor's state) and logged. */
export interface ProactiveDecisionRecord {
  /** Reminder name, `proactive:<intent>:<taskId>`. */
  reminderId: string;
  intent: string;
  sessionId: string;
  decision: 'scheduled' | 'sent' | 'deferred' | 'suppressed' | 'cancelled';
  /** Why (`quiet-hours`, `daily-cap`, `opted-out`, `user-spoke` …). */
  reason?: string;
  /** A deferral's new due time (ISO 8601). */
  until?: string;
  /** ISO 8601. */
  at: string;
}

/** What an intent actor keeps in its saved state. */
export interface IntentState {
  /** Pending proactive messages by reminder name. */
  pending?: Record<string, PendingProactive>;
  /** Messages sent on `day` (`YYYY-MM-DD` in the user's time zone): the daily cap counts them. */
  daily?: { day: string; sent: number };
  /** The last decisions, newest last. */
  decisions?: ProactiveDecisionRecord[];
}

/** Decisions kept in the state. */
const DECISIONS_KEPT = 50;

/** Appends a decision, keeping the last {@link DECISIONS_KEPT}. */
export function recordDecision(state: IntentState, decision: ProactiveDecisionRecord): void {
  const list = state.decisions ?? [];
  list.push(decision);
  state.decisions = list.slice(-DECISIONS_KEPT);
}

/** Messages sent today (in the user's time zone). */
export function sentOn(state: IntentState, day: string): number {
  return state.daily?.day === day ? state.daily.sent : 0;
}

/** Counts one message sent on `day`. */
export function countSent(state: IntentState, day: string): void {
  state.daily = { day, sent: sentOn(state, day) + 1 };
}

/** Names of pending messages past their expiry (a reminder deleted through the gateway leaves its entry until then). */
export function expiredPending(state: IntentState, now: Date): string[] {
  return Object.entries(state.pending ?? {})
    .filter(([, p]) => Date.parse(p.expiresAt) < now.getTime())
    .map(([name]) => name);
}

/**
 * Pending messages to drop so at most `max` stay: the lowest priority first, then the earliest registered.
 */
export function overflowPending(state: IntentState, max: number): string[] {
  const entries = Object.entries(state.pending ?? {});
  if (entries.length <= max) return [];
  const order = entries.map(([name, p], index) => ({ name, priority: p.priority, index }));
  order.sort((a, b) => a.priority - b.priority || a.index - b.index);
  return order.slice(0, entries.length - max).map((e) => e.name);
}
