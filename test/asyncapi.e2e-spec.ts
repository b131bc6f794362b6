// The public wire contract, docs/asyncapi.yaml: the session contract for RTC and voice servers and the raw
// actor protocol (entity exchanges, worker and request pools, replies). It parses, names every routing key
// and exchange, and its JSON Schemas accept the documented examples and refuse what Warren rejects.
// No broker needed; it lives in test/ (so in the e2e project) because it checks a document, not a unit.
import { type AsyncAPIDocumentInterface } from '@asyncapi/parser';
import { AMQP_DEFAULTS } from '@warren/amqp';
import {
  KNOWLEDGE_EVENT_TYPES,
  KNOWLEDGE_ROUTING_KEYS,
  KnowledgeDelete,
  KnowledgeUpsert,
  LimiterAcquire,
  ModelComplete,
  REPLY_TYPES,
  SESSION_EVENT_KINDS,
  SESSION_EVENT_TYPES,
  SESSION_ID_PATTERN,
  SessionInterrupt,
  SessionMessage,
  ToolCall,
} from '@warren/contracts';
import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import { loadWireContract, type WireContract } from './support/asyncapi';

const SESSION_ID = '^[A-Za-z0-9_-]{1,128}$';
const INGRESS_KINDS = ['message', 'interrupt'] as const;
const EVENT_KINDS = ['delta', 'reply', 'failed', 'interrupted', 'switched', 'proactive'] as const;
/** The raw actor protocol's channels: entity exchanges, worker pools, request pools; replies have no fixed address. */
const ACTOR_ADDRESSES = ['{actorKey}', '{actorType}.{poolKey}', 'rpc.{actorType}.{poolKey}'];
const ACTOR_MESSAGE = 'warren.actor.message';

let document: AsyncAPIDocumentInterface;
let contract: WireContract;

beforeAll(async () => {
  contract = await loadWireContract();
  document = contract.document;
});

/** Validates a body (and AMQP headers) against the schemas of message `warren.session.<kind>`. */
const check = (kind: string, payload: unknown, headers: unknown = {}): string[] => contract.check(kind, payload, headers);

/** The first documented example of message `warren.session.<kind>`. */
function example(kind: string): { payload: Record<string, unknown>; headers: Record<string, unknown> } {
  const message = document
    .components()
    .messages()
    .all()
    .find((m) => m.name() === `warren.session.${kind}`);
  const first = message?.examples().all()[0];
  if (!first) throw new Error(`message warren.session.${kind} has no example`);
  return { payload: structuredClone(first.payload() as Record<string, unknown>), headers: { ...(first.headers() ?? {}) } };
}

const event = (kind: string, data: unknown, extra: Record<string, unknown> = {}) => ({
  ...example(kind).payload,
  data,
  ...extra,
});

