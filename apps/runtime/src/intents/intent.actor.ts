import { Inject, Logger, Optional } from '@nestjs/common';
import { Actor, type ActorContext, Handle } from '@warren/actors';
import {
  isProactiveReminderPayload,
  PROACTIVE_REMINDER_PREFIX,
  ProactiveDeliver,
  ProactiveForget,
  ProactiveProbe,
  type ProactiveProbeReply,
  type ProactiveReminderPayload,
  ReminderDue,
  sessionKey,
  TurnEvent,
} from '@warren/contracts';
import { type ProfileRecord, WARREN_STORE, type WarrenStore } from '@warren/store';
import { checkLimiter, checkSession, settleDelivered } from './delivery-checks';
import { INTENT_CLASSIFIER, type IntentClassifier } from './intent-classifier';
import {
  countSent,
  expiredPending,
  type IntentState,
  overflowPending,
  type ProactiveDecisionRecord,
  recordDecision,
  sentOn,
} from './intent-state';
import { idleLimitFor, PROACTIVE_OPTIONS, type ProactiveOptions, rulesFor } from './proactive.options';
import { checkPolicy, isOptedOut } from './proactive-policy';
import { dayIn, isValidTimeZone } from './zoned-time';

/** Where decisions are counted (WarrenMetrics fits; optional). */
export interface ProactiveMetrics {
  proactiveDecision(intent: string, decision: string, reason?: string): void;
}

/** Nest injection token of the {@link ProactiveMetrics}. */
export const PROACTIVE_METRICS = Symbol('warren:proactive-metrics');

/** How long the session may take to say whether a turn is in progress. */
const PROBE_TIMEOUT_MS = 3000;

/**
 * `intent/<tenant>~u:<userId>` (or `~s:<sessionId>` without a user id; see `intentAddress`): the
 * proactive policy of one user. Each ended turn of the user's sessions arrives as a `TurnEvent`:
 * pending messages the turn makes moot are cancelled (the rule's `cancelOn`), intents are
 * detected (`IntentClassifier`) and each becomes a durable reminder `proactive:<intent>:<taskId>`
 * carrying what is needed to compose it — only for the rules on for the tenant (`rulesFor`) and
 * never for a user who opted out. When one comes due (`ReminderDue`) the policy runs: the rule
 * still on, expiry, opt-out, quiet hours (deferred by registering the reminder again), the daily
 * cap, the session still there and not idle past `maxSessionIdleMs`, no message during a turn (the
 * session is asked; deferred briefly), and the tenant's limiter (over budget: dropped; over its
 * rate: deferred). What passes is told to the session (`ProactiveDeliver`), which composes and publishes it. Every decision is logged (scheduled and cancelled at debug, the rest at info),
 * counted (`warren_proactive_decisions_total`) and kept in the state (the last 50).
 */
@Actor('intent')
export class IntentActor {
  private readonly log = new Logger('IntentActor');

  constructor(
    @Inject(PROACTIVE_OPTIONS) private readonly options: ProactiveOptions,
    @Inject(INTENT_CLASSIFIER) private readonly classifier: IntentClassifier,
    @Inject(WARREN_STORE) private readonly store: WarrenStore,
    @Optional() @Inject(PROACTIVE_METRICS) private readonly metrics?: ProactiveMetrics,
  ) {}

