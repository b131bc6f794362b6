// Generated HTTP requests for the gateway's property-based fuzzing (test/gateway-fuzz.e2e-spec.ts):
// good ones (a session message, a chat completion) and bad ones with exactly one known defect
// (body, header, field, session id, key), each carrying the answer it must get; plus loose ones
// (any method, path, key and body under /v1) that must only never get a 5xx.
import { gzipSync } from 'node:zlib';
import * as fc from 'fast-check';
import { isOpenAiPath } from '../../apps/gateway/src/http/gateway-paths';
import { jsonBodyProblem, MAX_BODY_BYTES, MAX_CHAT_BODY_BYTES, MAX_JSON_DEPTH } from '../../apps/gateway/src/http/json-body';
import { ADMIN, DEV, OTHER } from './gateway-in-process';

/** The error body the route answers with: RFC 9457 problem details (`warren`) or OpenAI's `{ error }`. */
export type Shape = 'warren' | 'openai';

/** What the gateway must answer. */
export type Expectation =
  /** 202 `{ taskId }`, and the message reaches `session/<tenant>~<sessionId>`. */
  | { kind: 'accepted'; tenant: string; sessionId: string }
  /** 200: a `chat.completion`, or an SSE stream ending with `data: [DONE]`. */
  | { kind: 'completion'; stream: boolean }
  /** One of these 4xx statuses, with an error body of this shape. */
  | { kind: 'refused'; statuses: readonly number[]; shape: Shape }
  /** Anything but a 5xx (a 4xx with an error body of this shape). */
  | { kind: 'any'; shape: Shape };

export interface FuzzRequest {
  /** Which generator made it (shown on failure). */
  what: string;
  method: string;
  path: string;
  headers: Record<string, string>;
  body: Buffer;
  /** Sent with `Transfer-Encoding: chunked` instead of a Content-Length. */
  chunked: boolean;
  expect: Expectation;
}

/** A text the DTO and the test gateway's `maxTextLength` (50) accept. */
export const MAX_TEXT = 50;
const TENANT_KEYS: Record<string, string> = { dev: DEV, other: OTHER };
const GOOD_TYPES = ['application/json', 'application/json; charset=utf-8', 'Application/JSON', 'application/json;charset="UTF-8"'];
const CHAT_PATH = '/v1/chat/completions';

const visibleAscii = (min: number, max: number) =>
  fc.array(fc.integer({ min: 0x21, max: 0x7e }), { minLength: min, maxLength: max }).map((cs) => String.fromCharCode(...cs));
const sessionIds = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom('s1', 's2', 'fuzz-a', 'Fuzz_B') },
  { weight: 1, arbitrary: fc.stringMatching(/^[A-Za-z0-9_-]{1,128}$/) },
);
const tenants = fc.constantFrom('dev', 'other');
const bearer = (key: string) => ({ authorization: `Bearer ${key}` });
const nested = (depth: number, inner = '') => `${'['.repeat(depth)}${inner}${']'.repeat(depth)}`;
const json = (value: unknown) => Buffer.from(JSON.stringify(value));
const sessionPath = (id: string) => `/v1/sessions/${encodeURIComponent(id)}/messages`;

/** A body the session route accepts: `text` (1 to 50 characters), maybe `locale`, `userId`, `channel`. */
const goodSessionBody = fc.record(
  {
    text: fc.string({ unit: 'grapheme', maxLength: 30 }).map((s) => `t${s}`.slice(0, MAX_TEXT)),
    locale: fc.stringMatching(/^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8}){0,2}$/),
    userId: fc.string({ minLength: 1, maxLength: 40 }),
    channel: fc.constantFrom('voice', 'text'),
  },
  { requiredKeys: ['text'] },
);

/** How a client may spell JSON: compact or indented, maybe a byte order mark, maybe padded with spaces. */
interface Spelling {
  indent: 0 | 2;
  bom: boolean;
  pad: number;
}
const spellings = (limit: number): fc.Arbitrary<Spelling> =>
  fc.record({ indent: fc.constantFrom<0 | 2>(0, 2), bom: fc.boolean(), pad: fc.oneof(fc.constant(0), fc.nat(200), fc.nat(limit)) });

