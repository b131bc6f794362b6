// Gateway fuzz requests with exactly one known defect (body, header, field, session id, key), each with
// the answer it must get.
import { gzipSync } from 'node:zlib';
import * as fc from 'fast-check';
import { MAX_BODY_BYTES, MAX_CHAT_BODY_BYTES, MAX_JSON_DEPTH } from '../../apps/gateway/src/http/json-body';
import {
  ANY_KEY,
  bearer,
  CHAT_PATH,
  type FuzzRequest,
  goodSessionBody,
  json,
  MAX_TEXT,
  nested,
  type Shape,
  sessionPath,
  visibleAscii,
} from './gateway-fuzz-kit';
import { DEV } from './gateway-in-process';

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
