// Poison input on warren.ingress (issue 15, items 4, 5 and 7): no input leaves a message unacked,
// every refused message gets a dead letter with the reason and, when its routing key names a valid
// session, a `failed` event; the keeper quarantines what the store refuses instead of retrying it.
import { randomUUID } from 'node:crypto';
import { WRAPPED_DEAD_LETTER_TYPE, type WrappedDeadLetterData } from '@warren/amqp';
import { ingressEnvelopeViolations, parseCloudEvent } from '@warren/contracts';
import { type ConfirmChannel, connect, type Options } from 'amqplib';
import { DeadLetterKeeper } from '../apps/runtime/src/dead-letters/dead-letter-keeper';
import { QUARANTINED_CLASS } from '../apps/runtime/src/dead-letters/quarantine';
import { IngressRouterActor } from '../apps/runtime/src/ingress/ingress-router.actor';
import { resolveIngressRouterOptions } from '../apps/runtime/src/ingress/ingress-router.options';
import { ReadSession, RecordingSession } from './fixtures/test-actors';
import { loadWireContract } from './support/asyncapi';
import { autoTeardown, eventually, useVhost } from './support/broker';
import { EventTap } from './support/event-tap';
import { busyQueues } from './support/queue-states';
import { type InProcessRuntime, startRuntime } from './support/runtime';

const vhost = useVhost('ingress-poison');
const quiet = { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined };
let router: InProcessRuntime;
let sessions: InProcessRuntime;
let tap: EventTap;
let ch: ConfirmChannel;

beforeAll(async () => {
  // The router's mailbox holds 2 messages per session, so a burst overflows it for sure.
  router = await startRuntime(
    vhost.url,
    [{ instance: new IngressRouterActor(resolveIngressRouterOptions({ maxTextLength: 50 })), options: { source: 'ingress' } }],
    { amqp: { nodeId: 'poison-router' }, runtime: { mailboxCapacity: 2 }, kinds: { session: 'entity' }, logger: quiet },
  );
  sessions = await startRuntime(vhost.url, [{ instance: new RecordingSession() }], { amqp: { nodeId: 'poison-sessions' }, logger: quiet });
  const keeper = new DeadLetterKeeper(
    router.transport,
    router.store,
    (to, n) => router.runtime.ref(to, 'dead-letter-keeper:test').tell(n.notice, { messageId: n.messageId, taskId: n.taskId }),
    quiet,
    // As the runtime app's keeper: only types with a DeadLettered handler are told (the router has none).
    { compensates: () => false },
  );
  await keeper.start();
  autoTeardown({ stop: () => keeper.stop() });
  tap = autoTeardown(await EventTap.open(vhost.url));
  const conn = await connect(vhost.url, { noDelay: true });
  autoTeardown({ close: () => conn.close() });
  ch = await conn.createConfirmChannel();
});

/** Publishes raw bytes to warren.ingress and waits for the confirm. */
function publish(routingKey: string, body: string | Buffer, options: Options.Publish = {}): Promise<void> {
  return new Promise((resolve, reject) =>
    ch.publish('warren.ingress', routingKey, Buffer.isBuffer(body) ? body : Buffer.from(body), { persistent: true, ...options }, (err) =>
      err ? reject(err) : resolve(),
    ),
  );
}

const cloudEvent = (fields: Record<string, unknown>) =>
  JSON.stringify({
    specversion: '1.0',
    id: randomUUID(),
    source: 'rtc://edge-1',
    type: 'warren.session.message',
    data: { text: 'hi' },
    ...fields,
  });
const texts = async (sessionId: string) =>
  (await sessions.runtime.ref(`session/dev~${sessionId}`).ask<{ texts: string[] }>(new ReadSession())).texts;
const failedOf = (sessionId: string) => tap.events.filter((e) => e.routingKey === `session.${sessionId}.failed`);
const failedData = (sessionId: string) =>
  failedOf(sessionId).map((e) => e.event.data as { taskId?: string; code: string; message: string; detail: string });
/** Ingress shards and warren.dead hold nothing: every message was settled. */
const settled = () => busyQueues(vhost.name, ['warren.ingress.shard.', 'warren.dead']).length === 0;

