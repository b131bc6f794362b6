// Smoke test of the standalone scheduler app from compiled output (`npm run build` first): it
// starts, delivers a reminder set by an in-process actor (shared embedded store), exposes the
// reminder metrics and stops cleanly.
import { AlarmActor, type AlarmFire, ReadFires, SetAlarm } from './fixtures/alarm-actor';
import { AppProcess } from './support/app-process';
import { autoTeardown, eventually, useVhost } from './support/broker';
import { startRuntime } from './support/runtime';

const vhost = useVhost('scheduler-app');

test('the scheduler app delivers a reminder registered by an actor and reports it in /metrics', async () => {
  const node = await startRuntime(vhost.url, [{ instance: new AlarmActor() }]);
  // AppProcess names the apps it knows; the scheduler's main is dist/apps/scheduler/src/main.js all the same.
  const app = autoTeardown(
    new AppProcess('scheduler', {
      AMQP_URL: vhost.url,
      WARREN_DATA_DIR: node.dataDir,
      WARREN__AMQP__SHARD_COUNT: '4',
      WARREN__SCHEDULER__ACTOR_TYPES: '["alarm"]',
      WARREN__SCHEDULER__INSTANCE_ID: 'smoke-scheduler',
    }),
  );
  await app.whenReady();
  expect(app.output.join('\n')).toMatch(/scheduler .* ready on port/);
  await node.runtime.ref('alarm/smoke').ask(Object.assign(new SetAlarm(), { name: 'ping', after: 300, payload: 'hi' }));
  const fires = await eventually(
    () => node.runtime.ref('alarm/smoke').ask<AlarmFire[]>(new ReadFires()),
    'the reminder through the scheduler app',
  );
  expect(fires).toEqual([expect.objectContaining({ name: 'ping', payload: 'hi', timing: 'on-time' })]);
  expect(fires[0].messageId).toBe(`rem:alarm/smoke:ping:${fires[0].scheduledAt}`);
  const metrics = await (await fetch(`${app.url}/metrics`)).text();
  expect(metrics).toContain('warren_reminder_deliveries_total{timing="on-time"} 1');
  expect(metrics).toMatch(/warren_reminder_lateness_seconds_count 1/);
  // SIGTERM: Nest's shutdown hooks stop the scheduler (its batch finishes) before the broker connection closes.
  expect([0, null]).toContain(await app.stop());
  expect(app.output.join('\n')).toContain('scheduler stopped');
});
