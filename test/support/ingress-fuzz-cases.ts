// Generators of raw AMQP messages for warren.ingress, good and bad, for test/ingress-fuzz.e2e-spec.ts.
// An arbitrary yields a *shape* (what is wrong, random material); `materialise` turns it into one
// concrete message with a unique token, session id and task id, so its outcome can be found.
import fc from 'fast-check';

/** What Warren must do with a message. */
export type Expectation =
  /** Forwarded: a `reply` event with `data.taskId` = `taskId` arrives; no `failed` event, no dead letter. */
  | 'reply'
  /** Refused: a dead letter with the reason; a `failed` event on `session.<sessionId>.failed` when `readable`; no reply. */
  | 'refused'
  /** Part of a burst: a reply, or a `failed` event `WARREN_ACTOR_OVERLOADED` and a dead letter. */
  | 'reply-or-overloaded';

/** One message to publish and what must follow. */
export interface FuzzMessage {
  token: string;
  routingKey: string;
  body: Buffer;
  headers: Record<string, unknown>;
  properties: Record<string, unknown>;
  expect: Expectation;
  /** The routing key's session id (the second word). */
  sessionId: string;
  /** True when `sessionId` is a valid session id (then a `failed` event is due for a refusal). */
  readable: boolean;
  /** The CloudEvent id of a good message. */
  taskId?: string;
  /** What was wrong with a refused one (for failure reports). */
  flaws: string[];
  /** Index in its burst (bursts only). */
  seq?: number;
}

const SESSION_ID = /^[A-Za-z0-9_-]{1,128}$/;
/** Placeholder of a nested array `depth` levels deep, spliced into a body. */
const DEEP = '__deep__';
const MAX_TEXT = 200;

/** AMQP properties a producer may set (no `user_id` but its own, no `expiration`: the broker would refuse or drop). */
const properties = fc.record(
  {
    messageId: fc.string({ maxLength: 60 }),
    type: fc.string({ maxLength: 40 }),
    contentType: fc.constantFrom('application/cloudevents+json', 'application/json', 'text/plain; charset=latin1', 'x/y'),
    contentEncoding: fc.constantFrom('gzip', 'identity', 'utf-8'),
    correlationId: fc.string({ maxLength: 40 }),
    // Not amq.rabbitmq.reply-to: the broker closes the channel of a producer that does not consume it.
    replyTo: fc.constantFrom('nowhere', 'replies.rtc-1'),
    appId: fc.string({ maxLength: 20 }),
    priority: fc.integer({ min: 0, max: 9 }),
    timestamp: fc.integer({ min: 0, max: 2 ** 31 }),
    userId: fc.constant('guest'),
  },
  { requiredKeys: [] },
);

/** Producer headers that are harmless (none of Warren's own). */
const junkHeaders = fc.dictionary(
  fc.stringMatching(/^x-r-[a-z0-9-]{1,12}$/),
  fc.oneof(
    fc.string({ maxLength: 80 }),
    fc.integer(),
    fc.boolean(),
    fc.dictionary(fc.stringMatching(/^[a-z]{1,6}$/), fc.string({ maxLength: 10 }), { maxKeys: 3 }),
  ),
  { maxKeys: 4 },
);

/** Traceparent that may or may not be valid: never a reason to refuse. */
const traceHeaders = fc.option(
  fc.record({
    traceparent: fc.oneof(fc.constant('00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01'), fc.string({ maxLength: 60 })),
  }),
  { nil: undefined },
);

const goodData = fc.record(
  {
    text: fc.string({ unit: 'grapheme', minLength: 1, maxLength: 40 }).filter((t) => t.length <= MAX_TEXT),
    userId: fc.string({ maxLength: 30 }),
    locale: fc.constantFrom('en', 'en-GB', 'de-DE', 'pt-BR'),
    channel: fc.constantFrom('voice', 'text'),
  },
  { requiredKeys: ['text'] },
);

/** A good message's shape: valid everything, random harmless extras. */
export const goodShape = fc.record({
  idStem: fc.stringMatching(/^[A-Za-z0-9._:~!$-]{1,40}$/),
  source: fc.constantFrom('rtc://edge-1', 'urn:voice:gw-7', 'test/rtc', 'https://rtc.example.com/a?b=c'),
  data: goodData,
  extensions: fc.dictionary(fc.stringMatching(/^[a-z]{1,10}$/), fc.jsonValue({ maxDepth: 2 }), { maxKeys: 2 }),
  headers: junkHeaders,
  trace: traceHeaders,
  properties,
});
export type GoodShape = typeof goodShape extends fc.Arbitrary<infer T> ? T : never;