describe('poison input on warren.ingress', () => {
  test('256 messages whose CloudEvent id is over 255 bytes: each dead-lettered with a failed event, and the shard goes on', async () => {
    const ids = Array.from({ length: 256 }, (_, i) => `${String(i).padStart(4, '0')}-${'x'.repeat(296)}`);
    for (const id of ids) await publish('session.long-ids.message', cloudEvent({ id }));
    await publish('session.long-ids.message', cloudEvent({ id: 'after-long-ids', data: { text: 'still flowing' } }));
    await eventually(async () => (await texts('long-ids')).includes('still flowing'), 'the message behind them', 20_000);
    const events = await eventually(
      () => {
        const data = failedData('long-ids');
        return data.length === 256 ? data : undefined;
      },
      '256 failed events',
      20_000,
    );
    expect(new Set(events.map((d) => d.taskId))).toEqual(new Set(ids));
    expect(events[0]).toMatchObject({ code: 'WARREN_INVALID_MESSAGE', message: 'The message could not be understood.' });
    expect(events[0]?.detail).toMatch(/id must be at most 255 bytes/);
    const records = await eventually(
      async () => {
        const page = await router.store.deadLetters.list(
          { errorCode: 'WARREN_INVALID_MESSAGE', text: 'at most 255 bytes' },
          { limit: 1000 },
        );
        return page.items.length === 256 ? page.items : undefined;
      },
      '256 dead letters',
      20_000,
    );
    // Recorded under a digest id (the id itself cannot be an AMQP message-id), the body kept as sent.
    expect(records.every((r) => /^sha256:[0-9a-f]{64}$/.test(r.messageId))).toBe(true);
    expect(records.map((r) => JSON.parse(r.envelope as string).id).sort()).toEqual([...ids].sort());
    await eventually(settled, 'ingress shards and warren.dead settled', 20_000);
  });

  test('an id within AMQP limits but over the ingress limit (128 printable ASCII) is refused before it is forwarded', async () => {
    const id = 'i'.repeat(200);
    await publish('session.id-200.message', cloudEvent({ id }));
    await publish('session.id-spaces.message', cloudEvent({ id: 'has spaces in it' }));
    const [long] = await eventually(() => (failedData('id-200').length === 1 ? failedData('id-200') : undefined), 'the failed event');
    expect(long).toMatchObject({ taskId: id, code: 'WARREN_INVALID_MESSAGE' });
    expect(long?.detail).toMatch(/id must be at most 128 characters \(got 200\)/);
    const [spaces] = await eventually(
      () => (failedData('id-spaces').length === 1 ? failedData('id-spaces') : undefined),
      'the failed event',
    );
    expect(spaces?.detail).toMatch(/printable ASCII/);
    const record = await eventually(() => router.store.deadLetters.get(id), 'the dead letter');
    expect(record).toMatchObject({ errorCode: 'WARREN_INVALID_MESSAGE', address: 'ingress/id-200' });
    expect(await texts('id-200')).toEqual([]);
  });

  // The task id of the failed event is the CloudEvent id when the body has a string one, else the AMQP message-id.
  test.each([
    ['a body that is not JSON', 'not-json', '{"specversion": "1.0", "id": ', /body is not JSON/, 'amqp'],
    ['a numeric id', 'numeric-id', cloudEvent({ id: 42 }), /id must be a non-empty string/, 'amqp'],
    ['a missing id', 'missing-id', cloudEvent({ id: undefined }), /id must be a non-empty string/, 'amqp'],
    ['specversion 0.3', 'old-spec', cloudEvent({ id: 'ce-old-spec', specversion: '0.3' }), /specversion must be "1.0"/, 'ce-old-spec'],
    [
      'an unknown type',
      'odd-type',
      cloudEvent({ id: 'ce-odd-type', type: 'warren.session.bogus' }),
      /no handler for "warren.session.bogus"/,
      'ce-odd-type',
    ],
    ['a JSON array', 'array-body', '[1, 2, 3]', /not a JSON object/, 'amqp'],
  ])('%s gets a failed event and a dead letter with the reason', async (_name, sessionId, body, reason, taskId) => {
    const messageId = `amqp-${sessionId}`;
    await publish(`session.${sessionId}.message`, body, { messageId });
    const [event] = await eventually(() => failedData(sessionId), 'the failed event');
    expect(event).toMatchObject({ code: 'WARREN_INVALID_MESSAGE', message: 'The message could not be understood.' });
    expect(event?.detail).toMatch(reason);
    const letter = await eventually(async () => {
      const page = await router.store.deadLetters.list({ actorType: 'ingress' }, { limit: 1000 });
      return page.items.find((r) => r.origin?.routingKey === `session.${sessionId}.message`);
    }, 'the dead letter');
    expect(letter.errorMessage).toMatch(reason);
    expect(event?.taskId).toBe(taskId === 'amqp' ? messageId : taskId);
  });

  test('a burst over the router mailbox: every message is forwarded or refused with WARREN_ACTOR_OVERLOADED (event and dead letter)', async () => {
    const ids = Array.from({ length: 60 }, (_, i) => `burst-${i}`);
    // Published without waiting for each confirm, so they arrive together.
    const sent = ids.map((id, i) => publish('session.burst.message', cloudEvent({ id, data: { text: `b${i}` } })));
    await Promise.all(sent);
    await publish('session.burst-marker.message', cloudEvent({ data: { text: 'marker' } }));
    await eventually(async () => (await texts('burst-marker')).includes('marker'), 'the marker');
    const outcome = await eventually(
      async () => {
        const forwarded = await texts('burst');
        const overloaded = failedData('burst').filter((d) => d.code === 'WARREN_ACTOR_OVERLOADED');
        return forwarded.length + overloaded.length === ids.length ? { forwarded, overloaded } : undefined;
      },
      'each burst message forwarded or refused',
      20_000,
    );
    expect(outcome.overloaded.length).toBeGreaterThan(0);
    expect(outcome.overloaded[0]?.message).toMatch(/try again/);
    const refused = new Set(outcome.overloaded.map((d) => d.taskId));
    expect(outcome.forwarded.map((t) => `burst-${t.slice(1)}`).filter((id) => refused.has(id))).toEqual([]);
    // Order holds among the forwarded ones.
    const numbers = outcome.forwarded.map((t) => Number(t.slice(1)));
    expect(numbers).toEqual([...numbers].sort((a, b) => a - b));
    await eventually(async () => {
      const page = await router.store.deadLetters.list({ errorCode: 'WARREN_ACTOR_OVERLOADED' }, { limit: 1000 });
      return page.items.filter((r) => refused.has(r.messageId)).length === refused.size;
    }, 'a dead letter for each refused one');
  });

  test('headers too large to dead-letter as they are: the dead letter goes in the wrapped safe form, nothing stays unacked', async () => {
    // 65 kB of headers pass amqplib's 64 KiB limit on the way in; with x-warren-error and the attempts they do not.
    const body = cloudEvent({ id: 'huge-headers-1', data: { txt: 'typo' } });
    await publish('session.huge-headers.message', body, { headers: { 'x-padding': 'p'.repeat(65_000) } });
    const [event] = await eventually(() => failedData('huge-headers'), 'the failed event');
    expect(event?.taskId).toBe('huge-headers-1');
    const record = await eventually(() => router.store.deadLetters.get('huge-headers-1'), 'the wrapped dead letter');
    expect(record).toMatchObject({ errorCode: 'WARREN_INVALID_MESSAGE', address: 'ingress/huge-headers' });
    const wrapper = record.envelope as { type: string; data: WrappedDeadLetterData };
    expect(wrapper.type).toBe(WRAPPED_DEAD_LETTER_TYPE);
    expect(Buffer.from(wrapper.data.body.base64, 'base64').toString()).toBe(body);
    expect(wrapper.data.reason).toMatch(/could not be dead-lettered as it was/);
    await eventually(settled, 'ingress shards and warren.dead settled');
  });

  test('routing keys session..message and session.a b.message: quarantined by the keeper, acked, never retried', async () => {
    await publish('session..message', cloudEvent({ id: 'empty-key-1' }));
    await publish('session.a b.message', cloudEvent({ id: 'space-key-1' }));
    // A marker behind them on a valid session: the router went on.
    await publish('session.after-quarantine.message', cloudEvent({ data: { text: 'after' } }));
    await eventually(async () => (await texts('after-quarantine')).includes('after'), 'the marker');
    const records = await eventually(async () => {
      const page = await router.store.deadLetters.list({ errorClass: QUARANTINED_CLASS });
      const ids = page.items.map((r) => r.messageId);
      return ids.includes('empty-key-1') && ids.includes('space-key-1') ? page.items : undefined;
    }, 'two quarantined records');
    const spaced = records.find((r) => r.messageId === 'space-key-1');
    expect(spaced).toMatchObject({ actorType: 'ingress', origin: { routingKey: 'session.a b.message' } });
    expect(spaced?.errorMessage).toMatch(/quarantined: the store refused the record \(InvalidAddressError/);
    // No failed event: such a session id would break topic routing for every listener.
    expect(tap.events.filter((e) => e.event.data && JSON.stringify(e.event.data).includes('space-key-1'))).toEqual([]);
    await eventually(settled, 'warren.dead settled');
  });
});

describe('the wire contract states the limits the code enforces', () => {
  test('docs/asyncapi.yaml accepts exactly the ids and sources the router accepts', async () => {
    const { check } = await loadWireContract();
    const body = (fields: Record<string, unknown>) => JSON.parse(cloudEvent(fields)) as Record<string, unknown>;
    const cases: Record<string, unknown>[] = [
      {},
      { id: 'a'.repeat(128) },
      { id: 'a'.repeat(129) },
      { id: 'has space' },
      { id: 'grüß' },
      { id: 'urn:uuid:6f1c2a8e~!$' },
      { source: 's'.repeat(256) },
      { source: 's'.repeat(257) },
      { source: 'rtc://a b' },
    ];
    for (const fields of cases) {
      const event = body(fields);
      let code: boolean;
      try {
        code = ingressEnvelopeViolations(parseCloudEvent(JSON.stringify(event))).length === 0;
      } catch {
        code = false;
      }
      expect({ fields, schema: check('message', event).length === 0 }).toEqual({ fields, schema: code });
    }
  });
});
