import { Logger } from '@nestjs/common';
import type { ActorContext } from '@warren/actors';
import {
  BudgetExceededError,
  ProactiveDeliver,
  ProactiveForget,
  type ProactiveReminderPayload,
  RateLimitedError,
  ReminderDue,
  type ReminderSchedule,
  TurnEvent,
} from '@warren/contracts';
import type { ProfileRecord, WarrenStore } from '@warren/store';
import { IntentActor } from './intent.actor';
import { RuleIntentClassifier } from './intent-classifier';
import type { IntentState } from './intent-state';
import { resolveProactiveOptions } from './proactive.options';

const NOW = new Date('2025-05-01T12:00:00Z');

const options = resolveProactiveOptions({
  maxPerUserPerDay: 2,
  busyDeferMs: 5000,
  intents: { reminder: { patterns: ['\\bremind me\\b'], extractTime: true }, unfinishedTask: { keywords: ['later'] } },
  rules: {
    reminder: { delayMs: 60_000, template: 'Time to {{subject}}!', ttlMs: 3_600_000, cancelOn: 'never', priority: 90 },
    unfinishedTask: { delayMs: 60_000, template: 'Shall we go on?', ttlMs: 3_600_000, cancelOn: 'any-turn' },
  },
  enabledRules: ['reminder', 'unfinishedTask'],
  tenants: { strict: { rules: ['reminder'] } },
  maxSessionIdleMs: 3_600_000,
  now: () => NOW,
});

/** A handler context that records what the actor does. */
function fakeCtx(
  state: IntentState | undefined,
  opts: { messageId?: string; probe?: () => Promise<unknown>; limiter?: () => Promise<unknown> } = {},
) {
  const reminders = new Map<string, ReminderSchedule>();
  const cancelled: string[] = [];
  const told: { address: string; message: object; messageId?: string }[] = [];
  const ctx = {
    self: 'intent/dev~u:u1',
    key: 'dev~u:u1',
    messageId: opts.messageId ?? 'm1',
    state,
    remind: async (name: string, schedule: ReminderSchedule) => void reminders.set(name, schedule),
    cancelReminder: async (name: string) => {
      cancelled.push(name);
      return reminders.delete(name);
    },
    ask: async (address: string) =>
      address.startsWith('limiter/') ? (opts.limiter ? opts.limiter() : { granted: true }) : opts.probe ? opts.probe() : { busy: false },
    tell: async (address: string, message: object, o?: { messageId?: string }) =>
      void told.push({ address, message, messageId: o?.messageId }),
  };
  return { ctx: ctx as unknown as ActorContext<IntentState>, reminders, cancelled, told };
}

/** When the user last wrote in the session (undefined: the session has no history: deleted). */
let lastUserAt: Date | undefined = NOW;

function actor(profile?: Partial<ProfileRecord>): IntentActor {
  const store = {
    profiles: {
      get: async () =>
        profile ? { tenant: 'dev', userId: 'u1', tags: [], optOuts: [], attributes: {}, updatedAt: NOW, ...profile } : undefined,
    },
    history: { lastTurns: async () => (lastUserAt ? [{ role: 'user', content: 'hi', at: lastUserAt }] : []) },
  } as unknown as WarrenStore;
  return new IntentActor(options, new RuleIntentClassifier(options.intents), store);
}

const turn = (taskId: string, text: string) =>
  Object.assign(new TurnEvent(), {
    taskId,
    tenant: 'dev',
    sessionId: 's1',
    userId: 'u1',
    text,
    reply: 'OK.',
    outcome: 'completed',
    at: NOW.toISOString(),
  });

async function scheduled(a: IntentActor, text = 'remind me in 2 seconds to stretch') {
  const f = fakeCtx(undefined);
  await a.turn(turn('t1', text), f.ctx);
  const [name, schedule] = [...f.reminders.entries()][0];
  return { state: f.ctx.state as IntentState, name, payload: schedule.payload as ProactiveReminderPayload, schedule };
}

const due = (name: string, payload: unknown) =>
  Object.assign(new ReminderDue(), { name, scheduledAt: '2025-05-01T12:00:02.000Z', payload });

beforeAll(() => Logger.overrideLogger(false));