/** `value` as JSON spelled so, padded at most up to `limit` bytes. */
function spell(value: unknown, { indent, bom, pad }: Spelling, limit: number): Buffer {
  const text = JSON.stringify(value, null, indent);
  const bytes = Buffer.byteLength(text) + (bom ? 3 : 0);
  const padding = Buffer.alloc(Math.max(0, Math.min(pad, limit - bytes)), ' ');
  return Buffer.concat([bom ? Buffer.from([0xef, 0xbb, 0xbf]) : Buffer.alloc(0), Buffer.from(text), padding]);
}

/** Path spellings Express routes alike: as is, a trailing slash, a query, another case. */
type PathVariant = (path: string) => string;
const pathVariants = fc.constantFrom<PathVariant>(
  (p) => p,
  (p) => `${p}/`,
  (p) => `${p}?via=fuzz`,
  (p) => p.replace('/v1/', '/V1/'),
);

/** Headers a client may add that change nothing: `x-fuzz-*`, a `traceparent` (maybe garbage), `accept`. */
const noise = fc
  .record(
    {
      extra: fc.dictionary(fc.stringMatching(/^x-fuzz-[a-z0-9-]{1,12}$/), visibleAscii(0, 40), { maxKeys: 3 }),
      traceparent: fc.oneof(visibleAscii(1, 60), fc.constant('00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01')),
      accept: fc.constantFrom('*/*', 'application/json', 'text/html', 'nonsense'),
    },
    { requiredKeys: ['extra'] },
  )
  .map(({ extra, ...rest }) => ({ ...extra, ...rest }) as Record<string, string>);

/** A session message the gateway must accept: 202 and the message at the session. */
export const goodSessionMessage: fc.Arbitrary<FuzzRequest> = fc
  .record({
    tenant: tenants,
    sessionId: sessionIds,
    body: goodSessionBody,
    spelling: spellings(MAX_BODY_BYTES),
    type: fc.constantFrom(...GOOD_TYPES),
    identity: fc.boolean(),
    chunked: fc.boolean(),
    idempotencyKey: fc.option(fc.oneof(fc.uuid(), visibleAscii(1, 64))),
    variant: pathVariants,
    noise,
  })
  .map((r) => ({
    what: 'good session message',
    method: 'POST',
    path: r.variant(sessionPath(r.sessionId)),
    headers: {
      ...r.noise,
      ...bearer(TENANT_KEYS[r.tenant] as string),
      'content-type': r.type,
      ...(r.identity ? { 'content-encoding': 'identity' } : {}),
      ...(r.idempotencyKey === null ? {} : { 'idempotency-key': r.idempotencyKey }),
    },
    body: spell(r.body, r.spelling, MAX_BODY_BYTES),
    chunked: r.chunked,
    expect: { kind: 'accepted' as const, tenant: r.tenant, sessionId: r.sessionId },
  }));

const chatText = fc.string({ unit: 'grapheme', maxLength: 40 });
const chatContent = fc.oneof(
  chatText,
  fc.array(
    chatText.map((text) => ({ type: 'text', text })),
    { maxLength: 3 },
  ),
);
const chatMessage = fc.record({ role: fc.constantFrom('system', 'developer', 'user', 'assistant'), content: chatContent });
const KNOWN_CHAT_FIELDS = [
  'model',
  'messages',
  'stream',
  'stream_options',
  'max_tokens',
  'max_completion_tokens',
  'temperature',
  'user',
  'n',
  // Refused when present with another value than "what Warren does anyway" (see chat-request.ts).
  'tools',
  'tool_choice',
  'functions',
  'function_call',
  'response_format',
  'logprobs',
  'top_logprobs',
  'audio',
  'modalities',
  'prediction',
  'stop',
];

