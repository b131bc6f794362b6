// The scheduler's promises on the real broker: a crash between publish and advance, a restart
// mid-run and two schedulers at once never make one fire's effect happen twice, and lose none.
import { ManualClock } from '@warren/actors';
import type { ReminderStore } from '@warren/store';
import { AlarmActor, type AlarmFire, alarmProbe, ReadFires } from './fixtures/alarm-actor';
import { type SchedulerNode, startSchedulerNode } from './fixtures/scheduler-node';
import { autoTeardown, eventually, useVhost } from './support/broker';
import { type InProcessRuntime, startRuntime } from './support/runtime';

const vhost = useVhost('scheduler');
let node: InProcessRuntime;

beforeAll(async () => {
  node = await startRuntime(vhost.url, [{ instance: new AlarmActor() }], { runtime: { passivateAfterMs: 2000 } });
});

const fires = (address: string) => node.runtime.ref(address).ask<AlarmFire[]>(new ReadFires());

/** Effects per (actor, name, scheduledAt) over `actors`: every count must be 1. */
async function effects(actors: string[]): Promise<Map<string, number>> {
  const counts = new Map<string, number>();
  for (const a of actors) {
    for (const f of await fires(a)) {
      const k = `${a}|${f.name}|${f.scheduledAt}`;
      counts.set(k, (counts.get(k) ?? 0) + 1);
    }
  }
  return counts;
}

function probeRunsFor(prefix: string): Map<string, number> {
  const runs = new Map<string, number>();
  for (const r of alarmProbe.runs) if (r.address.startsWith(prefix)) runs.set(r.messageId, (runs.get(r.messageId) ?? 0) + 1);
  return runs;
}

/** A store whose advance/complete never return while `hung`: the scheduler "crashes" after publishing. */
function crashAfterPublish(inner: ReminderStore, state: { hung: boolean; release?: () => void }): ReminderStore {
  const gate = new Promise<void>((resolve) => {
    state.release = resolve;
  });
  const hang = async <T>(run: () => Promise<T>): Promise<T | false> => {
    if (!state.hung) return run();
    await gate;
    return false; // the process is dead: its writes never happen
  };
  return Object.assign(Object.create(inner) as ReminderStore, {
    claimDue: inner.claimDue.bind(inner),
    advance: (a: string, n: string, o: string, d: Date) => hang(() => inner.advance(a, n, o, d)),
    complete: (a: string, n: string, o: string) => hang(() => inner.complete(a, n, o)),
  });
}

test('a scheduler that crashed after publishing, then a restart mid-run: nothing lost, no fire applied twice', async () => {
  const clock = new ManualClock(Date.now());
  const t0 = clock.now() + 1000;
  const actors = Array.from({ length: 40 }, (_, i) => `alarm/crash-${i}`);
  for (const [i, actor] of actors.entries()) {
    await node.store.reminders.upsert({ actor, name: 'once', dueAt: new Date(t0 + i) });
    await node.store.reminders.upsert({ actor, name: 'tick', dueAt: new Date(t0), periodMs: 1000 });
  }
  const crash = { hung: true } as { hung: boolean; release?: () => void };
  const a = await startSchedulerNode(vhost.url, node.dataDir, {
    clock,
    instanceId: 'sched-crashing',
    options: { leaseMs: 5000, batchSize: 100 },
    wrapStore: (r) => crashAfterPublish(r, crash),
  });
  const releaseA = async () => {
    crash.hung = false;
    crash.release?.();
    await a.stop();
  };
  autoTeardown({ stop: releaseA });
  clock.set(t0 + 100);
  // A published every due fire (80), then "died" before advancing any of them.
  await eventually(async () => (await effects(actors)).size === 80, 'the first fires through the crashing scheduler');
  expect(await node.store.reminders.get(actors[0], 'once')).toMatchObject({ leaseOwner: 'sched-crashing' });

  // B takes over once the leases expire: it publishes the same fires again (same ids: not applied again), then goes on.
  const b = autoTeardown(await startSchedulerNode(vhost.url, node.dataDir, { clock, instanceId: 'sched-b', options: { leaseMs: 5000 } }));
  clock.set(t0 + 5200); // leases expired; tick's fires at +1 … +5 s are on time (within the grace)
  await eventually(async () => [...(await effects(actors)).keys()].filter((k) => k.includes('|tick|')).length === 40 * 6, 'B caught up');
  // B re-published A's 80 fires (same ids) besides its own 200: 280 publishes for 200 new effects.
  await eventually(
    async () => (await b.metrics.metrics()).includes('warren_reminder_deliveries_total{timing="on-time"} 280'),
    'B published 280',
  );
  // Restart mid-run: B stops (its batch finishes), C starts, time goes on.
  await b.stop();
  clock.set(t0 + 6100);
  const c = autoTeardown(await startSchedulerNode(vhost.url, node.dataDir, { clock, instanceId: 'sched-c' }));
  clock.set(t0 + 7100);
  await eventually(async () => [...(await effects(actors)).keys()].filter((k) => k.includes('|tick|')).length === 40 * 8, 'C went on');

  const counts = await effects(actors);
  expect([...counts.values()].every((n) => n === 1)).toBe(true);
  for (const actor of actors) {
    const ticks = (await fires(actor)).filter((f) => f.name === 'tick').map((f) => Date.parse(f.scheduledAt) - t0);
    expect(ticks.sort((x, y) => x - y)).toEqual([0, 1000, 2000, 3000, 4000, 5000, 6000, 7000]); // no gap, none twice
    expect((await fires(actor)).filter((f) => f.name === 'once')).toHaveLength(1);
    expect(await node.store.reminders.get(actor, 'once')).toBeUndefined();
  }
  expect([...probeRunsFor('alarm/crash-').values()].every((n) => n === 1)).toBe(true);
  expect(await c.metrics.metrics()).toContain('warren_reminder_deliveries_total');
  await releaseA();
  await c.stop();
});

test('two schedulers at once share the due reminders and never produce two effects for one fire', async () => {
  const clock = new ManualClock(Date.now());
  const t0 = clock.now() + 1000;
  const actors = Array.from({ length: 100 }, (_, i) => `alarm/pair-${i}`);
  for (const [i, actor] of actors.entries()) {
    for (let n = 0; n < 3; n++) await node.store.reminders.upsert({ actor, name: `once-${n}`, dueAt: new Date(t0 + i * 3 + n) });
    await node.store.reminders.upsert({ actor, name: 'tick', dueAt: new Date(t0), periodMs: 1000 });
  }
  const opts = { options: { batchSize: 20 } };
  const one = autoTeardown(await startSchedulerNode(vhost.url, node.dataDir, { clock, instanceId: 'pair-1', ...opts }));
  const two = autoTeardown(await startSchedulerNode(vhost.url, node.dataDir, { clock, instanceId: 'pair-2', ...opts }));
  for (let step = 0; step < 5; step++) {
    clock.set(t0 + step * 1000 + 500);
    const expected = 300 + 100 * (step + 1);
    await eventually(async () => (await effects(actors)).size === expected, `step ${step}: ${expected} effects`, 20_000);
  }
  const counts = await effects(actors);
  expect(counts.size).toBe(800);
  expect([...counts.values()].every((n) => n === 1)).toBe(true);
  expect([...probeRunsFor('alarm/pair-').values()].every((n) => n === 1)).toBe(true);
  // Both took part (each claim leases different reminders).
  for (const s of [one, two]) expect(await s.metrics.metrics()).toMatch(/warren_reminder_deliveries_total\{timing="on-time"\} [1-9]/);
  await Promise.all([one.stop(), two.stop()]);
});
