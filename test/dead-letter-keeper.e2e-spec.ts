// The dead-letter keeper (issue 7): every dead message is recorded with all its attempts and
// where it came from, then the sender (or, for an external sender, the target) is told once.
// Three vhosts: in-process actors with their own keeper; the runtime app (sessions); and the
// runtime app killed with SIGKILL while it works through a full warren.dead.
import { type ChildProcess, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { rmSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { createStore, type WarrenStore } from '@warren/store';
import { connect } from 'amqplib';
import { DeadLetterKeeper } from '../apps/runtime/src/dead-letters/dead-letter-keeper';
import { CompensatorActor, CounterActor, Doomed, EchoWorker, Explode, type HandledNotice, ReadNotices } from './fixtures/test-actors';
import { appMain } from './support/app-process';
import { autoTeardown, closeVhostConnections, eventually, queueDepth, useVhost } from './support/broker';
import { EventTap } from './support/event-tap';
import { type InProcessRuntime, startRuntime, tempDir } from './support/runtime';
import { startSystem, type TestSystem } from './support/system';

const inProcess = useVhost('dlkeeper');
const app = useVhost('dlkeeper-app');
const killed = useVhost('dlkeeper-kill');

const quiet = { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined };

describe('the keeper with in-process actors', () => {
  let node: InProcessRuntime;

  beforeAll(async () => {
    node = await startRuntime(
      inProcess.url,
      [{ instance: new CounterActor() }, { instance: new CompensatorActor() }, { instance: new EchoWorker(), options: { keys: ['a'] } }],
      { runtime: { retry: { entityBackoffMs: [20, 20], workerTiersMs: [200, 400] } }, logger: quiet },
    );
    const keeper = new DeadLetterKeeper(
      node.transport,
      node.store,
      (to, n) => node.runtime.ref(to, 'dead-letter-keeper:test').tell(n.notice, { messageId: n.messageId, taskId: n.taskId }),
      quiet,
      { compensates: (type) => type === 'compensator' },
    );
    await keeper.start();
    autoTeardown({ stop: () => keeper.stop() });
  });

  const record = (id: string) => eventually(() => node.store.deadLetters.get(id), `the dead letter ${id}`, 15_000);
  const notices = () => node.runtime.ref('compensator/c1').ask<HandledNotice[]>(new ReadNotices());

  test('a handler that always throws ends in dead_letters with every attempt and its origin, and its sender is told once', async () => {
    const started = Date.now();
    await node.runtime
      .ref('counter/poison-1', 'compensator/c1')
      .tell(Object.assign(new Explode(), { note: 'always' }), { messageId: 'poison-1', taskId: 'task-poison-1' });
    const letter = await record('poison-1');
    expect(letter).toMatchObject({
      messageId: 'poison-1',
      actorType: 'counter',
      address: 'counter/poison-1',
      taskId: 'task-poison-1',
      status: 'open',
      errorCode: 'WARREN_HANDLER_FAILED',
      errorClass: 'Error',
      errorMessage: 'boom: always',
      handler: 'CounterActor.explode',
      node: node.transport.nodeId,
      sender: 'compensator/c1',
      origin: { exchange: 'warren.actors.counter', routingKey: 'poison-1' },
    });
    expect(letter.origin?.queue).toMatch(/^warren\.counter\.shard\.\d+$/);
    expect(letter.attempts).toHaveLength(3); // 1 + two in-place retries
    for (const a of letter.attempts) {
      expect(a).toMatchObject({
        code: 'WARREN_HANDLER_FAILED',
        errorClass: 'Error',
        message: 'boom: always',
        handler: 'CounterActor.explode',
      });
      expect(a.node).toBe(node.transport.nodeId);
      expect(a.stackHead).toContain('explode');
      expect(a.at.getTime()).toBeGreaterThanOrEqual(started - 1000);
    }
    expect(letter.firstFailureAt.getTime()).toBe(letter.attempts[0]?.at.getTime());
    expect(letter.lastFailureAt.getTime()).toBe(letter.attempts[2]?.at.getTime());
    expect(letter.lastFailureAt.getTime()).toBeGreaterThan(letter.firstFailureAt.getTime()); // 2 × 20 ms backoff between
    expect((letter.envelope as { data: unknown }).data).toEqual({ note: 'always' });
    const toldOfPoison = async () => (await notices()).filter((n) => n.notice.deadLetterId === 'poison-1');
    // An empty list is truthy: wait for a length, then give a second notice time to show up.
    await eventually(async () => (await toldOfPoison()).length > 0, 'the notice');
    await new Promise((r) => setTimeout(r, 300));
    const told = await toldOfPoison();
    expect(told).toHaveLength(1);
    expect(told[0]).toMatchObject({
      messageId: 'dl:poison-1',
      taskId: 'task-poison-1',
      notice: {
        messageType: 'test.fault.explode',
        target: 'counter/poison-1',
        taskId: 'task-poison-1',
        error: { code: 'WARREN_HANDLER_FAILED', name: 'Error', message: 'boom: always' },
        attempts: 3,
        firstFailureAt: letter.firstFailureAt.toISOString(),
        lastFailureAt: letter.lastFailureAt.toISOString(),
      },
    });
  });

  test('a worker message keeps the attempts of every retry tier', async () => {
    await node.runtime.ref('echo/a', 'compensator/c1').tell(Object.assign(new Doomed(), { id: 'w1' }), { messageId: 'doomed-1' });
    const letter = await record('doomed-1');
    expect(letter.attempts.map((a) => a.message)).toEqual(['doomed w1 on attempt 1', 'doomed w1 on attempt 2', 'doomed w1 on attempt 3']);
    expect(letter.attempts.every((a) => a.handler === 'EchoWorker.doomed')).toBe(true);
    expect(letter.lastFailureAt.getTime() - letter.firstFailureAt.getTime()).toBeGreaterThanOrEqual(500); // the 200 and 400 ms tiers
    expect(letter).toMatchObject({ actorType: 'echo', address: 'echo/a', handler: 'EchoWorker.doomed' });
  });

  test('a replay that fails again is a new dead letter linked to the old one (same task id)', async () => {
    const old = await record('poison-1');
    const headers: Record<string, unknown> = { ...old.headers, 'x-warren-replay-of': old.messageId };
    for (const h of [
      'x-warren-error',
      'x-warren-attempts',
      'x-warren-origin-exchange',
      'x-warren-origin-routing-key',
      'x-warren-origin-queue',
    ])
      delete headers[h];
    const replayId = `replay-${randomUUID()}`;
    const envelope = { ...(old.envelope as object), id: replayId };
    await node.transport.republish(old.origin?.exchange ?? '', old.origin?.routingKey ?? '', Buffer.from(JSON.stringify(envelope)), {
      messageId: replayId,
      type: 'test.fault.explode',
      headers,
    });
    const again = await record(replayId);
    expect(again).toMatchObject({ replayOf: 'poison-1', taskId: 'task-poison-1', errorMessage: 'boom: always' });
    expect(again.attempts).toHaveLength(3); // a fresh history, not the old attempts again
  });

  test('the keeper consumes again after the connection was lost', async () => {
    closeVhostConnections(inProcess.name);
    await eventually(() => !node.transport.connected, 'the connection to drop', 5000, 10).catch(() => undefined);
    await eventually(() => node.transport.connected, 'the reconnection', 15_000);
    await eventually(
      async () => {
        await node.runtime.ref('counter/poison-2').tell(Object.assign(new Explode(), { note: 'after' }), { messageId: 'poison-2' });
        return true;
      },
      'a tell after the reconnection',
      15_000,
      200,
    );
    expect(await record('poison-2')).toMatchObject({ errorMessage: 'boom: after' });
  });

  test('a notice refused by an actor without a DeadLettered handler is recorded and never answered (no loop)', async () => {
    // counter has no DeadLettered handler: the keeper is told it compensates here, to force the refusal.
    const forced = new DeadLetterKeeper(
      node.transport,
      node.store,
      (to, n) => node.runtime.ref(to, 'dead-letter-keeper:test').tell(n.notice, { messageId: n.messageId, taskId: n.taskId }),
      quiet,
    );
    await forced.keep({
      body: Buffer.from(JSON.stringify({ specversion: '1.0', id: 'lonely-1', source: 'x', type: 'test.fault.explode', data: {} })),
      properties: { messageId: 'lonely-1' },
      fields: { exchange: '', routingKey: 'warren.dead', redelivered: false },
      headers: { 'x-warren-target': 'counter/lonely', 'x-warren-error': { code: 'WARREN_HANDLER_FAILED', class: 'Error', message: 'x' } },
    });
    const refusal = await record('dl:lonely-1');
    expect(refusal).toMatchObject({ errorCode: 'WARREN_UNKNOWN_MESSAGE_TYPE', address: 'counter/lonely' });
    await new Promise((r) => setTimeout(r, 500));
    const all = await node.store.deadLetters.list({ address: 'counter/lonely' }, { limit: 100 });
    expect(all.items.map((d) => d.messageId).sort()).toEqual(['dl:lonely-1', 'lonely-1']);
  });
});

describe('the runtime app: failed turns', () => {
  let system: TestSystem;

  beforeAll(async () => {
    system = await startSystem('runtime', app.url, {
      WARREN__MODELS__LOCAL__FAILURE_RATE: '1',
      WARREN__RUNTIME__ENTITY_BACKOFF_MS: '[20,20]',
    });
  });

  test('a failing turn: exactly one failed event, the task failed, the dead letter recorded', async () => {
    const taskId = await system.tap.say('f1', 'hello');
    await system.tap.waitFor(taskId, 'failed');
    const letter = await eventually(() => system.store.deadLetters.get(taskId), 'the dead letter', 15_000);
    expect(letter).toMatchObject({
      actorType: 'session',
      address: 'session/dev~f1',
      taskId: system.tap.task(taskId),
      tenant: 'dev',
      errorCode: 'WARREN_MODEL_UNAVAILABLE',
      sender: 'test/rtc',
      handler: 'SessionActor.message',
    });
    expect(letter.attempts).toHaveLength(3);
    expect(await system.store.tasks.get(system.tap.task(taskId))).toMatchObject({
      status: 'failed',
      error: { code: 'WARREN_MODEL_UNAVAILABLE' },
    });
    // The session handled the notice (dl:<id> is in its processed ids) and told the user nothing more.
    await eventually(
      async () => (await system.store.actors.load('session/dev~f1')).processed.some((p) => p.id === `dl:${taskId}`),
      'the notice',
    );
    // A later turn of the session (it fails too: every model call fails here) is a positive marker:
    // a second failed event for the first task would come before the marker's.
    await system.tap.waitFor(await system.tap.say('f1', 'marker'), 'failed');
    expect(system.tap.ofTask(taskId).filter((e) => e.kind === 'failed')).toHaveLength(1);
  });

  test('a crash-loop dead letter (x-death delivery_limit): recorded with WARREN_DELIVERY_LIMIT, the task failed with one failed event', async () => {
    const taskId = `crash-${randomUUID()}`;
    await system.store.tasks.create({ id: taskId, tenant: 'dev', sessionId: 'c1', actor: 'session/dev~c1' });
    await system.store.tasks.updateStatus(taskId, { status: 'running' });
    const conn = await connect(app.url);
    const ch = await conn.createConfirmChannel();
    const body = { specversion: '1.0', id: taskId, source: 'test/rtc', type: 'warren.session.message', data: { text: 'crash me' } };
    ch.publish('', 'warren.dead', Buffer.from(JSON.stringify(body)), {
      persistent: true,
      messageId: taskId,
      type: 'warren.session.message',
      headers: {
        'x-warren-sender': 'test/rtc',
        'x-warren-target': 'session/dev~c1',
        'x-warren-task-id': taskId,
        'x-delivery-count': 20,
        'x-first-death-reason': 'delivery_limit',
        'x-first-death-queue': 'warren.session.shard.2',
        'x-first-death-exchange': 'warren.actors.session',
        'x-death': [
          {
            count: 1,
            reason: 'delivery_limit',
            queue: 'warren.session.shard.2',
            time: { '!': 'timestamp', value: Math.floor(Date.now() / 1000) },
            exchange: 'warren.actors.session',
            'routing-keys': ['dev~c1'],
          },
        ],
      },
    });
    await ch.waitForConfirms();
    await conn.close();
    const letter = await eventually(() => system.store.deadLetters.get(taskId), 'the dead letter', 15_000);
    expect(letter).toMatchObject({
      errorCode: 'WARREN_DELIVERY_LIMIT',
      address: 'session/dev~c1',
      origin: { exchange: 'warren.actors.session', routingKey: 'dev~c1', queue: 'warren.session.shard.2' },
    });
    const failed = await system.tap.waitFor(taskId, 'failed');
    expect(failed.event.data).toEqual({ taskId, code: 'WARREN_DELIVERY_LIMIT', message: expect.stringContaining('try again') });
    expect(await system.store.tasks.get(taskId)).toMatchObject({ status: 'failed', error: { code: 'WARREN_DELIVERY_LIMIT' } });
    // A later turn of the session (a positive marker): a second failed event would come before its own.
    await system.tap.waitFor(await system.tap.say('c1', 'marker'), 'failed');
    expect(system.tap.ofTask(taskId).filter((e) => e.kind === 'failed')).toHaveLength(1);
  });
});

/** The runtime app in a child process that can be killed with SIGKILL. */
function startRuntimeChild(env: Record<string, string>): { child: ChildProcess; ready: Promise<void>; output: string[] } {
  const output: string[] = [];
  const child = spawn(process.execPath, [appMain('runtime')], {
    env: { ...process.env, PORT: '0', LOG_LEVEL: 'info', NO_COLOR: '1', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const ready = new Promise<void>((resolve, reject) => {
    const onLine = (line: string) => {
      output.push(line);
      if (/ ready on port \d+/.test(line)) resolve();
    };
    if (child.stdout) createInterface({ input: child.stdout }).on('line', onLine);
    if (child.stderr) createInterface({ input: child.stderr }).on('line', onLine);
    child.once('exit', (code) => reject(new Error(`runtime exited (${code}):\n${output.join('\n')}`)));
  });
  ready.catch(() => undefined);
  autoTeardown({ stop: () => child.exitCode === null && child.signalCode === null && child.kill('SIGKILL') });
  return { child, ready, output };
}

describe('the keeper killed with SIGKILL mid-batch', () => {
  const TOTAL = 2000;
  const SESSIONS = 100;
  let store: WarrenStore;
  let tap: EventTap;
  const dataDir = tempDir('dlkill');
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  beforeAll(async () => {
    store = createStore({ dataDir });
    await store.init();
    autoTeardown({ close: () => store.close() });
    tap = autoTeardown(await EventTap.open(killed.url));
  });

  test(`${TOTAL} dead turns: all recorded once, each task failed with one failed event, after a kill -9 and a restart`, async () => {
    const ids = Array.from({ length: TOTAL }, (_, i) => `kill-${i}`);
    for (const [i, id] of ids.entries()) {
      const sessionId = `k${i % SESSIONS}`;
      await store.tasks.create({ id, tenant: 'dev', sessionId, actor: `session/dev~${sessionId}` });
      await store.tasks.updateStatus(id, { status: 'running' });
    }
    const conn = await connect(killed.url);
    autoTeardown({ close: () => conn.close().catch(() => undefined) });
    const ch = await conn.createConfirmChannel();
    await ch.assertQueue('warren.dead', { durable: true, arguments: { 'x-queue-type': 'quorum' } });
    for (const [i, id] of ids.entries()) {
      const sessionId = `k${i % SESSIONS}`;
      const body = { specversion: '1.0', id, source: 'test/rtc', type: 'warren.session.message', data: { text: `turn ${i}` } };
      ch.publish('', 'warren.dead', Buffer.from(JSON.stringify(body)), {
        persistent: true,
        messageId: id,
        headers: {
          'x-warren-sender': 'test/rtc',
          'x-warren-target': `session/dev~${sessionId}`,
          'x-warren-task-id': id,
          'x-warren-error': {
            class: 'ModelUnavailableError',
            code: 'WARREN_MODEL_UNAVAILABLE',
            message: 'down',
            attempt: 3,
            time: new Date().toISOString(),
          },
        },
      });
    }
    await ch.waitForConfirms();
    const env = { AMQP_URL: killed.url, WARREN_DATA_DIR: dataDir, WARREN__AMQP__SHARD_COUNT: '4' };

    const first = startRuntimeChild(env);
    await first.ready;
    const count = async () => countRecords(store, ids);
    // The failed events show the keeper at work (the store is too slow to poll for this).
    await eventually(() => tap.events.filter((e) => e.kind === 'failed').length >= 50, 'the keeper at work', 30_000, 5);
    first.child.kill('SIGKILL');
    await new Promise((r) => first.child.once('exit', r));
    const atKill = await count();
    const failedAtKill = new Set(tap.events.filter((e) => e.kind === 'failed').map((e) => (e.event.data as { taskId?: string }).taskId))
      .size;
    // Killed mid-batch: recording, or the compensations that follow it, were not done yet.
    expect(atKill < TOTAL || failedAtKill < TOTAL).toBe(true);

    const second = startRuntimeChild(env);
    await second.ready;
    await eventually(
      async () => (await count()) === TOTAL && queueDepth(killed.name, 'warren.dead') === 0,
      'every dead letter',
      120_000,
      250,
    );
    await eventually(
      async () => ids.every((id) => tap.ofTask(id).some((e) => e.kind === 'failed')),
      'a failed event for every task',
      60_000,
      250,
    );
    const notFailed = [];
    for (const id of ids) if ((await store.tasks.get(id))?.status !== 'failed') notFailed.push(id);
    expect(notFailed).toEqual([]);
    // Compensated once: one failed event per task (a redelivered notice is dropped by the session's
    // processed-id check; an event published again after a crash carries the same id).
    const eventIds = new Map<string, Set<string>>();
    let raw = 0;
    for (const e of tap.events) {
      if (e.kind !== 'failed') continue;
      raw++;
      const taskId = String((e.event.data as { taskId?: string }).taskId);
      eventIds.set(taskId, (eventIds.get(taskId) ?? new Set()).add(e.event.id));
    }
    expect([...eventIds.values()].filter((s) => s.size !== 1)).toEqual([]);
    expect(eventIds.size).toBe(TOTAL);
    console.info(`SIGKILL keeper: ${atKill} of ${TOTAL} recorded at the kill; ${raw} failed events for ${TOTAL} tasks`);
  }, 240_000);
});

async function countRecords(store: WarrenStore, ids: string[]): Promise<number> {
  let n = 0;
  for (let i = 0; i < ids.length; i += 1000) {
    const page = await store.deadLetters.list({ messageIds: ids.slice(i, i + 1000) }, { limit: 1000 });
    n += page.items.length;
  }
  return n;
}