/** An OpenAI chat completions request the endpoint must answer with 200 (the stand-in chat pool answers any model). */
export const goodChatCompletion: fc.Arbitrary<FuzzRequest> = fc
  .record({
    fields: fc.record(
      {
        model: fc.oneof(fc.constantFrom('auto', 'local', 'voice'), fc.string({ minLength: 1, maxLength: 40 })),
        stream: fc.boolean(),
        stream_options: fc.record({ include_usage: fc.boolean() }),
        max_tokens: fc.integer({ min: 1, max: 1_000_000 }),
        temperature: fc.double({ min: 0, max: 2, noNaN: true }),
        user: fc.string({ minLength: 1, maxLength: 256 }),
        n: fc.constant(1),
      },
      { requiredKeys: ['model'] },
    ),
    before: fc.array(chatMessage, { maxLength: 3 }),
    user: chatContent,
    after: fc.array(chatMessage, { maxLength: 2 }),
    ignored: fc.dictionary(fc.string({ maxLength: 12 }), fc.jsonValue({ maxDepth: 3 }), { maxKeys: 3 }),
    spelling: spellings(MAX_CHAT_BODY_BYTES),
    tenant: tenants,
    chunked: fc.boolean(),
    variant: pathVariants,
  })
  .map((r): FuzzRequest => {
    // Fields OpenAI's API ignores when unknown (ours too), but none the gateway refuses as reserved (`__proto__`, …).
    const extras = Object.fromEntries(
      Object.entries(r.ignored).filter(
        ([k, v]) => !KNOWN_CHAT_FIELDS.includes(k) && jsonBodyProblem({ [k]: v }, MAX_JSON_DEPTH) === undefined,
      ),
    );
    const body = { ...extras, ...r.fields, messages: [...r.before, { role: 'user', content: r.user }, ...r.after] };
    return {
      what: 'good chat completion',
      method: 'POST',
      path: r.variant(CHAT_PATH),
      headers: { ...bearer(TENANT_KEYS[r.tenant] as string), 'content-type': 'application/json' },
      body: spell(body, r.spelling, MAX_CHAT_BODY_BYTES),
      chunked: r.chunked,
      expect: { kind: 'completion', stream: r.fields.stream === true },
    };
  });

/** A body defect and the status it must get on any route: the gateway reads bodies before routing, guards and pipes. */
interface BodyDefect {
  what: string;
  status: number;
  headers: Record<string, string>;
  body: Buffer;
  chunked: boolean;
}

function bodyDefects(limit: number): fc.Arbitrary<BodyDefect> {
  const good = json({ text: 'hello' });
  const type = { 'content-type': 'application/json' };
  const defect = (what: string, status: number, headers: Record<string, string>, body: Buffer, chunked = false): BodyDefect => ({
    what,
    status,
    headers,
    body,
    chunked,
  });
  const notJson = fc
    .oneof(
      fc.string({ unit: 'binary', minLength: 1, maxLength: 200 }),
      fc.jsonValue({ maxDepth: 2 }).map((v) => JSON.stringify(v) ?? 'x'),
      goodSessionBody.chain((b) => fc.nat(JSON.stringify(b).length - 1).map((n) => JSON.stringify(b).slice(0, n))),
    )
    .filter((s) => {
      const t = s.replace(/^\uFEFF/, '').trim();
      if (t === '') return false;
      try {
        const v: unknown = JSON.parse(t);
        return v === null || typeof v !== 'object';
      } catch {
        return true;
      }
    });
  return fc.oneof(
    fc
      .record({ over: fc.integer({ min: 1, max: 64 * 1024 }), chunked: fc.boolean() })
      .map(({ over, chunked }) => defect('body over the limit', 413, type, json({ text: 'x', pad: 'p'.repeat(limit + over) }), chunked)),
    fc
      .oneof(
        fc.constantFrom(
          'text/plain',
          'application/x-www-form-urlencoded',
          'multipart/form-data; boundary=x',
          'application/xml',
          'application/jsonx',
          'json',
          'application/json-patch+json',
        ),
        fc.stringMatching(/^[a-z]{1,12}\/[a-z0-9.+-]{1,16}$/).filter((t) => t !== 'application/json'),
      )
      .map((t) => defect(`content-type ${t}`, 415, { 'content-type': t }, good)),
    fc.boolean().map((chunked) => defect('no content-type', 415, {}, good, chunked)),
    fc
      .oneof(
        fc.constantFrom('latin1', 'iso-8859-1', 'utf-16', 'utf-16le', 'us-ascii', 'windows-1252', 'utf-7'),
        fc.stringMatching(/^[a-z0-9-]{1,12}$/),
      )
      .filter((c) => c !== 'utf-8' && c !== 'utf8')
      .map((c) => defect(`charset ${c}`, 415, { 'content-type': `application/json; charset=${c}` }, good)),
    fc
      .record({
        coding: fc.oneof(
          fc.constantFrom('gzip', 'deflate', 'br', 'compress', 'zstd', 'x-gzip', 'gzip, identity'),
          fc.stringMatching(/^[a-z0-9-]{1,10}$/),
        ),
        zipped: fc.boolean(),
      })
      .filter(({ coding }) => coding !== 'identity')
      .map(({ coding, zipped }) =>
        defect(`content-encoding ${coding}`, 415, { ...type, 'content-encoding': coding }, zipped ? gzipSync(good) : good),
      ),
    notJson.map((s) => defect('not JSON', 400, type, Buffer.from(s))),
    fc
      .record({ depth: fc.integer({ min: MAX_JSON_DEPTH + 1, max: 6000 }), inField: fc.boolean() })
      .map(({ depth, inField }) =>
        defect(`JSON ${depth} deep`, 400, type, Buffer.from(inField ? `{"text":"hi","x":${nested(depth - 1)}}` : nested(depth))),
      ),
  );
}