  @Handle(TurnEvent)
  async turn(turn: TurnEvent, ctx: ActorContext<IntentState>): Promise<void> {
    const state = this.stateOf(ctx);
    const now = this.options.now();
    await this.dropExpired(state, now);
    const profile = await this.profileOf(turn.tenant, turn.userId);
    const timeZone = this.timeZoneOf(profile);
    const at = new Date(turn.at);
    const on = rulesFor(this.options, turn.tenant);
    const found = on.size === 0 ? [] : await this.classifier.classify(turn, { timeZone, now: at });
    const detected = found.filter((d) => this.options.rules[d.intent] && on.has(d.intent));
    const intents = new Set(detected.map((d) => d.intent));
    // Cancelling the moot reminders and registering the new ones touch different reminders: sent
    // together, they share one commit of the store. A failure retries the whole turn on the state
    // as it was loaded (cancelling and registering again are idempotent).
    const writes: Promise<unknown>[] = [];

    // The user spoke first: pending messages of this session that the turn makes moot go.
    for (const [name, p] of Object.entries(state.pending ?? {})) {
      if (p.sessionId !== turn.sessionId || p.taskId === turn.taskId) continue;
      const cancelOn = this.options.rules[p.intent]?.cancelOn ?? 'any-turn';
      if (cancelOn === 'any-turn' || (cancelOn === 'same-intent' && intents.has(p.intent))) {
        writes.push(ctx.cancelReminder(name));
        this.forget(state, name);
        this.decide(ctx, state, {
          reminderId: name,
          intent: p.intent,
          sessionId: p.sessionId,
          decision: 'cancelled',
          reason: 'user-spoke',
        });
      }
    }

    for (const d of detected) {
      const rule = this.options.rules[d.intent];
      const name = `${PROACTIVE_REMINDER_PREFIX}${d.intent}:${turn.taskId}`;
      if (isOptedOut(profile, d.intent)) {
        this.decide(ctx, state, {
          reminderId: name,
          intent: d.intent,
          sessionId: turn.sessionId,
          decision: 'suppressed',
          reason: 'opted-out',
        });
        continue;
      }
      const dueAt = d.dueAt ?? new Date(at.getTime() + rule.delayMs);
      const payload: ProactiveReminderPayload = {
        kind: 'proactive',
        intent: d.intent,
        tenant: turn.tenant,
        sessionId: turn.sessionId,
        ...(turn.userId ? { userId: turn.userId } : {}),
        taskId: turn.taskId,
        ...(rule.template !== undefined ? { template: rule.template } : { prompt: rule.prompt }),
        vars: d.vars,
        priority: rule.priority,
        dueAt: dueAt.toISOString(),
        expiresAt: new Date(dueAt.getTime() + rule.ttlMs).toISOString(),
        deferrals: 0,
      };
      writes.push(ctx.remind(name, { at: dueAt, payload }));
      state.pending = { ...state.pending, [name]: pendingOf(payload) };
      this.decide(ctx, state, {
        reminderId: name,
        intent: d.intent,
        sessionId: turn.sessionId,
        decision: 'scheduled',
        until: payload.dueAt,
      });
    }

    await Promise.all(writes);

    // After the writes above: a reminder just registered may be the one that overflows.
    for (const name of overflowPending(state, this.options.maxPending)) {
      const p = state.pending?.[name];
      await ctx.cancelReminder(name);
      this.forget(state, name);
      if (p)
        this.decide(ctx, state, {
          reminderId: name,
          intent: p.intent,
          sessionId: p.sessionId,
          decision: 'suppressed',
          reason: 'superseded',
        });
    }
  }

  /** A pending message cancelled from outside (the gateway's DELETE): forget it and delete its reminder. */
  @Handle(ProactiveForget)
  async forgetCancelled(msg: ProactiveForget, ctx: ActorContext<IntentState>): Promise<void> {
    const state = this.stateOf(ctx);
    const p = state.pending?.[msg.reminderId];
    if (!p) return;
    await ctx.cancelReminder(msg.reminderId);
    this.forget(state, msg.reminderId);
    this.decide(ctx, state, {
      reminderId: msg.reminderId,
      intent: p.intent,
      sessionId: p.sessionId,
      decision: 'cancelled',
      reason: 'deleted',
    });
  }

  @Handle(ReminderDue)
  async due(due: ReminderDue, ctx: ActorContext<IntentState>): Promise<void> {
    const state = this.stateOf(ctx);
    if (!due.name.startsWith(PROACTIVE_REMINDER_PREFIX) || !isProactiveReminderPayload(due.payload)) {
      this.log.warn(`${ctx.self}: reminder ${due.name} is not a proactive message; ignored`);
      return;
    }
    const payload = due.payload;
    const base = { reminderId: due.name, intent: payload.intent, sessionId: payload.sessionId };
    const now = this.options.now();
    if (!state.pending?.[due.name]) {
      // Cancelled (the user spoke first, superseded) after the delivery left the scheduler.
      this.decide(ctx, state, { ...base, decision: 'suppressed', reason: 'not-pending' });
      return;
    }
    if (!rulesFor(this.options, payload.tenant).has(payload.intent)) {
      // The tenant turned the rule off after the message was scheduled.
      this.forget(state, due.name);
      this.decide(ctx, state, { ...base, decision: 'suppressed', reason: 'rule-off' });
      return;
    }
    const profile = await this.profileOf(payload.tenant, payload.userId);
    const timeZone = this.timeZoneOf(profile);
    const today = dayIn(now, timeZone);
    const verdict = checkPolicy({
      payload,
      now,
      profile,
      timeZone,
      sentToday: sentOn(state, today),
      maxPerDay: this.options.maxPerUserPerDay,
    });
    if (verdict.action === 'suppress') {
      this.forget(state, due.name);
      this.decide(ctx, state, { ...base, decision: 'suppressed', reason: verdict.reason });
      return;
    }
    if (verdict.action === 'defer') {
      await this.defer(ctx, state, due.name, payload, verdict.until, verdict.reason);
      return;
    }

    const userTimed = this.options.intents.find((i) => i.name === payload.intent)?.extractTime ?? false;
    const sessionVerdict = await checkSession(this.store, payload, now, idleLimitFor(this.options, payload.tenant), userTimed);
    if (!sessionVerdict.ok) {
      this.forget(state, due.name);
      this.decide(ctx, state, { ...base, decision: 'suppressed', reason: sessionVerdict.reason });
      return;
    }

    const session = `session/${sessionKey(payload.tenant, payload.sessionId)}`;
    let probe: ProactiveProbeReply | undefined;
    try {
      probe = await ctx.ask<ProactiveProbeReply>(session, new ProactiveProbe(), { timeoutMs: PROBE_TIMEOUT_MS });
    } catch (error) {
      this.log.warn(`${ctx.self}: ${session} did not answer the probe (${(error as Error).message}); deferring ${due.name}`);
    }
    if (!probe || probe.busy) {
      const until = new Date(now.getTime() + this.options.busyDeferMs);
      if (until.getTime() > Date.parse(payload.expiresAt)) {
        this.forget(state, due.name);
        this.decide(ctx, state, { ...base, decision: 'suppressed', reason: 'expired' });
        return;
      }
      await this.defer(ctx, state, due.name, payload, until, probe ? 'turn-in-progress' : 'session-unavailable');
      return;
    }

    const limiter = this.options.rateLimit ? await checkLimiter(ctx, payload, ctx.messageId) : undefined;
    if (limiter && !limiter.ok) {
      const until = new Date(now.getTime() + (limiter.reason === 'rate-limited' ? limiter.retryAfterMs : this.options.busyDeferMs));
      if (limiter.reason === 'over-budget' || until.getTime() > Date.parse(payload.expiresAt)) {
        this.forget(state, due.name);
        this.decide(ctx, state, { ...base, decision: 'suppressed', reason: limiter.reason });
        return;
      }
      await this.defer(ctx, state, due.name, payload, until, limiter.reason);
      return;
    }

    const decision = {
      checks: ['rule-on', 'expiry', 'opt-out', 'quiet-hours', 'daily-cap', 'session', 'turn-in-progress', ...(limiter ? ['limiter'] : [])],
      deferrals: payload.deferrals,
      timeZone,
    };
    const deliver = Object.assign(new ProactiveDeliver(), {
      reminderId: due.name,
      intent: payload.intent,
      taskId: payload.taskId,
      ...(payload.userId ? { userId: payload.userId } : {}),
      ...(payload.template !== undefined ? { template: payload.template } : { prompt: payload.prompt }),
      vars: payload.vars,
      priority: payload.priority,
      scheduledAt: due.scheduledAt,
      decision,
    });
    // The id derives from the delivery's (deterministic) id: a redelivered ReminderDue tells the same message.
    await ctx.tell(session, deliver, { messageId: `${ctx.messageId}:deliver` });
    if (limiter?.ok) await settleDelivered(ctx, limiter);
    countSent(state, today);
    this.forget(state, due.name);
    this.decide(ctx, state, { ...base, decision: 'sent' });
  }