/** One thing wrong with a message; a bad shape has one to three. */
const flaw = fc.oneof(
  // The body.
  fc.record({ on: fc.constant('body' as const), body: fc.uint8Array({ minLength: 0, maxLength: 2000 }).map((b) => Buffer.from(b)) }),
  fc.record({ on: fc.constant('body' as const), body: fc.string({ maxLength: 200 }).map((s) => Buffer.from(`{${s}`)) }),
  fc.record({
    on: fc.constant('body' as const),
    body: fc
      .jsonValue({ maxDepth: 3 })
      .filter((v) => v === null || typeof v !== 'object' || Array.isArray(v))
      .map((v) => Buffer.from(JSON.stringify(v) ?? 'null')),
  }),
  fc.record({
    on: fc.constant('body' as const),
    body: fc.integer({ min: 1_000, max: 20_000 }).map((d) => Buffer.from(`${'['.repeat(d)}${']'.repeat(d)}`)),
  }),
  // CloudEvent attributes.
  fc.record({
    on: fc.constant('id' as const),
    value: fc.oneof(
      fc.constant(undefined),
      fc.constant(''),
      fc.integer(),
      fc.constant(null),
      fc.string({ minLength: 129, maxLength: 600 }),
      fc.string({ minLength: 1, maxLength: 20 }).map((s) => `${s} \u0000\n${s}`),
      fc.string({ unit: 'grapheme', minLength: 1, maxLength: 10 }).map((s) => `é${s}`),
      fc.constant({ nested: 'id' }),
    ),
  }),
  fc.record({
    on: fc.constant('specversion' as const),
    value: fc.oneof(
      fc.constant(undefined),
      fc.constant('0.3'),
      fc.constant(1),
      fc.string({ maxLength: 5 }).filter((s) => s !== '1.0'),
    ),
  }),
  fc.record({
    on: fc.constant('type' as const),
    value: fc.oneof(
      fc.constant(undefined),
      fc.constant('warren.session.reply'),
      fc.constant(''),
      fc.string({ maxLength: 300 }).filter((s) => !/^warren\.session\.(message|interrupt)$/.test(s)),
    ),
  }),
  fc.record({
    on: fc.constant('source' as const),
    value: fc.oneof(
      fc.constant(undefined),
      fc.constant(''),
      fc.constant(7),
      fc.constant('rtc://a b'),
      fc.string({ minLength: 257, maxLength: 700 }),
    ),
  }),
  fc.record({
    on: fc.constant('subject' as const),
    value: fc.oneof(fc.integer(), fc.constant({ s: 1 }), fc.string({ minLength: 513, maxLength: 600 })),
  }),
  // The data.
  fc.record({
    on: fc.constant('data' as const),
    value: fc.oneof(
      fc.constant(undefined),
      fc.constant({}),
      fc.record({ text: fc.integer() }),
      fc.record({ txt: fc.string() }),
      fc.record({ text: fc.string({ minLength: MAX_TEXT + 1, maxLength: 400 }).filter((t) => t.length > MAX_TEXT) }),
      fc.record({ text: fc.constant('hi'), extra: fc.jsonValue() }),
      fc.record({ text: fc.constant('hi'), locale: fc.constant('not a locale') }),
      fc.record({ text: fc.constant('hi'), channel: fc.constant('fax') }),
      // Spliced into the body as text (see `materialiseBad`): too deep for JSON.stringify here.
      fc.record({ text: fc.constant('hi'), deep: fc.integer({ min: 100, max: 20_000 }).map((d) => `${DEEP}${d}`) }),
      fc.jsonValue().filter((v) => v === null || typeof v !== 'object' || Array.isArray(v)),
    ),
  }),
  // The routing key.
  fc.record({
    on: fc.constant('session' as const),
    value: fc.oneof(
      fc.constant(''),
      fc.constant('a b'),
      fc.constant('*'),
      fc.constant('#'),
      fc.constant('tenant~id'),
      fc
        .string({ unit: 'grapheme', minLength: 1, maxLength: 20 })
        .map((s) => `ü${s}`.replaceAll('.', ''))
        .filter((s) => Buffer.byteLength(s) <= 200),
      fc.stringMatching(/^[A-Za-z0-9_-]{129,180}$/),
    ),
  }),
  fc.record({
    on: fc.constant('kind' as const),
    value: fc.oneof(
      fc.constant('reply'),
      fc.constant('interrupt'),
      fc.stringMatching(/^[a-z]{1,10}$/).filter((k) => k !== 'message'),
    ),
  }),
);

/**
 * Extras that only travel with a real flaw: headers too big to dead-letter as they are (65 kB: amqplib
 * encodes at most 64 KiB of headers, so the producer's pass and the dead letter's do not), or
 * Warren's own headers set by a producer (one or the other: together they would not even go out).
 */
interface BadExtras {
  hugeHeader?: string;
  warrenHeaders?: Record<string, unknown>;
}
const badExtras: fc.Arbitrary<BadExtras> = fc.oneof(
  fc.constant<BadExtras>({}),
  fc.constant<BadExtras>({ hugeHeader: 'p'.repeat(65_000) }),
  fc.record<BadExtras>({
    warrenHeaders: fc.record(
      {
        'x-warren-sender': fc.string({ minLength: 500, maxLength: 700 }),
        'x-warren-target': fc.oneof(fc.constant('session/'), fc.constant('a b/c'), fc.string({ maxLength: 40 })),
        'x-warren-task-id': fc.string({ minLength: 513, maxLength: 600 }),
        'x-warren-replay-of': fc.string({ maxLength: 700 }),
        'x-warren-attempt': fc.oneof(fc.constant('abc'), fc.integer({ min: -5, max: 99 })),
        'x-warren-attempts': fc.oneof(
          fc.constant('junk'),
          fc.array(fc.dictionary(fc.constantFrom('code', 'message', 'attempt'), fc.string({ maxLength: 30 })), { maxLength: 3 }),
        ),
      },
      { requiredKeys: [] },
    ),
  }),
);

