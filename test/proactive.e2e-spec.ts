// Proactive messages end to end on the real broker, against the all-in-one app (gateway, runtime
// and the reminder scheduler) started from compiled output: a turn's intent becomes a durable
// reminder of the user's intent actor, the scheduler delivers it, the policy runs (opt-out, quiet
// hours, daily cap, the user speaking first) and the session publishes `session.<id>.proactive`,
// read here by a plain amqplib consumer (EventTap). Real clock, reminders of 1–2 s.
import { createHash } from 'node:crypto';
import type { WarrenStore } from '@warren/store';
import { loadWireContract } from './support/asyncapi';
import { eventually, useVhost } from './support/broker';
import type { EventTap, TappedEvent } from './support/event-tap';
import { startSystem } from './support/system';

const vhost = useVhost('proactive');
const sha256 = (key: string) => `sha256:${createHash('sha256').update(key).digest('hex')}`;
let tap: EventTap;
let store: WarrenStore;
let base: string;

beforeAll(async () => {
  const sys = await startSystem('warren', vhost.url, {
    WARREN__GATEWAY__TENANTS: JSON.stringify({
      dev: { apiKeys: [sha256('dev-key')] },
      acme: { apiKeys: [sha256('acme-key')] },
      bud: { apiKeys: [sha256('bud-key')] },
      idle: { apiKeys: [sha256('idle-key')] },
    }),
    WARREN__PROACTIVE__MAX_PER_USER_PER_DAY: '1',
    WARREN__PROACTIVE__RULES__UNFINISHED_TASK__DELAY_MS: '3000',
    WARREN__PROACTIVE__RULES__UNANSWERED_QUESTION__DELAY_MS: '500',
    // Out of the box only reminders are on (acme); dev opts in to "Shall we pick up…", bud to
    // "Sorry I could not answer earlier…" (and has no budget left), idle to the first with a 1 s idle limit.
    WARREN__PROACTIVE__TENANTS: JSON.stringify({
      dev: { rules: ['reminder', 'unfinishedTask'] },
      bud: { rules: ['unansweredQuestion'] },
      idle: { rules: ['unfinishedTask'], maxSessionIdleMs: 1000 },
    }),
    WARREN__LIMITER__TENANTS: JSON.stringify({ bud: { dailyTokens: 5 } }),
    WARREN__SCHEDULER__POLL_INTERVAL_MS: '100',
  });
  ({ tap, store } = sys);
  base = sys.app.url;
}, 60_000);

const proactiveOf = (sessionId: string): TappedEvent[] => tap.events.filter((e) => e.sessionId === sessionId && e.kind === 'proactive');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
/** A turn after everything a session was sent so far: the session handles its messages in order. */
const marker = (sessionId: string, userId: string) => say(sessionId, 'what is 2 + 2?', userId);
type IntentState = { decisions?: { reminderId: string; decision: string; reason?: string }[] };
const decisionsOf = async (address: string) => (await store.actors.load<IntentState>(address)).state?.decisions ?? [];

async function say(sessionId: string, text: string, userId?: string): Promise<string> {
  const taskId = await tap.say(sessionId, text, userId ? { data: { userId } } : {});
  await tap.waitForEnd(taskId);
  return taskId;
}

function http(method: string, path: string, key = 'dev-key', body?: object): Promise<Response> {
  return fetch(`${base}${path}`, {
    method,
    headers: { authorization: `Bearer ${key}`, ...(body ? { 'content-type': 'application/json' } : {}) },
    ...(body ? { body: JSON.stringify(body) } : {}),
  });
}

