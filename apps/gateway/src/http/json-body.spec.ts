import 'reflect-metadata';
import type { IncomingMessage } from 'node:http';
import { InvalidMessageError, UnsupportedMediaTypeError } from '@warren/contracts';
import { gatewayValidationPipe } from '../errors/validation.pipe';
import { PostMessageBody } from '../sessions/session-requests.dto';
import {
  bodyLimitOf,
  hasBody,
  jsonBodyProblem,
  MAX_BODY_BYTES,
  MAX_CHAT_BODY_BYTES,
  MAX_JSON_DEPTH,
  parseJsonBody,
  unreadableBody,
} from './json-body';

const request = (headers: Record<string, string>): IncomingMessage => ({ headers }) as unknown as IncomingMessage;
const nested = (depth: number): string => `${'['.repeat(depth)}${']'.repeat(depth)}`;

describe('hasBody()', () => {
  it.each([
    [{ 'content-length': '12' }, true],
    [{ 'transfer-encoding': 'chunked' }, true],
    [{ 'content-length': '0' }, false],
    [{}, false],
  ])('%p → %p', (headers, expected) => {
    expect(hasBody(request(headers))).toBe(expected);
  });
});

describe('unreadableBody()', () => {
  it.each([
    ['application/json'],
    ['application/json; charset=utf-8'],
    ['Application/JSON; Charset="UTF-8"'],
    ['application/json;charset=utf8'],
    ['application/json; boundary=x'],
  ])('reads %p', (type) => {
    expect(unreadableBody(request({ 'content-type': type }))).toBeUndefined();
    expect(unreadableBody(request({ 'content-type': type, 'content-encoding': 'identity' }))).toBeUndefined();
  });

  it.each([
    ['content-type', { 'content-type': 'text/plain' }],
    ['content-type', { 'content-type': 'application/x-www-form-urlencoded' }],
    ['content-type', { 'content-type': 'application/jsonx' }],
    ['content-type', {}],
    ['content-type', { 'content-length': '5' }],
    ['charset', { 'content-type': 'application/json; charset=latin1' }],
    ['charset', { 'content-type': 'application/json; charset=utf-16' }],
    ['content-encoding', { 'content-type': 'application/json', 'content-encoding': 'gzip' }],
    ['content-encoding', { 'content-type': 'application/json', 'content-encoding': 'identity, gzip' }],
  ])('refuses a body by its %s (415): %p', (header, headers) => {
    const err = unreadableBody(request(headers));
    expect(err).toBeInstanceOf(UnsupportedMediaTypeError);
    expect(err).toMatchObject({ header, code: 'WARREN_UNSUPPORTED_MEDIA_TYPE' });
  });

  it('leaves a chunked body without a Content-Type to be judged once read (an empty one is no body)', () => {
    expect(unreadableBody(request({ 'transfer-encoding': 'chunked' }))).toBeUndefined();
    expect(unreadableBody(request({ 'transfer-encoding': 'chunked', 'content-encoding': 'gzip' }))).toBeInstanceOf(
      UnsupportedMediaTypeError,
    );
  });
});

describe('parseJsonBody()', () => {
  it('reads UTF-8 JSON objects and arrays, drops a byte order mark, and reads an empty body as {}', () => {
    expect(parseJsonBody(Buffer.from('{"text":"héllo"}'))).toEqual({ text: 'héllo' });
    expect(parseJsonBody(Buffer.from(' [1,2]'))).toEqual([1, 2]);
    expect(parseJsonBody(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('{"a":1}')]))).toEqual({ a: 1 });
    expect(parseJsonBody(Buffer.from(' \n'))).toEqual({});
  });

  it.each([
    ['not JSON', '{"text": ', 'not valid JSON'],
    ['a JSON string', '"hello"', 'not a JSON object'],
    ['a JSON number', '42', 'not a JSON object'],
    ['null', 'null', 'not a JSON object'],
    ['JSON nested 5,000 deep', nested(5000), `deeper than ${MAX_JSON_DEPTH} levels`],
    ['a deep field', `{"text":"hi","x":${nested(MAX_JSON_DEPTH)}}`, 'deeper than'],
    ['a __proto__ field', '{"text":"hi","__proto__":{"admin":true}}', 'a field named "__proto__"'],
    ['a nested constructor field', '{"text":"hi","meta":[{"constructor":{"prototype":1}}]}', 'a field named "constructor"'],
  ])('refuses %s with InvalidMessageError (400) saying why', (_what, text, message) => {
    let thrown: unknown;
    try {
      parseJsonBody(Buffer.from(text));
    } catch (err) {
      thrown = err;
    }
    expect(thrown).toBeInstanceOf(InvalidMessageError);
    expect((thrown as Error).message).toContain(message);
  });

  it(`accepts ${MAX_JSON_DEPTH} levels, and the validation pipe answers such a body with a 400, not a stack overflow`, async () => {
    const body = parseJsonBody(Buffer.from(`{"text":"hi","x":${nested(MAX_JSON_DEPTH - 1)}}`));
    const refused = await gatewayValidationPipe()
      .transform(body, { type: 'body', metatype: PostMessageBody })
      .catch((err: unknown) => err);
    expect(refused).toBeInstanceOf(InvalidMessageError);
  });
});

describe('jsonBodyProblem()', () => {
  it('counts the top level as 1 and walks objects and arrays alike, without recursion', () => {
    expect(jsonBodyProblem({ a: 1 }, 1)).toBeUndefined();
    expect(jsonBodyProblem({ a: [1] }, 1)).toBe('is nested deeper than 1 levels');
    expect(jsonBodyProblem({ a: { b: [{}] } }, 4)).toBeUndefined();
    expect(jsonBodyProblem({ a: { b: [{}] } }, 3)).toBeDefined();
    expect(jsonBodyProblem(JSON.parse(nested(100_000)), 64)).toBe('is nested deeper than 64 levels');
  });

  it.each(['__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty', '__defineGetter__'])(
    'refuses a field named %s at any depth (the validation pipe would drop it silently)',
    (key) => {
      expect(jsonBodyProblem(JSON.parse(`{${JSON.stringify(key)}:1}`), 64)).toContain(JSON.stringify(key));
      expect(jsonBodyProblem(JSON.parse(`{"a":[{"b":{${JSON.stringify(key)}:1}}]}`), 64)).toContain(JSON.stringify(key));
    },
  );

  it('lets ordinary names and values through, strings such as "__proto__" too', () => {
    expect(jsonBodyProblem({ text: '__proto__', proto: 1, Constructor: 2, to_string: ['constructor'] }, 64)).toBeUndefined();
  });
});

describe('bodyLimitOf()', () => {
  it('gives the chat completions route room for a conversation, every other route the small limit', () => {
    expect(bodyLimitOf('/v1/chat/completions')).toBe(MAX_CHAT_BODY_BYTES);
    expect(bodyLimitOf('/V1/Chat/Completions/?x=1')).toBe(MAX_CHAT_BODY_BYTES);
    expect(bodyLimitOf('/v1/sessions/s1/messages')).toBe(MAX_BODY_BYTES);
    expect(bodyLimitOf('/v1/chat/completions-x')).toBe(MAX_BODY_BYTES);
    expect(bodyLimitOf(undefined)).toBe(MAX_BODY_BYTES);
  });
});
