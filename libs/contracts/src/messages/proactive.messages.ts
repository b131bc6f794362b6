import { createHash } from 'node:crypto';
import { IsIn, IsInt, IsISO8601, IsObject, IsOptional, IsString, Max, MaxLength, Min, MinLength } from 'class-validator';
import { Message } from './message.decorator';

/** How a turn ended, as the intent actor sees it. */
export const TURN_OUTCOMES = ['completed', 'failed', 'interrupted', 'blocked'] as const;
export type TurnEventOutcome = (typeof TURN_OUTCOMES)[number];

/**
 * Told by a session to its intent actor after each turn that ended (completed, failed for good,
 * blocked by moderation or interrupted), with message id `<taskId>:turn-event`, so a redelivered
 * turn does not count twice. The intent actor detects intents in it and schedules proactive messages.
 */
@Message('warren.intent.turn')
export class TurnEvent {
  /** The turn's task id (the CloudEvent id of the user's message). */
  @IsString() @MinLength(1) @MaxLength(256) taskId!: string;
  @IsString() @MinLength(1) @MaxLength(128) tenant!: string;
  @IsString() @MinLength(1) @MaxLength(128) sessionId!: string;
  @IsOptional() @IsString() @MaxLength(256) userId?: string;
  /** The user's text as the model saw it (normalised, personal data masked). */
  @IsString() @MaxLength(20_000) text!: string;
  /** The assistant's reply (absent when the turn failed). */
  @IsOptional() @IsString() @MaxLength(100_000) reply?: string;
  /** BCP 47 language of the user's text. */
  @IsOptional() @IsString() @MaxLength(35) language?: string;
  @IsIn(TURN_OUTCOMES) outcome!: TurnEventOutcome;
  /** The `WARREN_*` code of a failed turn. */
  @IsOptional() @IsString() @MaxLength(64) errorCode?: string;
  /** When the turn ended (ISO 8601). */
  @IsISO8601() at!: string;
}

/**
 * Asked by the intent actor before it sends a proactive message (an interleaved handler of the
 * session: answered at once even while a turn runs). The reply is a {@link ProactiveProbeReply}.
 */
@Message('warren.session.proactive-probe')
export class ProactiveProbe {}

/** The session's answer to {@link ProactiveProbe}. */
export interface ProactiveProbeReply {
  /** A turn is in progress: a proactive message now would talk over it. */
  busy: boolean;
  /** Task id of that turn. */
  taskId?: string;
}

/**
 * Told by the intent actor to the session when a proactive message passed every policy check:
 * the session composes it (the template filled, or the prompt through `model/<name>`), moderates
 * it, writes it to the history and publishes `session.<sessionId>.proactive`. Its message id is
 * derived from the reminder's delivery, so a redelivery composes and publishes once.
 */
@Message('warren.session.compose-proactive')
export class ProactiveDeliver {
  /** The reminder that came due (its name in the intent actor's reminders). */
  @IsString() @MinLength(1) @MaxLength(256) reminderId!: string;
  @IsString() @MinLength(1) @MaxLength(64) intent!: string;
  /** The turn that caused it. */
  @IsOptional() @IsString() @MaxLength(256) taskId?: string;
  @IsOptional() @IsString() @MaxLength(256) userId?: string;
  /** A template with `{{name}}` placeholders filled from `vars`. */
  @IsOptional() @IsString() @MaxLength(4000) template?: string;
  /** A prompt for the model (`{{name}}` placeholders filled from `vars`); used when there is no template. */
  @IsOptional() @IsString() @MaxLength(20_000) prompt?: string;
  @IsObject() vars!: Record<string, string>;
  /** Higher is more important (0..100). */
  @IsInt() @Min(0) @Max(100) priority!: number;
  /** When the reminder was due (ISO 8601). */
  @IsISO8601() scheduledAt!: string;
  /** The policy's decision record (checks passed, deferrals), kept with the message's record. */
  @IsOptional() @IsObject() decision?: Record<string, unknown>;
}

/**
 * Told to an intent actor when one of its pending proactive messages is cancelled from outside
 * (the gateway's `DELETE /v1/sessions/:sessionId/reminders/:reminderId` tells this, then deletes the
 * reminder): the actor forgets it and deletes the reminder too, so it no longer counts against
 * `maxPending`, is not cancelled again by a later turn, and cannot be sent. Forgetting one it does
 * not hold does nothing.
 */
@Message('warren.intent.forget-proactive')
export class ProactiveForget {
  @IsString() @MinLength(1) @MaxLength(256) reminderId!: string;
}

/** `session.<id>.proactive`: Warren speaks first. */
export interface SessionProactiveData {
  /** What Warren says. */
  text: string;
  /** The intent that made it speak (`reminder`, `unfinished-task` …). */
  intent: string;
  /** The reminder that came due (`GET /v1/sessions/:id/reminders` lists the pending ones). */
  reminderId: string;
  /** The turn that caused it. */
  taskId?: string;
  /** Higher is more important. */
  priority?: number;
}

/** Prefix of the names of the intent actor's proactive reminders: `proactive:<intent>:<taskId>`. */
export const PROACTIVE_REMINDER_PREFIX = 'proactive:';

/**
 * The payload of a proactive reminder (`reminders.payload` of the intent actor): what the policy
 * checks and the session composes with when it comes due. The gateway lists it.
 */
export interface ProactiveReminderPayload {
  kind: 'proactive';
  intent: string;
  tenant: string;
  sessionId: string;
  userId?: string;
  /** The turn that caused it. */
  taskId: string;
  template?: string;
  prompt?: string;
  vars: Record<string, string>;
  priority: number;
  /** First due time (ISO 8601); deferrals keep it. */
  dueAt: string;
  /** Not sent after this (ISO 8601): the first due time plus the rule's ttl. */
  expiresAt: string;
  /** How often it was deferred (quiet hours, a turn in progress). */
  deferrals: number;
}

/** True when `payload` is a {@link ProactiveReminderPayload}. */
export function isProactiveReminderPayload(payload: unknown): payload is ProactiveReminderPayload {
  const p = payload as Partial<ProactiveReminderPayload> | null;
  return typeof p === 'object' && p !== null && p.kind === 'proactive' && typeof p.intent === 'string' && typeof p.sessionId === 'string';
}

/**
 * The address of the intent actor that keeps a turn's proactive messages. Keyed per user when
 * the turn has a user id (`intent/<tenant>~u:<userId>`; a user id that cannot be part of an
 * actor key is hashed: `u#<sha256 prefix>`), else per session (`intent/<tenant>~s:<sessionId>`).
 * Per user so that one activation sees every proactive message a user gets across sessions and
 * devices: the daily cap counts them in one place (its state), without a shared counter or a
 * lock. `u:`/`s:` keep a user id from ever naming a session's actor.
 */
export function intentAddress(tenant: string, ref: { userId?: string; sessionId: string }): string {
  if (ref.userId === undefined || ref.userId === '') return `intent/${tenant}~s:${ref.sessionId}`;
  if (/^[^\s/]{1,150}$/.test(ref.userId)) return `intent/${tenant}~u:${ref.userId}`;
  return `intent/${tenant}~u#${createHash('sha256').update(ref.userId).digest('hex').slice(0, 40)}`;
}

/** Fills `{{name}}` placeholders of a proactive rule's template or prompt; unknown names become empty. */
export function fillProactiveTemplate(template: string, vars: Readonly<Record<string, string>>): string {
  return template.replace(/\{\{\s*([A-Za-z0-9_]+)\s*\}\}/g, (_, name: string) => vars[name] ?? '').trim();
}
