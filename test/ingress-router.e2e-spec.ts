// Raw producers (voice/RTC servers) → warren.ingress → ingress router → session/<tenant>~<id>.
import { randomUUID } from 'node:crypto';
import { scopedTaskId } from '@warren/contracts';
import { type ConfirmChannel, type ConsumeMessage, connect } from 'amqplib';
import { IngressRouterActor } from '../apps/runtime/src/ingress/ingress-router.actor';
import { resolveIngressRouterOptions } from '../apps/runtime/src/ingress/ingress-router.options';
import { ReadSession, RecordingSession } from './fixtures/test-actors';
import { autoTeardown, eventually, useVhost } from './support/broker';
import { type InProcessRuntime, startRuntime } from './support/runtime';

const vhost = useVhost('ingress');
let node: InProcessRuntime;
let ch: ConfirmChannel;
const dead: ConsumeMessage[] = [];
const failed: Record<string, unknown>[] = [];

beforeAll(async () => {
  node = await startRuntime(
    vhost.url,
    [
      {
        instance: new IngressRouterActor(resolveIngressRouterOptions({ tenantsByUser: { guest: 'acme' }, maxTextLength: 50 })),
        options: { source: 'ingress' },
      },
      { instance: new RecordingSession() },
    ],
    { logger: { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined } },
  );
  const conn = await connect(vhost.url, { noDelay: true });
  autoTeardown({ close: () => conn.close() });
  ch = await conn.createConfirmChannel();
  await ch.consume('warren.dead', (m) => {
    if (m) {
      dead.push(m);
      ch.ack(m);
    }
  });
  const { queue } = await ch.assertQueue('', { exclusive: true });
  await ch.bindQueue(queue, 'warren.events', 'session.*.failed');
  await ch.consume(queue, (m) => m && failed.push(JSON.parse(m.content.toString())), { noAck: true });
});

function send(
  sessionId: string,
  kind: 'message' | 'interrupt',
  data: unknown,
  extra: { id?: string; userId?: string; body?: Buffer } = {},
): Promise<void> {
  const id = extra.id ?? randomUUID();
  const body =
    extra.body ?? Buffer.from(JSON.stringify({ specversion: '1.0', id, source: 'rtc://edge-1', type: `warren.session.${kind}`, data }));
  return new Promise((resolve, reject) =>
    ch.publish('warren.ingress', `session.${sessionId}.${kind}`, body, { persistent: true, messageId: id, userId: extra.userId }, (err) =>
      err ? reject(err) : resolve(),
    ),
  );
}

const read = (address: string) =>
  node.runtime
    .ref(address)
    .ask<{ texts: string[]; tasks: string[]; clientTasks?: string[]; interruptTasks?: string[]; interrupts: number }>(new ReadSession());