const ANY_KEY = fc.constantFrom<Record<string, string>>({}, bearer(DEV), bearer(ADMIN), bearer('not-a-key'), {
  authorization: 'Basic eDp5',
});

const BODY_DEFECTS = { small: bodyDefects(MAX_BODY_BYTES), chat: bodyDefects(MAX_CHAT_BODY_BYTES) };
const BODY_TARGETS: { path: string; shape: Shape }[] = [
  { path: '/v1/sessions/s1/messages', shape: 'warren' },
  { path: CHAT_PATH, shape: 'openai' },
  { path: '/v1/admin/dead-letters/replay', shape: 'warren' },
  // An unknown /v1 path is in the OpenAI namespace (an OpenAI client calling a route Warren lacks).
  { path: '/v1/nothing-here', shape: 'openai' },
  { path: '/health', shape: 'warren' },
];

/** A request with one body defect on any route (the session and chat routes, admin routes, unknown paths, outside /v1). */
const bodyDefectOn = (targets: { path: string; shape: Shape }[], defects: fc.Arbitrary<BodyDefect>) =>
  fc.record({
    target: fc.constantFrom(...targets),
    defect: defects,
    method: fc.constantFrom('POST', 'POST', 'PUT', 'PATCH', 'DELETE'),
    key: ANY_KEY,
  });

export const bodyDefect: fc.Arbitrary<FuzzRequest> = fc
  .oneof(
    {
      weight: 4,
      arbitrary: bodyDefectOn(
        BODY_TARGETS.filter((t) => t.path !== CHAT_PATH),
        BODY_DEFECTS.small,
      ),
    },
    {
      weight: 1,
      arbitrary: bodyDefectOn(
        BODY_TARGETS.filter((t) => t.path === CHAT_PATH),
        BODY_DEFECTS.chat,
      ),
    },
  )
  .map(
    ({ target, defect: d, method, key }): FuzzRequest => ({
      what: d.what,
      method,
      path: target.path,
      headers: { ...key, ...d.headers },
      body: d.body,
      chunked: d.chunked,
      expect: { kind: 'refused', statuses: [d.status], shape: target.shape },
    }),
  );

const notAString = fc.oneof(
  fc.integer(),
  fc.boolean(),
  fc.constant(null),
  fc.array(fc.string(), { maxLength: 2 }),
  fc.object({ maxDepth: 1 }),
);

/** A session message with one wrong field, session id, Idempotency-Key or key. */
interface SessionDefect {
  what: string;
  path: string;
  headers: Record<string, string>;
  body: unknown;
  statuses: number[];
}
const S1 = sessionPath('s1');
const fieldDefect = (what: string, body: unknown): SessionDefect => ({ what, path: S1, headers: {}, body, statuses: [400] });

