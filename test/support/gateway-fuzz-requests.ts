// Generated HTTP requests for the gateway's property-based fuzzing (test/gateway-fuzz.e2e-spec.ts):
// good ones (a session message, a chat completion) and bad ones with exactly one known defect
// (body, header, field, session id, key), each carrying the answer it must get; plus loose ones
// (any method, path, key and body under /v1) that must only never get a 5xx.
import * as fc from 'fast-check';
import { isOpenAiPath } from '../../apps/gateway/src/http/gateway-paths';
import { bodyDefect, chatDefect, sessionDefect } from './gateway-fuzz-defects';
import { goodChatCompletion, goodSessionMessage } from './gateway-fuzz-good';
import { ANY_KEY, type FuzzRequest, goodSessionBody } from './gateway-fuzz-kit';

export type { FuzzRequest, Shape } from './gateway-fuzz-kit';

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
