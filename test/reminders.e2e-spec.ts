// Durable reminders end to end on the real broker: an entity registers reminders from its
// handlers (ctx.remind), an in-process scheduler with a ManualClock delivers them.
import { ManualClock } from '@warren/actors';
import { AlarmActor, type AlarmFire, CancelAlarm, ListAlarms, ReadFires, SetAlarm } from './fixtures/alarm-actor';
import { type SchedulerNode, startSchedulerNode } from './fixtures/scheduler-node';
import { autoTeardown, eventually, useVhost } from './support/broker';
import { type InProcessRuntime, startRuntime } from './support/runtime';

const vhost = useVhost('reminders');
let node: InProcessRuntime;
let sched: SchedulerNode;
const clock = new ManualClock(Date.now());

beforeAll(async () => {
  node = await startRuntime(vhost.url, [{ instance: new AlarmActor() }], { runtime: { passivateAfterMs: 200 } });
  sched = autoTeardown(await startSchedulerNode(vhost.url, node.dataDir, { clock, instanceId: 'sched-a' }));
});

const set = (key: string, alarm: Partial<SetAlarm> & { name: string }) =>
  node.runtime.ref(`alarm/${key}`).ask(Object.assign(new SetAlarm(), alarm));
const fires = (key: string) => node.runtime.ref(`alarm/${key}`).ask<AlarmFire[]>(new ReadFires());
const list = (key: string) => node.runtime.ref(`alarm/${key}`).ask<{ name: string; dueAt: string; payload?: unknown }[]>(new ListAlarms());
const due = async (key: string, name: string) => Date.parse((await list(key)).find((r) => r.name === name)?.dueAt ?? 'missing');
const firesAtLeast = (key: string, n: number) =>
  eventually(async () => {
    const f = await fires(key);
    return f.length >= n ? f : undefined;
  }, `${n} fires of alarm/${key}`);
/** Moves the clock to `at`, and at least past the scheduler's poll interval (a clock that does not move wakes nobody). */
const moveTo = (at: number) => clock.set(Math.max(at, clock.now() + 200));
/**
 * `moveTo`, then waits until the scheduler has polled at the new time: a marker reminder due just
 * before it fired. It is the latest reminder due, so anything else due by then went out before it.
 */
async function moveToAndPoll(at: number, marker: string): Promise<void> {
  const target = Math.max(at, clock.now() + 200);
  await set(marker, { name: 'poll', at: new Date(target - 1).toISOString() });
  clock.set(target);
  await firesAtLeast(marker, 1);
}

test('a one-shot reminder set from a handler is delivered once to the passivated actor, with the deterministic id', async () => {
  await set('one', { name: 'wake', after: 60_000, payload: { note: 'stretch' } });
  const listed = await list('one');
  expect(listed).toEqual([{ name: 'wake', dueAt: expect.any(String), payload: { note: 'stretch' } }]);
  const dueAt = Date.parse(listed[0].dueAt);
  expect(dueAt - Date.now()).toBeGreaterThan(55_000);
  await eventually(() => node.runtime.entities.activeCount === 0, 'passivation', 5000);

  await moveToAndPoll(dueAt - 1000, 'one-marker');
  expect(await fires('one')).toEqual([]); // not yet
  moveTo(dueAt + 50);
  const [fire] = await firesAtLeast('one', 1);
  const iso = new Date(dueAt).toISOString();
  expect(fire).toEqual({
    name: 'wake',
    scheduledAt: iso,
    timing: 'on-time',
    payload: { note: 'stretch' },
    messageId: `rem:alarm/one:wake:${iso}`,
  });
  await eventually(async () => (await list('one')).length === 0, 'the one-shot completed');
  expect(await sched.metrics.metrics()).toContain('warren_reminder_deliveries_total{timing="on-time"}');
});

test('an interval reminder fires every period until cancelled', async () => {
  await set('every', { name: 'tick', at: new Date(clock.now() + 10_000).toISOString(), every: 10_000 });
  const first = await due('every', 'tick');
  for (let i = 0; i < 3; i++) {
    moveTo(first + i * 10_000 + 10);
    await firesAtLeast('every', i + 1);
  }
  const got = await fires('every');
  expect(got.map((f) => Date.parse(f.scheduledAt) - first)).toEqual([0, 10_000, 20_000]);
  expect(await node.runtime.ref('alarm/every').ask(Object.assign(new CancelAlarm(), { name: 'tick' }))).toBe(true);
  expect(await node.runtime.ref('alarm/every').ask(Object.assign(new CancelAlarm(), { name: 'tick' }))).toBe(false);
  await moveToAndPoll(first + 40_000, 'every-marker');
  expect(await fires('every')).toHaveLength(3);
});