describe('ingress router', () => {
  test("forwards a session's messages in order to session/<tenant>~<id>, the task id scoped to the tenant and session, the CloudEvent id beside it", async () => {
    const ids = Array.from({ length: 50 }, (_, i) => `turn-${i}`);
    for (const [i, id] of ids.entries()) await send('s1', 'message', { text: `hello ${i}` }, { id });
    const state = await eventually(async () => {
      const s = await read('session/dev~s1');
      return s.texts.length === 50 ? s : undefined;
    }, 'all 50 messages');
    expect(state.texts).toEqual(ids.map((_, i) => `hello ${i}`));
    expect(state.tasks).toEqual(ids.map((id) => scopedTaskId('dev', 's1', id)));
    expect(state.clientTasks).toEqual(ids);
  });

  test('two sessions (or tenants) reusing a CloudEvent id get two tasks; an interrupt naming the id finds its own session’s', async () => {
    await send('r1', 'message', { text: 'one' }, { id: 'reused' });
    await send('r2', 'message', { text: 'two' }, { id: 'reused' });
    await send('r1', 'interrupt', { taskId: 'reused' });
    const r1 = await eventually(async () => {
      const s = await read('session/dev~r1');
      return s.interrupts === 1 ? s : undefined;
    }, 'r1 with its interrupt');
    const r2 = await eventually(async () => {
      const s = await read('session/dev~r2');
      return s.texts.length === 1 ? s : undefined;
    }, 'r2');
    expect(r1.tasks[0]).not.toEqual(r2.tasks[0]);
    expect([r1.clientTasks, r2.clientTasks]).toEqual([['reused'], ['reused']]);
    expect(r1.interruptTasks).toEqual([r1.tasks[0]]);
  });

  test('takes the tenant from the broker-checked AMQP user_id, never from the body', async () => {
    await send('s2', 'message', { text: 'from guest' }, { userId: 'guest' });
    await eventually(async () => (await read('session/acme~s2')).texts.includes('from guest'), 'the acme session');
    expect((await read('session/dev~s2')).texts).toEqual([]);
  });

  test('a repeated CloudEvent id is the same task: the session applies it once', async () => {
    await send('s3', 'message', { text: 'once' }, { id: 'same-turn' });
    await send('s3', 'message', { text: 'once' }, { id: 'same-turn' });
    await send('s3', 'interrupt', {});
    await eventually(async () => (await read('session/dev~s3')).interrupts === 1, 'the interrupt behind them');
    expect((await read('session/dev~s3')).texts).toEqual(['once']);
  });

  test('an invalid message gets a failed event naming the problem and is dead-lettered; the session goes on', async () => {
    await send('s4', 'message', { txt: 'typo' }, { id: 'bad-1' });
    await send('s4', 'message', { text: 'x'.repeat(51) }, { id: 'too-long-1' });
    await send('s4', 'message', { text: 'fine' });
    await eventually(async () => (await read('session/dev~s4')).texts.includes('fine'), 'the valid message');
    const bad = await eventually(() => failed.find((e) => (e.data as { taskId: string }).taskId === 'bad-1'), 'the failed event');
    expect(bad).toMatchObject({ type: 'warren.session.failed', subject: 's4', data: { code: 'WARREN_INVALID_MESSAGE' } });
    const long = await eventually(() => failed.find((e) => (e.data as { taskId: string }).taskId === 'too-long-1'), 'the failed event');
    // A presentable message for the user, the exact reason for the producer's developers.
    expect(long.data).toMatchObject({ code: 'WARREN_INVALID_MESSAGE', message: 'The message could not be understood.' });
    expect(String((long.data as { detail: string }).detail)).toMatch(/longer than 50/);
    await eventually(
      () => dead.some((m) => m.properties.messageId === 'bad-1') && dead.some((m) => m.properties.messageId === 'too-long-1'),
      'both dead letters',
    );
  });

  test('a body that is not JSON is dead-lettered with a failed event and does not block the session', async () => {
    await send('s5', 'message', null, { id: 'garbage-1', body: Buffer.from('not json at all') });
    await send('s5', 'message', { text: 'after garbage' });
    await eventually(async () => (await read('session/dev~s5')).texts.includes('after garbage'), 'the next message');
    const letter = await eventually(() => dead.find((m) => m.properties.messageId === 'garbage-1'), 'the dead letter');
    expect((letter.properties.headers?.['x-warren-error'] as { code: string } | undefined)?.code).toBe('WARREN_INVALID_MESSAGE');
    expect(letter.content.toString()).toBe('not json at all');
    // The session id comes from the routing key, the task id from the AMQP message-id.
    const event = await eventually(() => failed.find((e) => (e.data as { taskId?: string }).taskId === 'garbage-1'), 'the failed event');
    expect(event).toMatchObject({ subject: 's5', data: { code: 'WARREN_INVALID_MESSAGE' } });
    expect((event.data as { detail: string }).detail).toMatch(/not JSON/);
  });

  test('a CloudEvent type that does not match the routing key is refused with a failed event', async () => {
    const id = randomUUID();
    const body = Buffer.from(
      JSON.stringify({ specversion: '1.0', id, source: 'rtc://edge-1', type: 'warren.session.interrupt', data: {} }),
    );
    await send('s6', 'message', null, { id, body });
    const letter = await eventually(() => dead.find((m) => m.properties.messageId === id), 'the dead letter');
    expect((letter.properties.headers?.['x-warren-error'] as { code: string } | undefined)?.code).toBe('WARREN_INVALID_MESSAGE');
    const event = await eventually(() => failed.find((e) => (e.data as { taskId?: string }).taskId === id), 'the failed event');
    expect((event.data as { detail: string }).detail).toContain('routing key session.s6.message');
    expect((await read('session/dev~s6')).interrupts).toBe(0);
  });
});
