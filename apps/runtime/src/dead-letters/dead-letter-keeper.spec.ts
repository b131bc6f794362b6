import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RuntimeLogger } from '@warren/actors';
import type { DeadLetterMessage } from '@warren/amqp';
import { StoreUnavailableError, UnknownActorTypeError } from '@warren/contracts';
import { createStore, type DeadLetterStore, type WarrenStore } from '@warren/store';
import type { CompensationNotice } from './compensation-notice';
import { DeadLetterKeeper, type KeeperTransport } from './dead-letter-keeper';
import { QUARANTINED_CLASS, type QuarantinedEnvelope } from './quarantine';

const body = (id: string) =>
  Buffer.from(JSON.stringify({ specversion: '1.0', id, source: 'rtc://edge-1', type: 'warren.session.message', data: { txt: 'typo' } }));

function deadMessage(id: string, headers: Record<string, unknown>, routingKey = 'session.s1.message'): DeadLetterMessage {
  return {
    body: body(id),
    properties: { messageId: id, timestamp: 1_700_000_000 },
    fields: { exchange: '', routingKey: 'warren.dead', redelivered: false },
    headers: {
      'x-warren-error': {
        class: 'InvalidMessageError',
        code: 'WARREN_INVALID_MESSAGE',
        message: 'bad',
        attempt: 1,
        time: '2024-01-01T00:00:00.000Z',
      },
      'x-warren-origin-exchange': 'warren.ingress',
      'x-warren-origin-routing-key': routingKey,
      'x-warren-origin-queue': 'warren.ingress.shard.1',
      ...headers,
    },
  };
}

const transport: KeeperTransport = {
  consumeDeadLetters: async () => {
    throw new Error('not used');
  },
  knowsActorType: (type) => type === 'session',
};

let dir: string;
let store: WarrenStore;
let told: { to: string; notice: CompensationNotice }[];
let tellError: unknown;
const log: RuntimeLogger = { debug: () => undefined, info: () => undefined, warn: jest.fn(), error: () => undefined };

function keeper(deadLetters: DeadLetterStore = store.deadLetters): DeadLetterKeeper {
  return new DeadLetterKeeper(
    transport,
    { deadLetters },
    async (to, notice) => {
      if (tellError) throw tellError;
      told.push({ to, notice });
    },
    log,
  );
}

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'warren-keeper-'));
  store = createStore({ dataDir: dir });
  await store.init();
  told = [];
  tellError = undefined;
});

afterEach(async () => {
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('DeadLetterKeeper#keep()', () => {
  it.each([
    ['session..message', 'ingress/'],
    ['session.a b.message', 'ingress/a b'],
  ])(
    'a dead letter from %s (target %p, an address the store refuses) is quarantined with its raw body and headers, not retried',
    async (routingKey, target) => {
      const message = deadMessage('m-q1', { 'x-warren-target': target }, routingKey);
      await expect(keeper().keep(message)).resolves.toBeUndefined();
      const record = await store.deadLetters.get('m-q1');
      expect(record).toMatchObject({
        messageId: 'm-q1',
        errorClass: QUARANTINED_CLASS,
        errorCode: 'WARREN_INVALID_MESSAGE',
        actorType: 'ingress',
        status: 'open',
        origin: { exchange: 'warren.ingress', routingKey },
      });
      expect(record?.address).toBeUndefined();
      expect(record?.errorMessage).toMatch(
        /^quarantined: the store refused the record \(InvalidAddressError: .*\); InvalidMessageError: bad/,
      );
      const kept = (record as { envelope: QuarantinedEnvelope }).envelope.quarantined;
      expect(Buffer.from(kept.body.base64, 'base64').equals(message.body)).toBe(true);
      expect(JSON.parse(kept.headers)['x-warren-target']).toBe(target);
      // Operators find them by class.
      const page = await store.deadLetters.list({ errorClass: QUARANTINED_CLASS });
      expect(page.items.map((r) => r.messageId)).toEqual(['m-q1']);
      // Kept again (a redelivery) finds the same record.
      await keeper().keep(message);
      expect((await store.deadLetters.list({ errorClass: QUARANTINED_CLASS })).items).toHaveLength(1);
    },
  );

  it('a quarantined record keeps what is valid: the session still gets its compensation notice', async () => {
    await keeper().keep(
      deadMessage('m-q2', { 'x-warren-target': 'session/dev~s1', 'x-warren-sender': 's'.repeat(600), 'x-warren-task-id': 'm-q2' }),
    );
    const record = await store.deadLetters.get('m-q2');
    expect(record).toMatchObject({ errorClass: QUARANTINED_CLASS, address: 'session/dev~s1', taskId: 'm-q2' });
    expect(record?.sender).toBeUndefined();
    expect(told).toHaveLength(1);
    expect(told[0]).toMatchObject({ to: 'session/dev~s1', notice: { messageId: 'dl:m-q2', taskId: 'm-q2' } });
  });

  it('an id the store takes but that is too long for the notice message-id gets a digest notice id', async () => {
    const id = 'i'.repeat(254);
    await keeper().keep(deadMessage(id, { 'x-warren-target': 'session/dev~s1' }));
    expect((await store.deadLetters.get(id))?.errorClass).toBe('InvalidMessageError');
    expect(told[0]?.notice.messageId).toMatch(/^sha256:[0-9a-f]{64}$/);
  });

  it('a store outage (a retryable error) is thrown: the consumer retries with backoff', async () => {
    const down = {
      ...store.deadLetters,
      insertIfAbsent: async () => Promise.reject(new StoreUnavailableError('down', { retryable: true })),
    };
    await expect(keeper(down as DeadLetterStore).keep(deadMessage('m-o1', {}))).rejects.toBeInstanceOf(StoreUnavailableError);
  });

  it('a store that refuses even the quarantined record (closed) is thrown too, never acked unrecorded', async () => {
    const closed = {
      ...store.deadLetters,
      insertIfAbsent: async () => Promise.reject(new StoreUnavailableError('closed', { retryable: false })),
    };
    await expect(keeper(closed as DeadLetterStore).keep(deadMessage('m-o2', {}))).rejects.toBeInstanceOf(StoreUnavailableError);
  });

  it('a refusal that is not a Warren error (say, a serialiser crash) is quarantined', async () => {
    let calls = 0;
    const picky = {
      ...store.deadLetters,
      insertIfAbsent: async (letter: Parameters<DeadLetterStore['insertIfAbsent']>[0]) => {
        if (calls++ === 0) throw new RangeError('Maximum call stack size exceeded');
        return store.deadLetters.insertIfAbsent(letter);
      },
    };
    await keeper(picky as DeadLetterStore).keep(deadMessage('m-r1', {}));
    expect((await store.deadLetters.get('m-r1'))?.errorMessage).toMatch(/RangeError: Maximum call stack/);
  });

  it('a notice that fails is thrown (retried after a backoff: its type may not be hosted yet); the record is kept once', async () => {
    tellError = new UnknownActorTypeError('session');
    const message = deadMessage('m-n1', { 'x-warren-target': 'session/dev~s1' });
    await expect(keeper().keep(message)).rejects.toBeInstanceOf(UnknownActorTypeError);
    tellError = undefined;
    await keeper().keep(message);
    expect(told).toHaveLength(1);
    expect((await store.deadLetters.list({ messageIds: ['m-n1'] })).items).toHaveLength(1);
  });
});
