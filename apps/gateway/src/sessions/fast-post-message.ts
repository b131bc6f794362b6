import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { INestApplication } from '@nestjs/common';
import { compilePlainCheck } from '@warren/contracts';
import { setHttpRoute } from '@warren/telemetry';
import { TenantKeys } from '../auth/tenant-keys';
import { GATEWAY_OPTIONS, type GatewayOptions } from '../gateway.options';
import { headerValue } from '../http/gateway-request';
import { parseJsonBody } from '../http/json-body';
import { postMessage } from './post-message';
import { SessionMessagesService } from './session-messages.service';
import { PostMessageBody, SessionParams } from './session-requests.dto';

/** The route pattern, as Express reports it and the metrics label it. */
const ROUTE = '/v1/sessions/:sessionId/messages';
/** Only the plain spelling of the path (no trailing slash, no other case, no query, no escapes): anything else takes the full pipeline. */
const PATH = /^\/v1\/sessions\/([^/?#%]+)\/messages$/;
/** Larger bodies go the long way (the gateway's body reader allows 100 kB, `MAX_BODY_BYTES`). */
const MAX_FAST_BODY_BYTES = 64 * 1024;
/** Content types the gateway's body reader takes as JSON in UTF-8 (the plain spellings only; it takes others too). */
const JSON_TYPES = new Set(['application/json', 'application/json; charset=utf-8']);
/** Where an error of the shortcut waits for Express to hand it to the exception filter. */
const HANDED_OVER_ERROR = Symbol('warren:fast-post-message-error');

type Handler = (req: IncomingMessage, res: ServerResponse) => void;
interface HandedOver extends IncomingMessage {
  [HANDED_OVER_ERROR]?: unknown;
}

/**
 * A shortcut for the gateway's busiest route, `POST /v1/sessions/:sessionId/messages`, in front of
 * Express: for a request that surely passes, it does what the controller does (the same tenant
 * lookup, the same DTO rules, `postMessage`, the same 202 with the same headers, the same request
 * metric) without Express's router, the body reader and Nest's guard, pipe and response handling.
 *
 * Every other request goes to Express untouched. A request it is not sure of goes there too, with
 * its body when it had read it (put back with `unshift`, so the gateway's body reader, `useJsonBodies`,
 * reads it as it would have): no or unknown API key, a content type other than plain JSON, no `Content-Length` or
 * one over 64 kB, a compressed body, a body that is not JSON or that the DTO refuses, a path the
 * DTO refuses or spelled unusually. Nest answers all of these as before. An error while accepting
 * (503 when the broker is down, 400 for a text over `maxTextLength` or a bad `Idempotency-Key`) is
 * handed to Express as well, which passes it to the gateway's exception filter like the controller's.
 *
 * Express only (on another adapter it does nothing). Call it before `app.init()`/`app.listen()`.
 * The requests it answers pass no Express middleware: an app that adds some for `/v1` (`app.use()`,
 * `app.enableCors()`, helmet, compression, …) must not call it, or that middleware misses this route.
 * The request observer (`observeHttpServer`, installed around this) records, traces and logs the
 * requests it answers like any other; the shortcut names their route for it.
 */
export function useFastPostMessage(app: INestApplication): void {
  const adapter = app.getHttpAdapter();
  if (adapter.getType() !== 'express') return;
  // An app created with `bodyParser: false` parses bodies its own way: leave it alone.
  if ((app as unknown as { appOptions?: { bodyParser?: boolean } }).appOptions?.bodyParser === false) return;
  const checkBody = compilePlainCheck(PostMessageBody);
  const checkParams = compilePlainCheck(SessionParams);
  if (!checkBody || !checkParams) return;
  const server = app.getHttpServer() as Server;
  const listeners = server.listeners('request');
  if (listeners.length !== 1) return; // not the Express app alone: leave it
  const express = listeners[0] as Handler;
  const expressApp = adapter.getInstance() as { get(setting: string): unknown; enabled(setting: string): boolean };
  const hooks = adapter as unknown as { onRequestHook?: unknown; onResponseHook?: unknown };
  const messages = app.get(SessionMessagesService);
  const keys = new TenantKeys(app.get<GatewayOptions>(GATEWAY_OPTIONS).tenants);

  // The first layer of Express for what the shortcut hands over: its error goes to the error handlers (the exception filter).
  app.use((req: HandedOver, _res: ServerResponse, next: (err?: unknown) => void): void => {
    const err = req[HANDED_OVER_ERROR];
    if (err === undefined) next();
    else next(err);
  });

  /** The request's tenant, session and body length when it may take the shortcut; undefined when Express should have it. */
  const admit = (req: IncomingMessage): { tenant: string; sessionId: string; length: number } | undefined => {
    if (req.method !== 'POST' || hooks.onRequestHook || hooks.onResponseHook) return undefined;
    const sessionId = PATH.exec(req.url ?? '')?.[1];
    if (sessionId === undefined || !checkParams({ sessionId })) return undefined;
    const h = req.headers;
    const type = h['content-type'];
    if (type === undefined || !JSON_TYPES.has(type.toLowerCase())) return undefined;
    if (h['transfer-encoding'] !== undefined || (h['content-encoding'] !== undefined && h['content-encoding'] !== 'identity'))
      return undefined;
    const length = Number(h['content-length']);
    if (!Number.isInteger(length) || length <= 0 || length > MAX_FAST_BODY_BYTES) return undefined;
    try {
      return { tenant: keys.tenantOf(headerValue(req, 'authorization')), sessionId, length };
    } catch {
      return undefined; // the guard answers it
    }
  };

  const accept = (req: HandedOver, res: ServerResponse, tenant: string, sessionId: string, body: PostMessageBody): void => {
    setHttpRoute(req, ROUTE);
    if (expressApp.enabled('x-powered-by')) res.setHeader('X-Powered-By', 'Express');
    postMessage(messages, { tenant, sessionId }, body, headerValue(req, 'idempotency-key'), req, res).then(
      (taskId) => {
        // As Express's `res.status(202).json({ taskId })`: content type with charset, length, the app's ETag.
        // One string, so Node writes the head and the body in one go.
        const json = JSON.stringify({ taskId });
        res.statusCode = 202;
        res.setHeader('Content-Type', 'application/json; charset=utf-8');
        res.setHeader('Content-Length', Buffer.byteLength(json, 'utf8'));
        const etagFn = expressApp.get('etag fn');
        const etag = typeof etagFn === 'function' ? (etagFn as (body: string, encoding: string) => unknown)(json, 'utf8') : undefined;
        if (typeof etag === 'string') res.setHeader('ETag', etag);
        res.end(json, 'utf8');
      },
      (err: unknown) => {
        req[HANDED_OVER_ERROR] = err;
        express(req, res);
      },
    );
  };

  server.removeListener('request', express);
  server.on('request', (req: IncomingMessage, res: ServerResponse): void => {
    const admitted = admit(req);
    if (!admitted) {
      express(req, res);
      return;
    }
    readBody(req, admitted.length, (raw) => {
      const body = parseJson(raw);
      if (!checkBody(body)) {
        // Express reads the body again and Nest answers (400 naming the field, …).
        req.unshift(raw);
        express(req, res);
        return;
      }
      accept(req, res, admitted.tenant, admitted.sessionId, body as PostMessageBody);
    });
  });
}

/**
 * Reads exactly `length` bytes of the body without ending the stream, so they can still be put
 * back with `unshift` (called in the same tick as `done`). An aborted request is dropped: its client is gone.
 */
function readBody(req: IncomingMessage, length: number, done: (raw: Buffer) => void): void {
  const chunks: Buffer[] = [];
  let received = 0;
  const cleanup = (): void => {
    req.removeListener('readable', onReadable);
    req.removeListener('error', cleanup);
    req.removeListener('close', cleanup);
  };
  function onReadable(): void {
    for (let chunk = req.read() as Buffer | null; chunk !== null; chunk = req.read() as Buffer | null) {
      chunks.push(chunk);
      received += chunk.length;
    }
    if (received >= length) {
      cleanup();
      done(chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks, received));
    }
  }
  req.on('readable', onReadable);
  req.on('error', cleanup);
  req.on('close', cleanup);
}

/** The body as the gateway's body reader reads it (`parseJsonBody`); undefined when that refuses it (it answers 400 then). */
function parseJson(raw: Buffer): unknown {
  try {
    return parseJsonBody(raw);
  } catch {
    return undefined;
  }
}