/** A session message with one wrong field, session id, Idempotency-Key or key. */
export const sessionDefect: fc.Arbitrary<FuzzRequest> = fc
  .oneof<fc.Arbitrary<SessionDefect>[]>(
    fc.constantFrom({ text: '' }, {}, [{ text: 'hi' }], { text: 'hi', userId: 'u'.repeat(257) }).map((body) => fieldDefect('field', body)),
    notAString.map((text) => fieldDefect('text not a string', { text })),
    fc.integer({ min: MAX_TEXT + 1, max: 500 }).map((n) => fieldDefect('text too long', { text: 'x'.repeat(n) })),
    fc
      .oneof(
        fc.constantFrom('__proto__', 'constructor', 'prototype', 'tenant', 'taskId', 'toString'),
        fc.string({ minLength: 1, maxLength: 12 }),
      )
      .filter((k) => !['text', 'locale', 'userId', 'channel'].includes(k))
      .map((k) => fieldDefect(`unknown field ${k}`, JSON.parse(`{"text":"hi",${JSON.stringify(k)}:1}`))),
    fc
      .string({ maxLength: 12 })
      .filter((l) => !/^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$/.test(l))
      .map((locale) => fieldDefect('bad locale', { text: 'hi', locale })),
    fc
      .string({ maxLength: 8 })
      .filter((c) => c !== 'voice' && c !== 'text')
      .map((channel) => fieldDefect('bad channel', { text: 'hi', channel })),
    fc
      .oneof(
        fc.string({ unit: 'grapheme', maxLength: 20 }).filter((id) => !/^[A-Za-z0-9_-]{1,128}$/.test(id)),
        fc.integer({ min: 129, max: 200 }).map((n) => 'a'.repeat(n)),
      )
      .map((id) => ({
        what: `session id ${JSON.stringify(id)}`,
        path: sessionPath(id),
        headers: {},
        body: { text: 'hi' },
        statuses: [400, 404],
      })),
    fc
      .oneof(
        fc.constant(''),
        fc.tuple(visibleAscii(1, 10), fc.constantFrom('\t', 'é', '\u00ff', '\u0080'), visibleAscii(1, 10)).map((p) => p.join('')),
        visibleAscii(256, 300),
      )
      .map((key) => ({
        what: 'bad Idempotency-Key',
        path: S1,
        headers: { 'idempotency-key': key },
        body: { text: 'hi' },
        statuses: [400],
      })),
    fc
      .constantFrom<Record<string, string>>(
        { authorization: '' },
        bearer('not-a-key'),
        { authorization: 'dev-key' },
        { authorization: 'Basic eDp5' },
        { authorization: 'Bearer' },
      )
      .map((auth) => ({ what: 'bad key', path: S1, headers: auth, body: { text: 'hi' }, statuses: [401] })),
  )
  .map(
    (r): FuzzRequest => ({
      what: r.what,
      method: 'POST',
      path: r.path,
      headers: { ...bearer(DEV), 'content-type': 'application/json', ...r.headers },
      body: json(r.body),
      chunked: false,
      expect: { kind: 'refused', statuses: r.statuses, shape: 'warren' },
    }),
  );

