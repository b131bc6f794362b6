// Good gateway fuzz requests: a session message and a chat completion, spelled every way a client may.
import * as fc from 'fast-check';
import { jsonBodyProblem, MAX_BODY_BYTES, MAX_CHAT_BODY_BYTES, MAX_JSON_DEPTH } from '../../apps/gateway/src/http/json-body';
import {
  bearer,
  CHAT_PATH,
  type FuzzRequest,
  GOOD_TYPES,
  goodSessionBody,
  noise,
  pathVariants,
  sessionIds,
  sessionPath,
  spell,
  spellings,
  TENANT_KEYS,
  tenants,
  visibleAscii,
} from './gateway-fuzz-kit';

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
