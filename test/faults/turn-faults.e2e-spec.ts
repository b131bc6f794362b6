// Faults never lose an outcome: under mixed HTTP and AMQP load, a runtime is killed at exact
// points of a turn, its connections are cut, it is stopped with SIGTERM mid-turn, and it is
// frozen past the broker's heartbeat timeout. After each, every accepted message has exactly one
// terminal event, its task is final with the matching status, the history is exact and each
// session's outcomes come in the order sent. The processes share one vhost and one data dir.
import { execFileSync } from 'node:child_process';
import { createStore, type WarrenStore } from '@warren/store';
import { FAILPOINTS } from '@warren/telemetry';
import { AppProcess } from '../support/app-process';
import { autoTeardown, eventually, useVhost } from '../support/broker';
import { EventTap } from '../support/event-tap';
import { closeConnectionsNamed, FaultLoad, outcomeProblems, waitForOutcomes } from '../support/fault-load';
import { tempDir } from '../support/runtime';

jest.setTimeout(180_000);

const vhost = useVhost('turn-faults');
const dataDir = tempDir('turn-faults');
let gateway: AppProcess;
let tap: EventTap;
let store: WarrenStore;
const runtimes: AppProcess[] = [];

function env(extra: Record<string, string> = {}): Record<string, string> {
  return {
    AMQP_URL: vhost.url,
    WARREN_DATA_DIR: dataDir,
    WARREN__AMQP__SHARD_COUNT: '4',
    WARREN__MODELS__LOCAL__LATENCY_MS: '20',
    WARREN__MODELS__LOCAL__PER_DELTA_MS: '5',
    ...extra,
  };
}

async function runtime(extra: Record<string, string> = {}): Promise<AppProcess> {
  const app = autoTeardown(new AppProcess('runtime', env(extra)));
  runtimes.push(app);
  return app.whenReady();
}

/** Connection names of the vhost (Warren's are `warren <nodeId>`). */
function connectionNames(): string[] {
  const out = execFileSync('rabbitmqctl', ['-q', 'list_connections', 'vhost', 'client_properties', '--formatter', 'json'], {
    encoding: 'utf8',
  });
  return (JSON.parse(out) as { vhost: string; client_properties: [string, string, unknown][] }[])
    .filter((r) => r.vhost === vhost.name)
    .map((r) => String(r.client_properties.find(([k]) => k === 'connection_name')?.[2] ?? ''));
}

async function expectEveryOutcome(load: FaultLoad): Promise<void> {
  await load.sent();
  expect(load.accepted.length).toBeGreaterThan(0);
  await waitForOutcomes(tap, load.accepted, 90_000);
  // Late duplicates (an outbox published again) would arrive within moments: give them the chance.
  await new Promise((r) => setTimeout(r, 500));
  expect(await outcomeProblems(tap, store, load.accepted)).toEqual([]);
}

beforeAll(async () => {
  gateway = autoTeardown(new AppProcess('gateway', env()));
  await gateway.whenReady();
  tap = autoTeardown(await EventTap.open(vhost.url));
  store = createStore({ dataDir });
  await store.init();
  autoTeardown({ close: () => store.close() });
});

afterEach(async () => {
  for (const app of runtimes.splice(0)) await app.stop();
});

describe.each([FAILPOINTS.TURN_BEFORE_MODEL, FAILPOINTS.TURN_MID_STREAM, FAILPOINTS.ENTITY_AFTER_COMMIT])(
  'a runtime killed (SIGKILL) at %s',
  (point) => {
    test('every accepted turn ends once, on the runtime that takes over', async () => {
      const doomed = await runtime({ WARREN_FAILPOINT: point, WARREN__RUNTIME__NODE_ID: `doomed-${point.replace('.', '-')}` });
      await runtime();
      const load = new FaultLoad(tap, gateway.url);
      load.start(`kill-${point.replace('.', '-')}`, { sessions: 3, turns: 6, everyMs: 25 });
      await doomed.waitForLine(new RegExp(`FAILPOINT ${point.replace('.', '\\.')}`), 30_000);
      doomed.signal('SIGKILL');
      await doomed.whenExited();
      await expectEveryOutcome(load);
    });
  },
);

test('connections cut mid-load: in-flight turns run again after the reconnection, none is lost or doubled', async () => {
  await runtime();
  await runtime();
  const load = new FaultLoad(tap, gateway.url);
  load.start('cut', { sessions: 3, turns: 8, everyMs: 25 });
  await eventually(() => tap.events.some((e) => e.sessionId.startsWith('cut-') && e.kind === 'delta') || undefined, 'a turn streaming');
  expect(closeConnectionsNamed(vhost.name)).toBeGreaterThan(0);
  await expectEveryOutcome(load);
  // Each Warren process said so, both ways.
  for (const app of [...runtimes, gateway]) {
    await app.waitForLine(/connection to RabbitMQ lost/);
    await app.waitForLine(/connection to RabbitMQ restored/);
  }
});

test('SIGTERM mid-turn: the runtime drains (sessions first, then the workers they wait on) and exits 0; nothing is lost', async () => {
  const leaving = await runtime({ WARREN__RUNTIME__NODE_ID: 'leaving' });
  await runtime();
  const load = new FaultLoad(tap, gateway.url);
  load.start('term', { sessions: 3, turns: 6, everyMs: 25 });
  await eventually(() => tap.events.some((e) => e.sessionId.startsWith('term-') && e.kind === 'delta') || undefined, 'a turn streaming');
  leaving.signal('SIGTERM');
  expect(await leaving.whenExited()).toBe(0);
  expect(leaving.output.some((l) => /draining/.test(l))).toBe(true);
  expect(leaving.output.some((l) => /actor runtime stopped/.test(l))).toBe(true);
  await expectEveryOutcome(load);
});

test('a runtime frozen (SIGSTOP) past the heartbeat timeout loses its shards; woken (SIGCONT), it publishes nothing twice', async () => {
  const frozen = await runtime({ WARREN__RUNTIME__NODE_ID: 'frozen', WARREN__AMQP__HEARTBEAT_SECONDS: '2' });
  await runtime();
  const load = new FaultLoad(tap, gateway.url);
  load.start('freeze', { sessions: 3, turns: 6, everyMs: 25 });
  await eventually(() => tap.events.some((e) => e.sessionId.startsWith('freeze-') && e.kind === 'delta') || undefined, 'a turn streaming');
  frozen.signal('SIGSTOP');
  try {
    // The broker closes the silent connection after its heartbeat timeout; the standby takes the shards.
    await eventually(
      () => !connectionNames().includes('warren frozen') || undefined,
      'the frozen connection closed by the broker',
      30_000,
      250,
    );
    await load.sent();
    await waitForOutcomes(tap, load.accepted, 90_000);
  } finally {
    frozen.signal('SIGCONT');
  }
  // Awake again: whatever it was doing finds its activations gone and publishes nothing for them.
  await eventually(() => connectionNames().includes('warren frozen') || undefined, 'the woken runtime reconnected', 30_000, 250).catch(
    (error: Error) => {
      throw new Error(`${error.message}\n${frozen.output.slice(-30).join('\n')}`);
    },
  );
  await expectEveryOutcome(load);
});
