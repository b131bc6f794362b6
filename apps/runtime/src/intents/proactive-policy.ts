import type { ProactiveReminderPayload } from '@warren/contracts';
import type { ProfileRecord } from '@warren/store';
import { quietHoursEnd } from './quiet-hours';

/** Why a proactive message is not sent. */
export type SuppressReason =
  | 'expired'
  | 'opted-out'
  | 'daily-cap'
  | 'not-pending'
  | 'rule-off'
  | 'session-deleted'
  | 'session-idle'
  | 'over-budget'
  | 'rate-limited';
/** Why a proactive message waits. */
export type DeferReason = 'quiet-hours' | 'turn-in-progress' | 'session-unavailable' | 'rate-limited' | 'limiter-unavailable';

/** True when the user does not want this kind of message: the profile's `optOuts` names the intent, or `proactive` (all of them). */
export function isOptedOut(profile: Pick<ProfileRecord, 'optOuts'> | undefined, intent: string): boolean {
  const optOuts = profile?.optOuts ?? [];
  return optOuts.includes(intent) || optOuts.includes('proactive');
}

/** What the policy says about a proactive message that came due. */
export type PolicyVerdict =
  | { action: 'continue' }
  | { action: 'defer'; until: Date; reason: DeferReason }
  | { action: 'suppress'; reason: SuppressReason; detail?: string };

/** What the checks that need no other actor look at. */
export interface PolicyInput {
  payload: ProactiveReminderPayload;
  now: Date;
  profile?: ProfileRecord;
  /** The user's time zone. */
  timeZone: string;
  /** Messages already sent to this user today (in `timeZone`). */
  sentToday: number;
  maxPerDay: number;
}

/**
 * The checks before a proactive message goes out, in order: expiry; the user's opt-out (the
 * profile's `optOuts` names the intent, or `proactive` for all); quiet hours in the user's time
 * zone (defer to their end, or drop it when that is past its expiry); the daily cap per user
 * (after quiet hours, which usually end on a new day). "Not while a turn is in progress" needs
 * the session and is checked after these (the intent actor asks it).
 */
export function checkPolicy(input: PolicyInput): PolicyVerdict {
  const { payload, now, profile } = input;
  const expiresAt = Date.parse(payload.expiresAt);
  if (now.getTime() > expiresAt) return { action: 'suppress', reason: 'expired' };
  if (isOptedOut(profile, payload.intent)) return { action: 'suppress', reason: 'opted-out' };
  const quietEnd = quietHoursEnd(now, profile?.quietHours, input.timeZone);
  if (quietEnd) {
    if (quietEnd.getTime() > expiresAt) return { action: 'suppress', reason: 'expired', detail: 'quiet hours last past its expiry' };
    return { action: 'defer', until: quietEnd, reason: 'quiet-hours' };
  }
  if (input.sentToday >= input.maxPerDay) return { action: 'suppress', reason: 'daily-cap' };
  return { action: 'continue' };
}
