// What the gateway fuzzing's request generators share (test/support/gateway-fuzz-requests.ts): the
// request and expectation types, ids, keys, JSON spellings, path variants and harmless headers.
import * as fc from 'fast-check';
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
export const TENANT_KEYS: Record<string, string> = { dev: DEV, other: OTHER };
export const GOOD_TYPES = ['application/json', 'application/json; charset=utf-8', 'Application/JSON', 'application/json;charset="UTF-8"'];
export const CHAT_PATH = '/v1/chat/completions';

export const visibleAscii = (min: number, max: number) =>
  fc.array(fc.integer({ min: 0x21, max: 0x7e }), { minLength: min, maxLength: max }).map((cs) => String.fromCharCode(...cs));
export const sessionIds = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom('s1', 's2', 'fuzz-a', 'Fuzz_B') },
  { weight: 1, arbitrary: fc.stringMatching(/^[A-Za-z0-9_-]{1,128}$/) },
);
export const tenants = fc.constantFrom('dev', 'other');
export const bearer = (key: string) => ({ authorization: `Bearer ${key}` });
export const nested = (depth: number, inner = '') => `${'['.repeat(depth)}${inner}${']'.repeat(depth)}`;
export const json = (value: unknown) => Buffer.from(JSON.stringify(value));
export const sessionPath = (id: string) => `/v1/sessions/${encodeURIComponent(id)}/messages`;

/** A body the session route accepts: `text` (1 to 50 characters), maybe `locale`, `userId`, `channel`. */
export const goodSessionBody = fc.record(
  {
    text: fc.string({ unit: 'grapheme', maxLength: 30 }).map((s) => `t${s}`.slice(0, MAX_TEXT)),
    locale: fc.stringMatching(/^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8}){0,2}$/),
    userId: fc.string({ minLength: 1, maxLength: 40 }),
    channel: fc.constantFrom('voice', 'text'),
  },
  { requiredKeys: ['text'] },
);

/** How a client may spell JSON: compact or indented, maybe a byte order mark, maybe padded with spaces. */
export interface Spelling {
  indent: 0 | 2;
  bom: boolean;
  pad: number;
}
export const spellings = (limit: number): fc.Arbitrary<Spelling> =>
  fc.record({ indent: fc.constantFrom<0 | 2>(0, 2), bom: fc.boolean(), pad: fc.oneof(fc.constant(0), fc.nat(200), fc.nat(limit)) });

/** `value` as JSON spelled so, padded at most up to `limit` bytes. */
export function spell(value: unknown, { indent, bom, pad }: Spelling, limit: number): Buffer {
  const text = JSON.stringify(value, null, indent);
  const bytes = Buffer.byteLength(text) + (bom ? 3 : 0);
  const padding = Buffer.alloc(Math.max(0, Math.min(pad, limit - bytes)), ' ');
  return Buffer.concat([bom ? Buffer.from([0xef, 0xbb, 0xbf]) : Buffer.alloc(0), Buffer.from(text), padding]);
}

/** Path spellings Express routes alike: as is, a trailing slash, a query, another case. */
export type PathVariant = (path: string) => string;
export const pathVariants = fc.constantFrom<PathVariant>(
  (p) => p,
  (p) => `${p}/`,
  (p) => `${p}?via=fuzz`,
  (p) => p.replace('/v1/', '/V1/'),
);

/** Headers a client may add that change nothing: `x-fuzz-*`, a `traceparent` (maybe garbage), `accept`. */
export const noise = fc
  .record(
    {
      extra: fc.dictionary(fc.stringMatching(/^x-fuzz-[a-z0-9-]{1,12}$/), visibleAscii(0, 40), { maxKeys: 3 }),
      traceparent: fc.oneof(visibleAscii(1, 60), fc.constant('00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01')),
      accept: fc.constantFrom('*/*', 'application/json', 'text/html', 'nonsense'),
    },
    { requiredKeys: ['extra'] },
  )
  .map(({ extra, ...rest }) => ({ ...extra, ...rest }) as Record<string, string>);

/** Any key a client may send: none, a tenant's, the admin's, an unknown one, another scheme. */
export const ANY_KEY = fc.constantFrom<Record<string, string>>({}, bearer(DEV), bearer(ADMIN), bearer('not-a-key'), {
  authorization: 'Basic eDp5',
});
