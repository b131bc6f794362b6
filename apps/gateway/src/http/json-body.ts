import type { IncomingMessage, ServerResponse } from 'node:http';
import type { INestApplication } from '@nestjs/common';
import { InvalidMessageError, PayloadTooLargeError, UnsupportedMediaTypeError } from '@warren/contracts';
import { isLargeBodyPath } from './gateway-paths';

/** Largest body of a gateway request, in bytes (a session message's text is far smaller: `maxTextLength`). */
export const MAX_BODY_BYTES = 100 * 1024;
/** Largest body of `POST /v1/chat/completions`, in bytes: it carries the whole conversation (up to 1,000 messages). */
export const MAX_CHAT_BODY_BYTES = 4 * 1024 * 1024;
/** Deepest nesting of a JSON body (the top-level object is 1): deeper bodies would overflow the validators' recursion. */
export const MAX_JSON_DEPTH = 64;

/** What a 415 tells the caller to send instead. */
const SEND_JSON = 'send the body as Content-Type: application/json (UTF-8)';
const SEND_UTF8 = 'JSON bodies are read as UTF-8 only (charset=utf-8 or no charset)';
const SEND_IDENTITY = 'send the body uncompressed (no Content-Encoding, or identity)';

/** The body limit of a request path: {@link MAX_CHAT_BODY_BYTES} for chat completions and embeddings, else {@link MAX_BODY_BYTES}. */
export function bodyLimitOf(url: string | undefined): number {
  return isLargeBodyPath(url) ? MAX_CHAT_BODY_BYTES : MAX_BODY_BYTES;
}

/** True when the request says it has a body: chunked, or a Content-Length above 0. */
export function hasBody(req: IncomingMessage): boolean {
  if (req.headers['transfer-encoding'] !== undefined) return true;
  const length = Number(req.headers['content-length']);
  return Number.isFinite(length) && length > 0;
}

/**
 * Why the body of a request cannot be read, from its headers alone: a Content-Encoding other than
 * identity, a Content-Type other than `application/json`, a charset other than UTF-8, no Content-Type
 * for a body of a known length. Undefined when it can, or when only the body can tell (a chunked
 * body without a Content-Type is refused once read, unless it is empty).
 */
export function unreadableBody(req: IncomingMessage): UnsupportedMediaTypeError | undefined {
  const encoding = (req.headers['content-encoding'] ?? '').trim().toLowerCase();
  if (encoding !== '' && encoding !== 'identity') return new UnsupportedMediaTypeError('content-encoding', encoding, SEND_IDENTITY);
  const type = req.headers['content-type'];
  if (type === undefined)
    return req.headers['transfer-encoding'] === undefined ? new UnsupportedMediaTypeError('content-type', '', SEND_JSON) : undefined;
  const [media = '', ...params] = type.split(';');
  if (media.trim().toLowerCase() !== 'application/json') return new UnsupportedMediaTypeError('content-type', type, SEND_JSON);
  for (const param of params) {
    const eq = param.indexOf('=');
    if (eq < 0 || param.slice(0, eq).trim().toLowerCase() !== 'charset') continue;
    const charset = param
      .slice(eq + 1)
      .trim()
      .replace(/^"(.*)"$/, '$1')
      .toLowerCase();
    if (charset !== 'utf-8' && charset !== 'utf8') return new UnsupportedMediaTypeError('charset', charset, SEND_UTF8);
  }
  return undefined;
}

/**
 * What is wrong with a parsed JSON body, or undefined: nesting deeper than `maxDepth` levels (the
 * top level is 1), or a field named like a member of `Object.prototype` (`__proto__`,
 * `constructor`, `toString`, …) or `prototype`. The validation pipe drops such fields silently
 * instead of refusing them as unknown, and `__proto__` is the prototype-pollution key (Fastify
 * refuses it too). Walked without recursion: the depth may be huge.
 */
export function jsonBodyProblem(value: unknown, maxDepth: number): string | undefined {
  const stack: [unknown, number][] = [[value, 1]];
  for (let top = stack.pop(); top !== undefined; top = stack.pop()) {
    const [v, depth] = top;
    if (depth > maxDepth) return `is nested deeper than ${maxDepth} levels`;
    if (!Array.isArray(v))
      for (const key of Object.keys(v as object))
        if (RESERVED_KEY(key)) return `has a field named ${JSON.stringify(key)}, which is not allowed`;
    for (const child of Array.isArray(v) ? v : Object.values(v as object))
      if (child !== null && typeof child === 'object') stack.push([child, depth + 1]);
  }
  return undefined;
}

const RESERVED_KEY = (key: string): boolean => key === 'prototype' || Object.hasOwn(Object.prototype, key);

