import type { IncomingMessage, ServerResponse } from 'node:http';
import { performance } from 'node:perf_hooks';
import type { INestApplication } from '@nestjs/common';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { WarrenMetrics } from '@warren/telemetry';
import { TenantKeys } from '../auth/tenant-keys';
import { GATEWAY_OPTIONS, type GatewayOptions } from '../gateway.options';
import { compileDtoCheck } from '../http/dto-check';
import { headerValue } from '../http/gateway-request';
import { postMessage } from './post-message';
import { SessionMessagesService } from './session-messages.service';
import { PostMessageBody, SessionParams } from './session-requests.dto';

/** The route pattern, as Express reports it and the metrics label it. */
const ROUTE = '/v1/sessions/:sessionId/messages';
/** Only the plain spelling of the path (no trailing slash, no other case, no query, no escapes): anything else takes the full pipeline. */
const PATH = /^\/v1\/sessions\/([^/?#%]+)\/messages$/;

type Next = (err?: unknown) => void;
interface ExpressRequest extends IncomingMessage {
  body?: unknown;
}

/**
 * A shortcut for the gateway's busiest route, `POST /v1/sessions/:sessionId/messages`, in front of
 * Nest's router: for a request that surely passes, it does what the controller does (the same
 * tenant lookup, the same DTO rules, `postMessage`, the same 202 with the same headers, the same
 * request metric) without the router, the guard and the pipe around it. Every other request, and
 * every request it is not sure of (no or unknown API key, a body or path the DTO refuses, an
 * unusual spelling of the path), goes on to the full Nest pipeline, which answers it as before;
 * an error while accepting (503 when the broker is down, 400 for a text over `maxTextLength` or a
 * bad `Idempotency-Key`) goes to the gateway's exception filter like the controller's.
 *
 * Express only (on another adapter it does nothing). Call it before `app.init()`/`app.listen()`:
 * it puts the JSON body parser (the same one Nest would add) first, then the shortcut.
 */
export function useFastPostMessage(app: INestApplication): void {
  const adapter = app.getHttpAdapter();
  if (adapter.getType() !== 'express') return;
  // An app created with `bodyParser: false` parses bodies its own way: leave it alone.
  if ((app as unknown as { appOptions?: { bodyParser?: boolean } }).appOptions?.bodyParser === false) return;
  const checkBody = compileDtoCheck(PostMessageBody);
  const checkParams = compileDtoCheck(SessionParams);
  if (!checkBody || !checkParams) return;
  const messages = app.get(SessionMessagesService);
  const keys = new TenantKeys(app.get<GatewayOptions>(GATEWAY_OPTIONS).tenants);
  let metrics: WarrenMetrics | undefined;
  try {
    metrics = app.get(WarrenMetrics);
  } catch {
    metrics = undefined;
  }
  // Express's `etag fn` setting (weak ETags by default; `app.set('etag', false)` turns it off).
  const express = adapter.getInstance() as { get(setting: string): unknown };
  const etagOf = (body: string): string | undefined => {
    const fn = express.get('etag fn');
    const etag = typeof fn === 'function' ? (fn as (body: string, encoding: string) => unknown)(body, 'utf8') : undefined;
    return typeof etag === 'string' ? etag : undefined;
  };

  (app as NestExpressApplication).useBodyParser('json');
  /** The request's tenant, session and body when it surely passes the guard and the pipe; undefined otherwise. */
  const admit = (req: ExpressRequest): { tenant: string; sessionId: string; body: PostMessageBody } | undefined => {
    if (req.method !== 'POST') return undefined;
    const path = PATH.exec(req.url ?? '');
    const sessionId = path?.[1];
    if (sessionId === undefined || !checkParams({ sessionId }) || !checkBody(req.body)) return undefined;
    try {
      return { tenant: keys.tenantOf(headerValue(req, 'authorization')), sessionId, body: req.body as PostMessageBody };
    } catch {
      return undefined; // the guard answers it
    }
  };
  app.use((req: ExpressRequest, res: ServerResponse, next: Next): void => {
    const admitted = admit(req);
    if (!admitted) {
      next();
      return;
    }
    const { tenant, sessionId, body } = admitted;
    if (metrics) {
      const started = performance.now();
      const m = metrics;
      res.once('close', () => m.httpRequest(ROUTE, 'POST', res.statusCode, performance.now() - started));
    }
    postMessage(messages, { tenant, sessionId }, body, headerValue(req, 'idempotency-key'), req, res).then(
      (taskId) => {
        // As Express's `res.status(202).json({ taskId })`: content type with charset, length, the app's ETag.
        // One string, so Node writes the head and the body in one go.
        const json = JSON.stringify({ taskId });
        res.statusCode = 202;
        res.setHeader('Content-Type', 'application/json; charset=utf-8');
        res.setHeader('Content-Length', Buffer.byteLength(json, 'utf8'));
        const etag = etagOf(json);
        if (etag !== undefined) res.setHeader('ETag', etag);
        res.end(json, 'utf8');
      },
      (err: unknown) => next(err),
    );
  });
}