/** A chat completions request with one wrong field (400, OpenAI's shape) or key (401). */
export const chatDefect: fc.Arbitrary<FuzzRequest> = fc
  .oneof(
    fc.constantFrom<[string, unknown]>(
      ['model', undefined],
      ['model', ''],
      ['model', 'm'.repeat(257)],
      ['messages', undefined],
      ['messages', []],
      ['messages', [{ role: 'system', content: 'no user' }]],
      ['messages', [{ role: 'tool', content: 'x' }]],
      ['messages', [{ role: 'user', content: [{ type: 'image_url', image_url: { url: 'x' } }] }]],
      ['messages', [{ role: 'user', content: 42 }]],
      ['messages', [null]],
      ['stream', 'yes'],
      ['stream_options', []],
      ['stream_options', { include_usage: 'yes' }],
      ['max_tokens', 0],
      ['max_tokens', 1.5],
      ['max_completion_tokens', 1_000_001],
      ['temperature', 2.5],
      ['temperature', -0.1],
      ['temperature', '1'],
      ['user', ''],
      ['user', 'u'.repeat(257)],
      ['n', 2],
      ['tools', [{ type: 'function', function: { name: 'f' } }]],
    ),
    notAString.map((v): [string, unknown] => ['model', v]),
    notAString.filter((v) => !Array.isArray(v)).map((v): [string, unknown] => ['messages', v]),
  )
  .map(([field, value]): FuzzRequest => {
    const body: Record<string, unknown> = { model: 'auto', messages: [{ role: 'user', content: 'hi' }], [field]: value };
    if (value === undefined) delete body[field];
    return {
      what: `chat ${field} ${JSON.stringify(value)?.slice(0, 40)}`,
      method: 'POST',
      path: CHAT_PATH,
      headers: { ...bearer(DEV), 'content-type': 'application/json' },
      body: json(body),
      chunked: false,
      expect: { kind: 'refused', statuses: [400], shape: 'openai' },
    };
  })
  .chain((r) =>
    fc.oneof(
      { weight: 4, arbitrary: fc.constant(r) },
      fc.constant<FuzzRequest>({
        ...r,
        what: 'chat without a key',
        headers: { 'content-type': 'application/json' },
        expect: { kind: 'refused', statuses: [401], shape: 'openai' },
      }),
    ),
  );

const SEGMENTS = [
  'sessions',
  'messages',
  'reminders',
  'tasks',
  'chat',
  'completions',
  'admin',
  'dead-letters',
  'audit',
  'endpoints',
  'stats',
  'replay',
  'discard',
  'restore',
  'purge',
  'edit',
  's1',
  '%2F',
  '..',
  'x',
];
const QUERIES = [
  '',
  '?limit=0',
  '?limit=abc',
  '?limit=5&order=up',
  '?cursor=%00',
  '?status=nope&from=yesterday',
  '?to=2026-13-45',
  '?text=%E2%82',
  '?taskId=',
];

/** Any method, a path under /v1 made of route words (never the SSE route), any key, any body: never a 5xx. */
export const anyRequest: fc.Arbitrary<FuzzRequest> = fc
  .record({
    method: fc.constantFrom('GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS'),
    segments: fc.array(fc.oneof({ weight: 5, arbitrary: fc.constantFrom(...SEGMENTS) }, fc.stringMatching(/^[A-Za-z0-9_.~-]{1,20}$/)), {
      minLength: 0,
      maxLength: 5,
    }),
    query: fc.constantFrom(...QUERIES),
    key: ANY_KEY,
    body: fc.option(
      fc.oneof(
        goodSessionBody,
        fc.jsonValue({ maxDepth: 4 }),
        fc.record({ ids: fc.array(fc.string(), { maxLength: 3 }), dryRun: fc.boolean(), reason: fc.string() }, { requiredKeys: [] }),
      ),
    ),
  })
  .filter(({ segments }) => !segments.some((s) => s.toLowerCase() === 'events'))
  .map(({ method, segments, query, key, body }): FuzzRequest => {
    const path = `/v1/${segments.join('/')}${query}`;
    const text = body === null ? undefined : JSON.stringify(body);
    const hasBody = text !== undefined && method !== 'HEAD';
    return {
      what: 'any request',
      method,
      path,
      headers: { ...key, ...(hasBody ? { 'content-type': 'application/json' } : {}) },
      body: hasBody ? Buffer.from(text) : Buffer.alloc(0),
      chunked: false,
      expect: { kind: 'any', shape: isOpenAiPath(path) ? 'openai' : 'warren' },
    };
  });

/** The mix the property runs: mostly good requests between bad ones, so both keep flowing. */
export const fuzzRequest: fc.Arbitrary<FuzzRequest> = fc.oneof(
  { weight: 30, arbitrary: goodSessionMessage },
  { weight: 10, arbitrary: goodChatCompletion },
  { weight: 25, arbitrary: bodyDefect },
  { weight: 15, arbitrary: sessionDefect },
  { weight: 10, arbitrary: chatDefect },
  { weight: 10, arbitrary: anyRequest },
);