/**
 * A JSON body as the gateway reads it: UTF-8 (a byte order mark dropped), an object or an array
 * at the top (as Express's strict JSON parser), at most {@link MAX_JSON_DEPTH} levels deep, no
 * reserved field names (see {@link jsonBodyProblem}). An empty body is `{}`. Throws
 * `InvalidMessageError` (400) saying what is wrong.
 */
export function parseJsonBody(raw: Buffer): unknown {
  let text = raw.toString('utf8');
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  const first = /\S/.exec(text)?.[0];
  if (first === undefined) return {};
  if (first !== '{' && first !== '[') throw new InvalidMessageError('the request body is not a JSON object');
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch (err) {
    throw new InvalidMessageError(`the request body is not valid JSON: ${(err as Error).message}`);
  }
  const problem = jsonBodyProblem(body, MAX_JSON_DEPTH);
  if (problem) throw new InvalidMessageError(`the request body ${problem}`);
  return body;
}

/**
 * Reads the rest of a body without keeping it, then calls `then` once: a client that sends its
 * whole body before it reads the answer gets the answer instead of a reset connection.
 */
function discardBody(req: IncomingMessage, then: () => void): void {
  if (req.readableEnded || req.destroyed) {
    then();
    return;
  }
  let done = false;
  const once = (): void => {
    if (done) return;
    done = true;
    then();
  };
  req.once('end', once);
  req.once('close', once);
  req.once('error', once);
  req.resume();
}

/** Reads a body of at most `limit` bytes; a longer one is read to its end without keeping it, then refused with `PayloadTooLargeError`. */
function readBody(req: IncomingMessage, limit: number, done: (err: Error | undefined, raw?: Buffer) => void): void {
  if (Number(req.headers['content-length']) > limit) {
    discardBody(req, () => done(new PayloadTooLargeError(limit)));
    return;
  }
  const chunks: Buffer[] = [];
  let received = 0;
  let settled = false;
  const settle = (err: Error | undefined, raw?: Buffer): void => {
    if (settled) return;
    settled = true;
    req.removeListener('data', onData);
    req.removeListener('end', onEnd);
    req.removeListener('error', onError);
    req.removeListener('close', onClose);
    done(err, raw);
  };
  const onData = (chunk: Buffer): void => {
    received += chunk.length;
    if (received <= limit) chunks.push(chunk);
    else chunks.length = 0; // over the limit (a chunked body): read on to the end, keep nothing
  };
  const onEnd = (): void => {
    if (received > limit) settle(new PayloadTooLargeError(limit));
    else settle(undefined, Buffer.concat(chunks, received));
  };
  const onError = (): void => settle(new InvalidMessageError('the request body could not be read to its end'));
  // A request closed before its end (the client went away) never gets its answer; settle anyway.
  const onClose = (): void => {
    if (!req.complete) onError();
  };
  req.on('data', onData);
  req.on('end', onEnd);
  req.on('error', onError);
  req.on('close', onClose);
}

/**
 * The gateway reads request bodies itself, in front of Nest's parsers (which then find them read):
 * JSON in UTF-8, uncompressed, within the route's limit, not nested too deep, no reserved field
 * names. Every other body is a client error with a `WARREN_*` code, never a 500: 415
 * `WARREN_UNSUPPORTED_MEDIA_TYPE` for another (or no) content type, charset or content coding, 413
 * `WARREN_PAYLOAD_TOO_LARGE` over the limit, 400 `WARREN_INVALID_MESSAGE` for a body that is not JSON,
 * too deep or with a reserved name (`parseJsonBody`). A request without a body is left as it is.
 *
 * Express only. Call it before `app.init()`, so it comes before the body parsers Nest adds there.
 * The fast path of `POST /v1/sessions/:sessionId/messages` (`useFastPostMessage`) comes after it
 * and reads the body it read.
 */
export function useJsonBodies(app: INestApplication): void {
  if (app.getHttpAdapter().getType() !== 'express') return;
  app.use((req: IncomingMessage & { body?: unknown }, _res: ServerResponse, next: (err?: unknown) => void): void => {
    if (!hasBody(req)) {
      next();
      return;
    }
    const refused = unreadableBody(req);
    if (refused) {
      discardBody(req, () => next(refused));
      return;
    }
    readBody(req, bodyLimitOf(req.url), (err, raw) => {
      if (err || raw === undefined) {
        next(err);
        return;
      }
      if (req.headers['content-type'] === undefined) {
        // Chunked without a type: nothing to read is no body (a POST without one); anything else is not JSON.
        next(raw.length === 0 ? undefined : new UnsupportedMediaTypeError('content-type', '', SEND_JSON));
        return;
      }
      try {
        req.body = parseJsonBody(raw);
      } catch (parseError) {
        next(parseError);
        return;
      }
      next();
    });
  });
}