/** A bad message's shape: a good one with one to three flaws and maybe hostile extras. */
export const badShape = fc.record({ base: goodShape, flaws: fc.array(flaw, { minLength: 1, maxLength: 3 }), extras: badExtras });
export type BadShape = typeof badShape extends fc.Arbitrary<infer T> ? T : never;

/** A burst of good messages to one session, published at once (the router's mailbox overflows). */
export const burstShape = fc.record({ size: fc.integer({ min: 10, max: 40 }), base: goodShape });
export type BurstShape = typeof burstShape extends fc.Arbitrary<infer T> ? T : never;

/** A batch: good and bad messages in random order, and a few bursts. */
export const batchShape = fc.record({
  items: fc.array(
    fc.oneof({ arbitrary: goodShape.map((g) => ({ good: g })), weight: 2 }, { arbitrary: badShape.map((b) => ({ bad: b })), weight: 3 }),
    {
      minLength: 150,
      maxLength: 300,
    },
  ),
  bursts: fc.array(burstShape, { minLength: 1, maxLength: 2 }),
});
export type BatchShape = typeof batchShape extends fc.Arbitrary<infer T> ? T : never;

function envelope(g: GoodShape, id: string): Record<string, unknown> {
  return { ...g.extensions, specversion: '1.0', id, source: g.source, type: 'warren.session.message', data: g.data };
}

function headersOf(g: GoodShape, token: string): Record<string, unknown> {
  return { ...g.headers, ...(g.trace ?? {}), 'x-fuzz': token };
}

/** A good message with a unique session and task id. */
export function materialiseGood(g: GoodShape, token: string): FuzzMessage {
  const sessionId = `g${token}`;
  const taskId = `${g.idStem}-${token}`;
  return {
    token,
    routingKey: `session.${sessionId}.message`,
    body: Buffer.from(JSON.stringify(envelope(g, taskId))),
    headers: headersOf(g, token),
    properties: { ...g.properties, messageId: token },
    expect: 'reply',
    sessionId,
    readable: true,
    taskId,
    flaws: [],
  };
}

/** A bad message: a unique valid session id unless the routing key is what is wrong. */
export function materialiseBad(b: BadShape, token: string): FuzzMessage {
  const event = envelope(b.base, `${b.base.idStem}-${token}`);
  let sessionId = `b${token}`;
  let kind = 'message';
  let body: Buffer | undefined;
  for (const f of b.flaws) {
    if (f.on === 'body') body = f.body;
    else if (f.on === 'session') sessionId = f.value;
    else if (f.on === 'kind') kind = f.value;
    else if (f.value === undefined) delete event[f.on];
    // A string id keeps its flaw (too long, control characters, not ASCII) and gets the token, so
    // that two bad messages never share an id (the keeper records one dead letter per id).
    else if (f.on === 'id' && typeof f.value === 'string' && f.value.length > 0) event.id = `${f.value}${token}`;
    else event[f.on] = f.value;
  }
  const headers: Record<string, unknown> = { ...headersOf(b.base, token), ...(b.extras.warrenHeaders ?? {}) };
  if (b.extras.hugeHeader) headers['x-padding'] = b.extras.hugeHeader;
  return {
    token,
    routingKey: `session.${sessionId}.${kind}`,
    body: body ?? Buffer.from(deepen(JSON.stringify(event))),
    headers,
    properties: { ...b.base.properties, messageId: token },
    expect: 'refused',
    sessionId,
    readable: SESSION_ID.test(sessionId),
    flaws: b.flaws.map((f) => `${f.on}${'value' in f ? `=${JSON.stringify(f.value)?.slice(0, 40)}` : ''}`),
  };
}

function deepen(json: string): string {
  return json.replace(new RegExp(`"${DEEP}(\\d+)"`), (_m, d: string) => `${'['.repeat(Number(d))}${']'.repeat(Number(d))}`);
}

/** A burst's messages: one session, ids in order; `token(seq)` names each. */
export function materialiseBurst(s: BurstShape, sessionId: string, token: (seq: number) => string): FuzzMessage[] {
  return Array.from({ length: s.size }, (_, seq) => {
    const taskId = `burst-${token(seq)}`;
    return {
      token: token(seq),
      routingKey: `session.${sessionId}.message`,
      body: Buffer.from(JSON.stringify(envelope({ ...s.base, data: { text: `b${seq}` } }, taskId))),
      headers: { 'x-fuzz': token(seq) },
      properties: { messageId: token(seq) },
      expect: 'reply-or-overloaded' as const,
      sessionId,
      readable: true,
      taskId,
      flaws: [],
      seq,
    };
  });
}