/** `HH:MM` of `date` in `timeZone`. */
function hhmm(date: Date, timeZone: string): string {
  return new Intl.DateTimeFormat('en-GB', { timeZone, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(date);
}

describe('proactive messages', () => {
  it('"remind me in 2 seconds to stretch" gives a proactive event on warren.events within seconds, and a history part', async () => {
    const taskId = await say('p-remind', 'Remind me in 2 seconds to stretch', 'u-remind');
    const said = Date.now();
    const [event] = await eventually(() => proactiveOf('p-remind'), 'the proactive event', 10_000);
    expect(event.at - said).toBeLessThan(6000);
    const reminderId = `proactive:reminder:${tap.task(taskId)}`;
    expect(event.event.type).toBe('warren.session.proactive');
    expect(event.event.data).toMatchObject({ text: 'You asked me to remind you to stretch.', intent: 'reminder', reminderId, taskId });
    expect(event.headers['x-warren-sender']).toBe('session/dev~p-remind');
    const contract = await loadWireContract();
    expect(contract.check('proactive', event.event, event.headers)).toEqual([]);

    const parts = await store.history.page({ tenant: 'dev', sessionId: 'p-remind' }, { order: 'asc', limit: 50 });
    const last = parts.items[parts.items.length - 1];
    expect(last).toMatchObject({ role: 'assistant', content: 'You asked me to remind you to stretch.', userId: 'u-remind' });
    expect(await store.reminders.get('intent/dev~u:u-remind', reminderId)).toBeUndefined();
    expect(await decisionsOf('intent/dev~u:u-remind')).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ reminderId, decision: 'scheduled' }),
        expect.objectContaining({ reminderId, decision: 'sent' }),
      ]),
    );
    await marker('p-remind', 'u-remind');
    expect(proactiveOf('p-remind')).toHaveLength(1);
  });

  it('works without a user id: the session keeps its own intent actor', async () => {
    const taskId = await say('p-anon', 'remind me in 1 second to drink water');
    const [event] = await eventually(() => proactiveOf('p-anon'), 'the proactive event', 10_000);
    expect(event.event.data).toMatchObject({
      text: 'You asked me to remind you to drink water.',
      reminderId: `proactive:reminder:${tap.task(taskId)}`,
    });
    expect(await decisionsOf('intent/dev~s:p-anon')).toEqual(expect.arrayContaining([expect.objectContaining({ decision: 'sent' })]));
  });

  it('an opt-out suppresses it', async () => {
    await store.profiles.upsert('dev', 'u-optout', { optOuts: ['reminder'] });
    const taskId = await say('p-optout', 'remind me in 1 second to stretch', 'u-optout');
    const reminderId = `proactive:reminder:${tap.task(taskId)}`;
    await eventually(
      async () => (await decisionsOf('intent/dev~u:u-optout')).some((d) => d.reminderId === reminderId && d.decision === 'suppressed'),
      'the suppression',
      10_000,
    );
    expect((await decisionsOf('intent/dev~u:u-optout')).find((d) => d.decision === 'suppressed')).toMatchObject({ reason: 'opted-out' });
    await marker('p-optout', 'u-optout');
    expect(proactiveOf('p-optout')).toEqual([]);
  });

  it("quiet hours in the user's time zone defer it to their end (the reminder is registered again)", async () => {
    const timeZone = 'Asia/Tokyo';
    const now = Date.now();
    const end = new Date(now + 30 * 60_000);
    await store.profiles.upsert('dev', 'u-quiet', {
      timeZone,
      quietHours: { start: hhmm(new Date(now - 60 * 60_000), timeZone), end: hhmm(end, timeZone) },
    });
    const taskId = await say('p-quiet', 'remind me in 1 second to stretch', 'u-quiet');
    const reminderId = `proactive:reminder:${tap.task(taskId)}`;
    const deferred = await eventually(
      async () => (await decisionsOf('intent/dev~u:u-quiet')).find((d) => d.reminderId === reminderId && d.decision === 'deferred'),
      'the deferral',
      10_000,
    );
    expect(deferred.reason).toBe('quiet-hours');
    const reminder = await eventually(() => store.reminders.get('intent/dev~u:u-quiet', reminderId), 'the re-registered reminder');
    expect(reminder.dueAt.getTime()).toBe(Math.floor(end.getTime() / 60_000) * 60_000); // Tokyo is a whole-hour zone
    expect(reminder.payload).toMatchObject({ deferrals: 1, intent: 'reminder', sessionId: 'p-quiet' });
    expect(proactiveOf('p-quiet')).toEqual([]);
  });

  it('the daily cap holds (1 per user per day here): the second reminder is suppressed', async () => {
    await say('p-cap', 'remind me in 1 second to stretch', 'u-cap');
    await eventually(() => proactiveOf('p-cap').length === 1, 'the first proactive event', 10_000);
    const second = await say('p-cap', 'remind me in 1 second to drink water', 'u-cap');
    const reminderId = `proactive:reminder:${tap.task(second)}`;
    const suppressed = await eventually(
      async () => (await decisionsOf('intent/dev~u:u-cap')).find((d) => d.reminderId === reminderId && d.decision === 'suppressed'),
      'the suppression',
      10_000,
    );
    expect(suppressed.reason).toBe('daily-cap');
    await marker('p-cap', 'u-cap');
    expect(proactiveOf('p-cap')).toHaveLength(1);
  });

  it('the user speaking first cancels the pending message', async () => {
    const first = await say('p-cancel', "Let me think, I'll finish this later", 'u-cancel');
    const reminderId = `proactive:unfinishedTask:${tap.task(first)}`;
    // The session tells the intent actor after the turn's commit: the reminder follows the reply.
    const pending = await eventually(() => store.reminders.get('intent/dev~u:u-cancel', reminderId), 'the pending reminder', 10_000);
    expect(pending).toMatchObject({ name: reminderId });
    await say('p-cancel', 'OK, the answer is 42', 'u-cancel');
    const cancelled = await eventually(
      async () => (await decisionsOf('intent/dev~u:u-cancel')).find((d) => d.reminderId === reminderId && d.decision === 'cancelled'),
      'the cancellation',
      10_000,
    );
    expect(cancelled).toMatchObject({ reason: 'user-spoke' });
    await eventually(
      async () => (await store.reminders.get('intent/dev~u:u-cancel', reminderId)) === undefined,
      'the reminder deleted',
      10_000,
    );
    await sleep(4000); // past the time it was due: a wait on the clock, not on an event
    expect(proactiveOf('p-cancel').filter((e) => e.event.data.intent === 'unfinishedTask')).toEqual([]);
  });

  it('out of the box a tenant gets no unsolicited message: no "Still there?", no "Shall we pick up…", not even an intent actor', async () => {
    for (const text of ["Let me think, I'll finish this later", 'Hello']) {
      const post = await http('POST', '/v1/sessions/p-default/messages', 'acme-key', { text, userId: 'u-default' });
      expect(post.status).toBe(202);
      const { taskId } = (await post.json()) as { taskId: string };
      const end = await tap.waitForEnd(taskId);
      if (text === 'Hello') expect(end.event.data).toMatchObject({ text: expect.stringMatching(/\?$/) });
    }
    expect(await store.reminders.listByActor('intent/acme~u:u-default')).toEqual([]);
    expect((await store.actors.load('intent/acme~u:u-default')).version).toBe(0);
  });

  it('a tenant over its daily token budget gets no "Sorry I could not answer earlier…" for the turn it was refused', async () => {
    // A question short enough for the gateway's accept-time check (its 2 tokens fit the budget of 5:
    // 202), refused by the turn's reservation (prompt + output allowance) afterwards.
    const post = await http('POST', '/v1/sessions/p-budget/messages', 'bud-key', { text: 'why?', userId: 'u-budget' });
    expect(post.status).toBe(202);
    const { taskId } = (await post.json()) as { taskId: string };
    expect((await tap.waitForEnd(taskId)).event.data).toMatchObject({ code: 'WARREN_BUDGET_EXCEEDED' });
    const reminderId = `proactive:unansweredQuestion:${taskId}`;
    const suppressed = await eventually(
      async () => (await decisionsOf('intent/bud~u:u-budget')).find((d) => d.reminderId === reminderId && d.decision === 'suppressed'),
      'the suppression',
      10_000,
    );
    expect(suppressed.reason).toBe('over-budget');
    expect(proactiveOf('p-budget')).toEqual([]);
  });

  it('a session left idle past maxSessionIdleMs, or whose history was deleted, gets nothing', async () => {
    const idle = await http('POST', '/v1/sessions/p-idle/messages', 'idle-key', { text: "I'll finish this later", userId: 'u-idle' });
    const idleTask = ((await idle.json()) as { taskId: string }).taskId;
    await tap.waitForEnd(idleTask);
    const deleted = await say('p-deleted', "Let me think, I'll finish this later", 'u-deleted');
    await store.history.deleteSession({ tenant: 'dev', sessionId: 'p-deleted' });
    for (const [address, reminderId, reason] of [
      ['intent/idle~u:u-idle', `proactive:unfinishedTask:${idleTask}`, 'session-idle'],
      ['intent/dev~u:u-deleted', `proactive:unfinishedTask:${tap.task(deleted)}`, 'session-deleted'],
    ]) {
      const suppressed = await eventually(
        async () => (await decisionsOf(address)).find((d) => d.reminderId === reminderId && d.decision === 'suppressed'),
        `the suppression of ${reminderId}`,
        15_000,
      );
      expect(suppressed.reason).toBe(reason);
    }
    expect([...proactiveOf('p-idle'), ...proactiveOf('p-deleted')]).toEqual([]);
  });

  it('GET/DELETE /v1/sessions/:id/reminders list and cancel pending messages; another tenant gets 404', async () => {
    const post = await http('POST', '/v1/sessions/p-list/messages', 'dev-key', {
      text: 'remind me in 10 minutes to call my mom',
      userId: 'u-list',
    });
    expect(post.status).toBe(202);
    const { taskId } = (await post.json()) as { taskId: string };
    await tap.waitForEnd(taskId);
    const reminderId = `proactive:reminder:${taskId}`;
    const listed = await eventually(async () => {
      const res = await http('GET', '/v1/sessions/p-list/reminders');
      const body = (await res.json()) as { items: { reminderId: string }[] };
      return res.status === 200 && body.items.some((i) => i.reminderId === reminderId) ? body : undefined;
    }, 'the pending reminder in the list');
    const item = listed.items.find((i) => i.reminderId === reminderId);
    expect(item).toMatchObject({
      intent: 'reminder',
      text: 'You asked me to remind you to call your mom.',
      taskId,
      priority: 90,
      deferrals: 0,
    });
    const due = Date.parse((item as unknown as { dueAt: string }).dueAt);
    expect(due).toBeGreaterThan(Date.now() + 9 * 60_000);

    expect((await http('GET', '/v1/sessions/p-list/reminders', 'acme-key')).status).toBe(404);
    const foreign = await http('DELETE', `/v1/sessions/p-list/reminders/${encodeURIComponent(reminderId)}`, 'acme-key');
    expect(foreign.status).toBe(404);
    expect(((await foreign.json()) as { code: string }).code).toBe('WARREN_NOT_FOUND');
    expect(await store.reminders.get('intent/dev~u:u-list', reminderId)).toBeDefined();

    expect((await http('DELETE', `/v1/sessions/p-list/reminders/${encodeURIComponent(reminderId)}`)).status).toBe(204);
    expect(await store.reminders.get('intent/dev~u:u-list', reminderId)).toBeUndefined();
    // The intent actor forgot it too: it no longer counts against maxPending, a later turn does not cancel it again.
    const forgotten = await eventually(
      async () => (await decisionsOf('intent/dev~u:u-list')).find((d) => d.reminderId === reminderId && d.decision === 'cancelled'),
      'the intent actor to forget the deleted reminder',
    );
    expect(forgotten).toMatchObject({ reason: 'deleted' });
    expect((await store.actors.load<IntentState & { pending?: object }>('intent/dev~u:u-list')).state?.pending ?? {}).not.toHaveProperty([
      reminderId,
    ]);
    const after = (await (await http('GET', '/v1/sessions/p-list/reminders')).json()) as { items: { reminderId: string }[] };
    expect(after.items.map((i) => i.reminderId)).not.toContain(reminderId);
    expect((await http('DELETE', `/v1/sessions/p-list/reminders/${encodeURIComponent(reminderId)}`)).status).toBe(404);
  });
});