describe('IntentActor', () => {
  it('registers a reminder per detected intent, at the time the user named', async () => {
    const { name, schedule, payload, state } = await scheduled(actor());
    expect(name).toBe('proactive:reminder:t1');
    expect(schedule.at).toEqual(new Date('2025-05-01T12:00:02Z'));
    expect(payload).toMatchObject({
      intent: 'reminder',
      sessionId: 's1',
      userId: 'u1',
      taskId: 't1',
      vars: { subject: 'stretch' },
      deferrals: 0,
    });
    expect(state.pending?.[name]).toMatchObject({ intent: 'reminder', priority: 90 });
  });

  it('tells the session when the policy lets it through, with an id derived from the delivery, and counts it', async () => {
    const a = actor();
    const { state, name, payload } = await scheduled(a);
    const f = fakeCtx(state, { messageId: 'rem:x' });
    await a.due(due(name, payload), f.ctx);
    // The message, then the limiter told what it cost (its reservation settled as used).
    expect(f.told.map((t) => t.address)).toEqual(['session/dev~s1', 'limiter/dev']);
    expect(f.told[0]).toMatchObject({ address: 'session/dev~s1', messageId: 'rem:x:deliver' });
    expect(f.told[1].message).toMatchObject({ reserved: 4, used: 4, userId: 'u1' }); // "Time to stretch!": 4 tokens
    expect(f.told[0].message).toBeInstanceOf(ProactiveDeliver);
    expect(f.told[0].message).toMatchObject({ reminderId: name, template: 'Time to {{subject}}!', vars: { subject: 'stretch' } });
    expect(state.daily).toEqual({ day: '2025-05-01', sent: 1 });
    expect(state.pending?.[name]).toBeUndefined();
  });

  it('defers briefly while a turn is in progress, and when the session does not answer', async () => {
    for (const probe of [async () => ({ busy: true, taskId: 't9' }), async () => Promise.reject(new Error('timeout'))]) {
      const a = actor();
      const { state, name, payload } = await scheduled(a);
      const f = fakeCtx(state, { probe });
      await a.due(due(name, payload), f.ctx);
      expect(f.told).toEqual([]);
      expect(f.reminders.get(name)).toMatchObject({ at: new Date(NOW.getTime() + 5000), payload: { deferrals: 1 } });
      expect(state.decisions?.at(-1)).toMatchObject({ decision: 'deferred' });
    }
  });

  it('suppresses what is no longer pending, what the user opted out of, and over the daily cap', async () => {
    const profile = { optOuts: [] as string[] };
    const a = actor(profile);
    const { state, name, payload } = await scheduled(a);
    profile.optOuts.push('proactive');
    const f = fakeCtx(state);
    await a.due(due(name, payload), f.ctx);
    expect(state.decisions?.at(-1)).toMatchObject({ decision: 'suppressed', reason: 'opted-out' });
    await a.due(due(name, payload), fakeCtx(state).ctx);
    expect(state.decisions?.at(-1)).toMatchObject({ decision: 'suppressed', reason: 'not-pending' });

    const b = actor();
    const capped = await scheduled(b);
    capped.state.daily = { day: '2025-05-01', sent: 2 };
    const g = fakeCtx(capped.state);
    await b.due(due(capped.name, capped.payload), g.ctx);
    expect(g.told).toEqual([]);
    expect(capped.state.decisions?.at(-1)).toMatchObject({ decision: 'suppressed', reason: 'daily-cap' });
  });

  it('schedules nothing for a user who opted out, nor for a rule that is off for the tenant', async () => {
    const f = fakeCtx(undefined);
    await actor({ optOuts: ['reminder'] }).turn(turn('t1', "remind me at 3 to call, I'll do it later"), f.ctx);
    expect([...f.reminders.keys()]).toEqual(['proactive:unfinishedTask:t1']);
    expect(f.ctx.state?.decisions?.[0]).toMatchObject({ intent: 'reminder', decision: 'suppressed', reason: 'opted-out' });

    const g = fakeCtx(undefined);
    await actor().turn(Object.assign(turn('t2', "remind me at 3 to call, I'll do it later"), { tenant: 'strict' }), g.ctx);
    expect([...g.reminders.keys()]).toEqual(['proactive:reminder:t2']);
  });

  it('suppresses a message whose rule the tenant turned off, or whose session was deleted or left idle', async () => {
    const a = actor();
    const { state, name, payload } = await scheduled(a, "I'll do it later");
    await a.due(due(name, { ...payload, tenant: 'strict' }), fakeCtx(state).ctx);
    expect(state.decisions?.at(-1)).toMatchObject({ decision: 'suppressed', reason: 'rule-off' });

    for (const [last, reason] of [
      [undefined, 'session-deleted'],
      [new Date(NOW.getTime() - 3_600_001), 'session-idle'],
    ] as const) {
      lastUserAt = last;
      try {
        const s = await scheduled(a, "I'll do it later");
        const f = fakeCtx(s.state);
        await a.due(due(s.name, s.payload), f.ctx);
        expect(f.told).toEqual([]);
        expect(s.state.decisions?.at(-1)).toMatchObject({ decision: 'suppressed', reason });
      } finally {
        lastUserAt = NOW;
      }
    }
  });

  it('counts idleness from a reminder’s own time when the user gave it', async () => {
    const a = actor();
    lastUserAt = new Date(NOW.getTime() - 2 * 3_600_000);
    try {
      const { state, name, payload } = await scheduled(a);
      const f = fakeCtx(state);
      // Asked two hours ago "remind me in 2 hours": due now, not idle.
      await a.due(due(name, { ...payload, dueAt: NOW.toISOString() }), f.ctx);
      expect(f.told[0]?.address).toBe('session/dev~s1');
    } finally {
      lastUserAt = NOW;
    }
  });

  it('drops a message when the tenant is over its budget, and defers it when the tenant is over its rate', async () => {
    const a = actor();
    const over = await scheduled(a);
    const f = fakeCtx(over.state, {
      limiter: async () => Promise.reject(new BudgetExceededError('limiter/dev', 'daily', 10, 10, NOW.toISOString())),
    });
    await a.due(due(over.name, over.payload), f.ctx);
    expect(f.told).toEqual([]);
    expect(over.state.decisions?.at(-1)).toMatchObject({ decision: 'suppressed', reason: 'over-budget' });

    const busy = await scheduled(a);
    const g = fakeCtx(busy.state, { limiter: async () => Promise.reject(new RateLimitedError('limiter/dev', 2000)) });
    await a.due(due(busy.name, busy.payload), g.ctx);
    expect(g.told).toEqual([]);
    expect(g.reminders.get(busy.name)).toMatchObject({ at: new Date(NOW.getTime() + 2000), payload: { deferrals: 1 } });
    expect(busy.state.decisions?.at(-1)).toMatchObject({ decision: 'deferred', reason: 'rate-limited' });
  });

  it('cancels a pending message of the session when the user speaks first (any-turn rules), not a reminder (never)', async () => {
    const a = actor();
    const f = fakeCtx(undefined);
    await a.turn(turn('t1', "I'll do it later, remind me at 3 to call"), f.ctx);
    expect([...f.reminders.keys()].sort()).toEqual(['proactive:reminder:t1', 'proactive:unfinishedTask:t1']);
    await a.turn(turn('t2', 'ok, go on'), f.ctx);
    expect(f.cancelled).toEqual(['proactive:unfinishedTask:t1']);
    expect(Object.keys(f.ctx.state?.pending ?? {})).toEqual(['proactive:reminder:t1']);
  });

  it('forgets a pending message deleted from outside (and its reminder), and ignores one it does not hold', async () => {
    const a = actor();
    const f = fakeCtx(undefined);
    await a.turn(turn('t1', "I'll do it later, remind me at 3 to call"), f.ctx);
    await a.forgetCancelled(Object.assign(new ProactiveForget(), { reminderId: 'proactive:reminder:t1' }), f.ctx);
    expect(Object.keys(f.ctx.state?.pending ?? {})).toEqual(['proactive:unfinishedTask:t1']);
    expect(f.cancelled).toEqual(['proactive:reminder:t1']);
    expect(f.ctx.state?.decisions?.at(-1)).toMatchObject({ reminderId: 'proactive:reminder:t1', decision: 'cancelled', reason: 'deleted' });
    const decisions = f.ctx.state?.decisions?.length;
    await a.forgetCancelled(Object.assign(new ProactiveForget(), { reminderId: 'proactive:reminder:t1' }), f.ctx);
    expect(f.cancelled).toHaveLength(1);
    expect(f.ctx.state?.decisions).toHaveLength(decisions as number);
  });
});