describe('docs/asyncapi.yaml', () => {
  test('is a valid AsyncAPI 3 document with CloudEvents JSON as the content type', () => {
    expect(document.version()).toMatch(/^3\./);
    expect(document.defaultContentType()).toBe('application/cloudevents+json');
    for (const message of document.components().messages().all()) {
      expect(message.contentType()).toBe('application/cloudevents+json');
    }
  });

  test.each(INGRESS_KINDS.map((k) => [`session.<sessionId>.${k}`, k]))('%s is received on topic exchange warren.ingress', (_key, kind) => {
    const channel = document
      .channels()
      .all()
      .find((c) => c.address() === `session.{sessionId}.${kind}`);
    expect(channel).toBeDefined();
    expect(channel?.bindings().get('amqp')?.value()).toMatchObject({
      is: 'routingKey',
      exchange: { name: 'warren.ingress', type: 'topic', durable: true },
    });
    const operations = channel?.operations().all() ?? [];
    expect(operations.map((o) => o.action())).toEqual(['receive']);
    expect(operations[0].bindings().get('amqp')?.value()).toMatchObject({ deliveryMode: 2 });
    expect(channel?.messages().all()[0]?.name()).toBe(`warren.session.${kind}`);
  });

  test.each(EVENT_KINDS.map((k) => [`session.<sessionId>.${k}`, k]))('%s is sent on topic exchange warren.events', (_key, kind) => {
    const channel = document
      .channels()
      .all()
      .find((c) => c.address() === `session.{sessionId}.${kind}`);
    expect(channel).toBeDefined();
    expect(channel?.bindings().get('amqp')?.value()).toMatchObject({
      is: 'routingKey',
      exchange: { name: 'warren.events', type: 'topic', durable: true },
    });
    expect(
      channel
        ?.operations()
        .all()
        .map((o) => o.action()),
    ).toEqual(['send']);
    expect(channel?.messages().all()[0]?.name()).toBe(`warren.session.${kind}`);
  });

  test('documents exactly the routing keys and CloudEvents types of the code', () => {
    expect([...SESSION_EVENT_KINDS]).toEqual([...EVENT_KINDS]);
    const addresses = document
      .channels()
      .all()
      .map((c) => c.address());
    expect(addresses.filter((a) => a?.startsWith('session.')).sort()).toEqual(
      [...INGRESS_KINDS, ...EVENT_KINDS].map((k) => `session.{sessionId}.${k}`).sort(),
    );
    expect(addresses.filter((a) => !a?.startsWith('session.')).sort()).toEqual(
      [...ACTOR_ADDRESSES, ...Object.values(KNOWLEDGE_ROUTING_KEYS), null].sort(),
    );
    const names = document
      .components()
      .messages()
      .all()
      .map((m) => m.name());
    expect(names.sort()).toEqual(
      [...Object.values(SESSION_EVENT_TYPES), ...Object.values(REPLY_TYPES), ...Object.values(KNOWLEDGE_EVENT_TYPES), ACTOR_MESSAGE].sort(),
    );
    for (const message of document.components().messages().all()) {
      if (message.name() === ACTOR_MESSAGE) continue; // any type: the message class's name
      expect(message.bindings().get('amqp')?.value()).toMatchObject({ messageType: message.name() });
    }
  });

  test(`the session id pattern is ${SESSION_ID}, the same as the code's`, () => {
    expect(SESSION_ID_PATTERN.source).toBe(SESSION_ID);
    expect(document.components().schemas().get('SessionId')?.pattern()).toBe(SESSION_ID);
    for (const channel of document.channels().all()) {
      if (!channel.address()?.startsWith('session.')) continue; // the actor protocol's channels
      expect(channel.parameters().get('sessionId')?.description()).toContain(`\`${SESSION_ID}\``);
    }
    expect(document.info().description()).toContain(SESSION_ID);
  });

  test('info.description states the rules: ids, tenant, vhost, confirms, events, invalid messages', () => {
    const text = document.info().description() ?? '';
    for (const phrase of [
      'warren.ingress',
      'warren.events',
      'publisher confirms',
      'is the same task, not a new one',
      '`user_id`',
      'default tenant `dev`',
      'never read from the body',
      'A vhost per tenant',
      'session.*.reply',
      'session.<id>.#',
      'dead-lettered',
      'WARREN_INVALID_MESSAGE',
      'traceparent',
    ]) {
      expect(text).toContain(phrase);
    }
  });

  test.each([...INGRESS_KINDS, ...EVENT_KINDS])('the example of warren.session.%s is valid against its schemas', (kind) => {
    const { payload, headers } = example(kind);
    expect(payload.type).toBe(`warren.session.${kind}`);
    expect(check(kind, payload, headers)).toEqual([]);
  });

  test('every example of every message is valid', () => {
    for (const message of document.components().messages().all()) {
      for (const ex of message.examples().all()) {
        const errors = contract.checkMessage(message.name() as string, ex.payload(), ex.headers() ?? {});
        expect({ example: ex.name(), errors }).toEqual({ example: ex.name(), errors: [] });
      }
    }
  });

  test('knowledge changes are received on topic exchange warren.knowledge; their schemas agree with the classes', () => {
    for (const [key, type] of [
      [KNOWLEDGE_ROUTING_KEYS.UPSERT, KNOWLEDGE_EVENT_TYPES.UPSERT],
      [KNOWLEDGE_ROUTING_KEYS.DELETE, KNOWLEDGE_EVENT_TYPES.DELETE],
    ]) {
      const channel = document
        .channels()
        .all()
        .find((c) => c.address() === key);
      expect(channel?.bindings().get('amqp')?.value()).toMatchObject({
        is: 'routingKey',
        exchange: { name: 'warren.knowledge', type: 'topic', durable: true },
      });
      expect(
        channel
          ?.operations()
          .all()
          .map((o) => o.action()),
      ).toEqual(['receive']);
      expect(channel?.messages().all()[0]?.name()).toBe(type);
    }
    const classValid = (cls: new () => object, data: object) =>
      validateSync(plainToInstance(cls, data), { whitelist: true, forbidNonWhitelisted: true, forbidUnknownValues: false }).length === 0;
    const envelope = (type: string, data: object) => ({ specversion: '1.0', id: 'e-1', source: 'cdc://x', type, data });
    const upserts: [object, boolean][] = [
      [{ id: 'd', text: 'hello', version: 1 }, true],
      [{ tenant: 'acme', id: 'd', collection: 'faq', title: 'T', text: '', metadata: { a: 1 }, version: 0 }, true],
      [{ id: 'd', text: 'hello' }, false],
      [{ id: 'd', text: 'hello', version: -1 }, false],
      [{ id: 'd', text: 'hello', version: 1.5 }, false],
      [{ id: '', text: 'hello', version: 1 }, false],
      [{ id: 'd', text: 'hello', version: 1, collection: 'a b' }, false],
      [{ id: 'd', text: 'hello', version: 1, extra: true }, false],
    ];
    for (const [data, valid] of upserts) {
      const schema = contract.checkMessage(KNOWLEDGE_EVENT_TYPES.UPSERT, envelope(KNOWLEDGE_EVENT_TYPES.UPSERT, data)).length === 0;
      expect({ data, schema }).toEqual({ data, schema: valid });
      expect({ data, class: classValid(KnowledgeUpsert, data) }).toEqual({ data, class: valid });
    }
    const deletes: [object, boolean][] = [
      [{ id: 'd', version: 3 }, true],
      [{ tenant: 'acme', id: 'd', version: 0 }, true],
      [{ id: 'd' }, false],
      [{ id: 'd', version: 3, text: 'x' }, false],
    ];
    for (const [data, valid] of deletes) {
      const schema = contract.checkMessage(KNOWLEDGE_EVENT_TYPES.DELETE, envelope(KNOWLEDGE_EVENT_TYPES.DELETE, data)).length === 0;
      expect({ data, schema }).toEqual({ data, schema: valid });
      expect({ data, class: classValid(KnowledgeDelete, data) }).toEqual({ data, class: valid });
    }
  });

  test('the ingress data schemas agree with the message classes Warren validates with', () => {
    const classValid = (cls: new () => object, data: object) =>
      validateSync(plainToInstance(cls, data), { whitelist: true, forbidNonWhitelisted: true, forbidUnknownValues: false }).length === 0;
    const messages: [object, boolean][] = [
      [example('message').payload.data as object, true],
      [{ text: 'hi' }, true],
      [{ text: 'hi', locale: 'pt-BR', channel: 'text', userId: 'u1' }, true],
      [{}, false],
      [{ text: 42 }, false],
      [{ text: '' }, false],
      [{ text: 'hi', channel: 'video' }, false],
      [{ text: 'hi', locale: 'english please' }, false],
      [{ text: 'hi', tenant: 'acme' }, false],
      [{ text: 'hi', userId: 'u'.repeat(257) }, false],
    ];
    for (const [data, valid] of messages) {
      expect({ data, schema: check('message', event('message', data)).length === 0 }).toEqual({ data, schema: valid });
      expect({ data, class: classValid(SessionMessage, data) }).toEqual({ data, class: valid });
    }
    const interrupts: [object, boolean][] = [
      [{}, true],
      [{ taskId: 't-1' }, true],
      [{ taskId: 7 }, false],
      [{ taskId: 't'.repeat(257) }, false],
      [{ task: 't-1' }, false],
    ];
    for (const [data, valid] of interrupts) {
      expect({ data, schema: check('interrupt', event('interrupt', data)).length === 0 }).toEqual({ data, schema: valid });
      expect({ data, class: classValid(SessionInterrupt, data) }).toEqual({ data, class: valid });
    }
  });

  test('the envelope schemas refuse what is not a structured CloudEvent of the right type', () => {
    const body = example('message').payload;
    const without = (key: string) => Object.fromEntries(Object.entries(body).filter(([k]) => k !== key));
    expect(check('message', without('specversion'))).not.toEqual([]);
    expect(check('message', without('id'))).not.toEqual([]);
    expect(check('message', without('source'))).not.toEqual([]);
    expect(check('message', without('data'))).not.toEqual([]);
    expect(check('message', { ...body, specversion: '0.3' })).not.toEqual([]);
    expect(check('message', { ...body, type: 'warren.session.interrupt' })).not.toEqual([]);
    expect(check('message', { ...body, data_base64: 'aGk=' })).not.toEqual([]);
    expect(check('message', { ...body, time: 'yesterday' })).not.toEqual([]);
    expect(check('message', body, { traceparent: 'not-a-trace' })).not.toEqual([]);
    const { data: _data, ...interruptWithoutData } = example('interrupt').payload;
    expect(check('interrupt', interruptWithoutData)).toEqual([]); // data may be left out: stop the turn in progress
  });

  test('event schemas require the session id as subject, traceparent, and the documented data', () => {
    const reply = example('reply');
    expect(check('reply', reply.payload, reply.headers)).toEqual([]);
    expect(check('reply', reply.payload, {})).not.toEqual([]); // traceparent is required on events
    for (const subject of ['a.b', 'a*', 'a#', '', 'x'.repeat(129)]) {
      expect(check('reply', { ...reply.payload, subject }, reply.headers)).not.toEqual([]);
    }
    expect(check('reply', { ...reply.payload, subject: 'x'.repeat(128) }, reply.headers)).toEqual([]);
    const data = reply.payload.data as Record<string, unknown>;
    expect(check('reply', { ...reply.payload, data: { ...data, usage: { promptTokens: 1 } } }, reply.headers)).not.toEqual([]);

    const delta = example('delta');
    const deltaData = delta.payload.data as Record<string, unknown>;
    for (const seq of [-1, 1.5, '0']) {
      expect(check('delta', { ...delta.payload, data: { ...deltaData, seq } }, delta.headers)).not.toEqual([]);
    }

    const failed = example('failed');
    const failedData = failed.payload.data as Record<string, unknown>;
    for (const code of ['WARREN_INVALID_MESSAGE', 'WARREN_RATE_LIMITED', 'WARREN_BUDGET_EXCEEDED', 'WARREN_MODEL_UNAVAILABLE']) {
      expect(check('failed', { ...failed.payload, data: { ...failedData, code } }, failed.headers)).toEqual([]);
    }
    expect(check('failed', { ...failed.payload, data: { ...failedData, code: 'RATE_LIMITED' } }, failed.headers)).not.toEqual([]);
    expect(check('failed', { ...failed.payload, data: { ...failedData, retryAfterMs: -5 } }, failed.headers)).not.toEqual([]);

    // Consumers must ignore fields added later.
    expect(check('reply', { ...reply.payload, data: { ...data, finishReason: 'stop' } }, reply.headers)).toEqual([]);
  });
});