  private async defer(
    ctx: ActorContext<IntentState>,
    state: IntentState,
    name: string,
    payload: ProactiveReminderPayload,
    until: Date,
    reason: string,
  ): Promise<void> {
    await ctx.remind(name, { at: until, payload: { ...payload, deferrals: payload.deferrals + 1 } });
    const pending = state.pending?.[name];
    if (pending) pending.dueAt = until.toISOString();
    this.decide(ctx, state, {
      reminderId: name,
      intent: payload.intent,
      sessionId: payload.sessionId,
      decision: 'deferred',
      reason,
      until: until.toISOString(),
    });
  }

  private async dropExpired(state: IntentState, now: Date): Promise<void> {
    for (const name of expiredPending(state, now)) this.forget(state, name);
  }

  private forget(state: IntentState, name: string): void {
    if (!state.pending?.[name]) return;
    const { [name]: _gone, ...rest } = state.pending;
    state.pending = rest;
  }

  private decide(ctx: ActorContext<IntentState>, state: IntentState, d: Omit<ProactiveDecisionRecord, 'at'>): void {
    const record: ProactiveDecisionRecord = { ...d, at: this.options.now().toISOString() };
    recordDecision(state, record);
    this.metrics?.proactiveDecision(d.intent, d.decision, d.reason);
    const extra = `${d.reason ? ` (${d.reason})` : ''}${d.until ? `, due ${d.until}` : ''}`;
    const line = `${ctx.self}: proactive ${d.reminderId} of session ${d.sessionId} ${d.decision}${extra}`;
    // Scheduling and cancelling happen on nearly every turn: debug, so the log is not a line per
    // turn at info (the metric and the state count them all). What reaches a user, or is held back, is info.
    if (d.decision === 'scheduled' || d.decision === 'cancelled') this.log.debug(line);
    else this.log.log(line);
  }

  private stateOf(ctx: ActorContext<IntentState>): IntentState {
    const state = ctx.state ?? {};
    ctx.state = state;
    return state;
  }

  private async profileOf(tenant: string, userId: string | undefined): Promise<ProfileRecord | undefined> {
    return userId ? this.store.profiles.get(tenant, userId) : undefined;
  }

  private timeZoneOf(profile: ProfileRecord | undefined): string {
    const tz = profile?.timeZone;
    return tz && isValidTimeZone(tz) ? tz : this.options.defaultTimeZone;
  }
}

function pendingOf(p: ProactiveReminderPayload): NonNullable<IntentState['pending']>[string] {
  return { intent: p.intent, sessionId: p.sessionId, taskId: p.taskId, priority: p.priority, dueAt: p.dueAt, expiresAt: p.expiresAt };
}
