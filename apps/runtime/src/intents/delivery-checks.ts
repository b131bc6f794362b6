/**
 * The checks of a due proactive message that look outside the intent actor: is its session still
 * there and in use (the history), and may its tenant spend on it (`limiter/<tenant>`).
 */

import { createHash } from 'node:crypto';
import type { ActorContext } from '@warren/actors';
import { fillProactiveTemplate, type ProactiveReminderPayload, toWireError, WARREN_ERROR_CODES } from '@warren/contracts';
import { countTokens } from '@warren/models';
import type { WarrenStore } from '@warren/store';
import { type LimiterReservation, reserveTokens, settleTokens } from '../session/limiter-reservation';

/** History parts looked at to find the user's last message. */
const RECENT_PARTS = 20;

/** What the session's history says: gone (deleted, erased), idle past the limit, or in use. */
export type SessionVerdict = { ok: true } | { ok: false; reason: 'session-deleted' | 'session-idle'; detail?: string };

/**
 * A session with no history left was deleted (or its user erased): nothing goes to it. A session
 * whose user has not written for longer than `maxIdleMs` (0: no limit) is left alone; the idle time
 * counts from the user's last message, or from the message's own due time when the user gave it
 * ("remind me in two days": `userTimed`).
 */
export async function checkSession(
  store: WarrenStore,
  payload: ProactiveReminderPayload,
  now: Date,
  maxIdleMs: number,
  userTimed: boolean,
): Promise<SessionVerdict> {
  const parts = await store.history.lastTurns({ tenant: payload.tenant, sessionId: payload.sessionId }, RECENT_PARTS);
  if (parts.length === 0) return { ok: false, reason: 'session-deleted' };
  if (maxIdleMs === 0) return { ok: true };
  const lastUser = [...parts].reverse().find((p) => p.role === 'user') ?? parts[0];
  const since = Math.max(lastUser?.at.getTime() ?? 0, userTimed ? Date.parse(payload.dueAt) : 0);
  const idle = now.getTime() - since;
  return idle > maxIdleMs ? { ok: false, reason: 'session-idle', detail: `idle ${Math.round(idle / 1000)} s` } : { ok: true };
}

/** What `limiter/<tenant>` says about one more message: granted (its reservation), over budget, over the rate, or no answer. */
export type LimiterVerdict =
  | { ok: true; reservation: LimiterReservation; tokens: number }
  | { ok: false; reason: 'over-budget' }
  | { ok: false; reason: 'rate-limited'; retryAfterMs: number }
  | { ok: false; reason: 'limiter-unavailable'; detail: string };

/**
 * Counts the message at `limiter/<tenant>` as a request of its text's tokens (the template filled
 * in, or the prompt), under a reservation named by the delivery (a redelivered `ReminderDue` is
 * granted again without a second charge). A tenant over a budget is refused; over its rate, it
 * may wait.
 */
export async function checkLimiter(ctx: ActorContext, payload: ProactiveReminderPayload, deliveryId: string): Promise<LimiterVerdict> {
  const text = fillProactiveTemplate(payload.template ?? payload.prompt ?? '', payload.vars ?? {});
  const tokens = Math.max(1, countTokens(text));
  const reservation: LimiterReservation = {
    tenant: payload.tenant,
    reservationId: `proactive-${createHash('sha256').update(deliveryId).digest('hex').slice(0, 40)}`,
    ...(payload.userId ? { userId: payload.userId } : {}),
  };
  try {
    await reserveTokens(ctx, reservation, tokens);
    return { ok: true, reservation, tokens };
  } catch (error) {
    const wire = toWireError(error);
    if (wire.code === WARREN_ERROR_CODES.BUDGET_EXCEEDED) return { ok: false, reason: 'over-budget' };
    if (wire.code === WARREN_ERROR_CODES.RATE_LIMITED) {
      return { ok: false, reason: 'rate-limited', retryAfterMs: Number((error as { retryAfterMs?: unknown }).retryAfterMs) || 1000 };
    }
    return { ok: false, reason: 'limiter-unavailable', detail: wire.message };
  }
}

/** The granted reservation is what the message costs: settled as used (the limiter forgets it), once the handler commits. */
export async function settleDelivered(ctx: ActorContext, verdict: Extract<LimiterVerdict, { ok: true }>): Promise<void> {
  await settleTokens(ctx, verdict.reservation, verdict.tokens, verdict.tokens);
}