describe('docs/asyncapi.yaml: the raw actor protocol', () => {
  const channel = (address: string | null) =>
    document
      .channels()
      .all()
      .find((c) => c.address() === address);
  const exchangeOf = (address: string | null) =>
    (channel(address)?.bindings().get('amqp')?.value() as { exchange?: Record<string, unknown> } | undefined)?.exchange;

  test('entity actors on warren.actors.<type> (routing key = actor key), pools on the direct exchange warren.workers', () => {
    expect(exchangeOf('{actorKey}')).toMatchObject({ name: 'warren.actors.<actorType>', durable: true });
    expect(exchangeOf('{actorType}.{poolKey}')).toMatchObject({ name: 'warren.workers', type: 'direct' });
    expect(exchangeOf('rpc.{actorType}.{poolKey}')).toMatchObject({ name: 'warren.workers', type: 'direct' });
    for (const address of ACTOR_ADDRESSES) {
      const ops = channel(address)?.operations().all() ?? [];
      expect(ops.map((o) => o.action())).toEqual(['receive']);
      expect(ops[0]?.reply()?.channel()?.id()).toBe('actorReply');
    }
    expect(
      channel(null)
        ?.operations()
        .all()
        .map((o) => o.action()),
    ).toEqual(['send']);
  });

  test("the request pools are the transport's default request types, their routing key rpc.<type>.<key>", () => {
    const requestType = channel('rpc.{actorType}.{poolKey}')?.parameters().get('actorType');
    expect((requestType?.json() as { enum?: string[] } | undefined)?.enum).toEqual(AMQP_DEFAULTS.requestPools);
    const description = document.info().description() ?? '';
    expect(description).toContain('routing key `rpc.<type>.<key>`');
    expect(description).toContain('`warren.worker.<type>.<key>`');
  });

  test('the example messages validate against the classes of the actors they name', () => {
    const examples = Object.fromEntries(
      (
        document
          .components()
          .messages()
          .all()
          .find((m) => m.name() === ACTOR_MESSAGE)
          ?.examples()
          .all() ?? []
      ).map((e) => [e.name(), e.payload() as { type: string; data: object }]),
    );
    const classValid = (cls: new () => object, data: object) =>
      validateSync(plainToInstance(cls, data), { whitelist: true, forbidNonWhitelisted: true, forbidUnknownValues: false });
    expect(examples['model-complete']?.type).toBe('warren.model.complete');
    expect(classValid(ModelComplete, examples['model-complete']?.data as object)).toEqual([]);
    expect(examples['tool-call']?.type).toBe('warren.tool.call');
    expect(classValid(ToolCall, examples['tool-call']?.data as object)).toEqual([]);
    expect(examples['limiter-acquire']?.type).toBe('warren.limiter.acquire');
    expect(classValid(LimiterAcquire, examples['limiter-acquire']?.data as object)).toEqual([]);
  });

  test('replies: ok and error bodies as the transport sends them, chunks and an end for a stream', () => {
    const base = { specversion: '1.0', id: 'r1', source: 'warren://node/n' };
    expect(contract.checkMessage(REPLY_TYPES.OK, { ...base, type: REPLY_TYPES.OK, data: { ok: true, value: 5 } })).toEqual([]);
    const error = { code: 'WARREN_ASK_TIMEOUT', name: 'AskTimeoutError', message: 'no reply', retryable: true };
    expect(contract.checkMessage(REPLY_TYPES.ERROR, { ...base, type: REPLY_TYPES.ERROR, data: { ok: false, error } })).toEqual([]);
    expect(
      contract.checkMessage(REPLY_TYPES.ERROR, { ...base, type: REPLY_TYPES.ERROR, data: { ok: false, error: { code: 'X' } } }),
    ).not.toEqual([]);
    expect(contract.checkMessage(REPLY_TYPES.END, { ...base, type: REPLY_TYPES.END, data: { ok: false, error } })).toEqual([]);
    expect(contract.checkMessage(REPLY_TYPES.END, { ...base, type: REPLY_TYPES.END, data: { ok: 'yes' } })).not.toEqual([]);
    expect(contract.checkMessage(ACTOR_MESSAGE, { ...base, type: 'Not A Type', data: {} })).not.toEqual([]);
  });
});