test('a cron reminder fires at its time in its time zone (08:00 Asia/Tokyo is 23:00 UTC)', async () => {
  await set('cron', { name: 'morning', cron: '0 8 * * *', timeZone: 'Asia/Tokyo' });
  const first = await due('cron', 'morning');
  expect(new Date(first).getUTCHours()).toBe(23);
  expect(new Date(first).getUTCMinutes()).toBe(0);
  expect(first - clock.now()).toBeLessThanOrEqual(86_400_000);
  moveTo(first + 100);
  await firesAtLeast('cron', 1);
  expect(await due('cron', 'morning')).toBe(first + 86_400_000);
  moveTo(first + 86_400_000 + 100);
  const got = await firesAtLeast('cron', 2);
  expect(got.map((f) => [f.scheduledAt, f.timing])).toEqual([
    [new Date(first).toISOString(), 'on-time'],
    [new Date(first + 86_400_000).toISOString(), 'on-time'],
  ]);
  await node.runtime.ref('alarm/cron').ask(Object.assign(new CancelAlarm(), { name: 'morning' }));
});

test('missed fires follow each reminder policy: fire-all delivers every one in order, fire-once the first, skip none; a ttl drops a late fire', async () => {
  const start = new Date(clock.now() + 60_000).toISOString();
  for (const policy of ['fire-all', 'fire-once', 'skip'] as const) {
    await set(`missed-${policy}`, { name: 'p', at: start, every: 60_000, missedFire: policy });
  }
  await set('missed-ttl', { name: 'short', at: start, ttlMs: 5000 });
  const t0 = Date.parse(start);
  // The scheduler was "down" for 5.5 minutes: fires at +0, +1 … +4 min are missed (past the 10 s grace).
  moveTo(t0 + 4 * 60_000 + 30_000);
  const all = await firesAtLeast('missed-fire-all', 5);
  expect(all.map((f) => [Date.parse(f.scheduledAt) - t0, f.timing])).toEqual([0, 1, 2, 3, 4].map((m) => [m * 60_000, 'late']));
  const once = await firesAtLeast('missed-fire-once', 1);
  await eventually(async () => (await due('missed-skip', 'p')) === t0 + 5 * 60_000, 'skip advanced');
  await eventually(async () => (await list('missed-ttl')).length === 0, 'the expired one-shot dropped');
  expect(once.map((f) => [Date.parse(f.scheduledAt) - t0, f.timing])).toEqual([[0, 'late']]);
  expect(await fires('missed-skip')).toEqual([]);
  expect(await fires('missed-ttl')).toEqual([]);
  // Back on time: the next fire reaches all three.
  moveTo(t0 + 5 * 60_000 + 10);
  for (const policy of ['fire-all', 'fire-once', 'skip']) {
    await eventually(async () => (await fires(`missed-${policy}`)).some((f) => Date.parse(f.scheduledAt) === t0 + 5 * 60_000), policy);
  }
  expect(await fires('missed-fire-all')).toHaveLength(6);
  expect(await fires('missed-fire-once')).toHaveLength(2);
  expect(await fires('missed-skip')).toHaveLength(1);
  const text = await sched.metrics.metrics();
  expect(text).toMatch(/warren_reminder_skipped_total\{reason="missed"\} [1-9]/);
  expect(text).toContain('warren_reminder_skipped_total{reason="expired"} 1');
  for (const policy of ['fire-all', 'fire-once', 'skip']) {
    await node.runtime.ref(`alarm/missed-${policy}`).ask(Object.assign(new CancelAlarm(), { name: 'p' }));
  }
});

test('re-registering a reminder replaces it (one reminder per actor and name)', async () => {
  await set('replace', { name: 'r', after: 1_000_000 });
  await set('replace', { name: 'r', after: 2_000_000, payload: 2 });
  const listed = await list('replace');
  expect(listed).toHaveLength(1);
  expect(listed[0].payload).toBe(2);
});

test('a bad schedule is refused with WARREN_INVALID_OPTIONS naming the key', async () => {
  await expect(set('bad', { name: 'x', cron: 'every blue moon' })).rejects.toMatchObject({ code: 'WARREN_INVALID_OPTIONS' });
  await expect(set('bad', { name: 'x', every: 0 })).rejects.toMatchObject({
    code: 'WARREN_INVALID_OPTIONS',
    message: expect.stringContaining('remind("x").every'),
  });
  await expect(set('bad', { name: 'x', cron: '* * * * *', timeZone: 'Mars/Olympus' })).rejects.toMatchObject({
    message: expect.stringContaining('timeZone'),
  });
  expect(await list('bad')).toEqual([]);
});
