import type { IncomingMessage, ServerResponse } from 'node:http';
import type { INestApplication } from '@nestjs/common';
import { compilePlainCheck } from '@warren/contracts';
import { setHttpRoute } from '@warren/telemetry';
import { TenantKeys } from '../auth/tenant-keys';
import { GATEWAY_OPTIONS, type GatewayOptions } from '../gateway.options';
import { headerValue } from '../http/gateway-request';
import { postMessage } from './post-message';
import { SessionMessagesService } from './session-messages.service';
import { PostMessageBody, SessionParams } from './session-requests.dto';

/** The route pattern, as Express reports it and the metrics label it. */
const ROUTE = '/v1/sessions/:sessionId/messages';
/** Only the plain spelling of the path (no trailing slash, no escapes): anything else goes on to the controller. */
const PATH = /^\/v1\/sessions\/([^/%]+)\/messages$/;

/** What the middleware uses of Express's request and response (public API: `req.path`, `req.body`, `res.status().json()`). */
interface ExpressRequest extends IncomingMessage {
  path: string;
  body?: unknown;
}
interface ExpressResponse extends ServerResponse {
  status(code: number): ExpressResponse;
  json(body: unknown): unknown;
}

/**
 * The gateway's busiest route, `POST /v1/sessions/:sessionId/messages`, answered by an Express
 * middleware in the gateway's own chain instead of Nest's router, guard, pipe and interceptors,
 * which cost 1.4–2.6× the CPU of the whole request this way (bench/gateway-http.bench.ts,
 * bench/RESULTS.md "Fifth pass"). It uses public APIs only: Nest's `app.use()` and Express's request and response.
 *
 * It runs after the middleware installed before it, the gateway's body reader (`useJsonBodies`)
 * in particular, so the body limits and the 413/415/400 answers are the same for both ways. It
 * answers only a request it is sure of, with the controller's own rules: the plain path, a known
 * API key (the guard's `TenantKeys`), a body the DTO's compiled check (`compilePlainCheck`, which
 * accepts nothing the validation pipe refuses) accepts, then `postMessage` (shared with the
 * controller) and `res.status(202).json({ taskId })` (what Nest does with the controller's result:
 * the same headers and ETag). Anything else goes on to Nest unchanged (`next()`), which answers
 * 401, 400 naming the field, and so on; an error while accepting (503 when the broker is down, 400
 * for a text over `maxTextLength` or a bad `Idempotency-Key`) goes to `next(err)`, the app's
 * exception filter, as the controller's would. The request observer (`observeHttpServer`) wraps
 * the server, so these requests have their span, metric and access line; the route is named for it.
 *
 * Off with `gateway.fastPostMessage: false`. Express only (on another adapter it does nothing). Call it after the body reader and after any
 * app-wide middleware (CORS, helmet, …), before `app.init()`: middleware added later runs only for
 * the requests it leaves to Nest.
 */
export function useFastPostMessage(app: INestApplication): void {
  if (app.getHttpAdapter().getType() !== 'express') return;
  const checkBody = compilePlainCheck(PostMessageBody);
  const checkParams = compilePlainCheck(SessionParams);
  const options = app.get<GatewayOptions>(GATEWAY_OPTIONS);
  if (!checkBody || !checkParams || !options.fastPostMessage) return;
  const messages = app.get(SessionMessagesService);
  const keys = new TenantKeys(options.tenants);

  /** The request's tenant and session when it may take this way; undefined when Nest should have it. */
  const admit = (req: ExpressRequest): { tenant: string; sessionId: string } | undefined => {
    if (req.method !== 'POST') return undefined;
    const sessionId = PATH.exec(req.path)?.[1];
    if (sessionId === undefined || !checkParams({ sessionId }) || !checkBody(req.body)) return undefined;
    try {
      return { tenant: keys.tenantOf(headerValue(req, 'authorization')), sessionId };
    } catch {
      return undefined; // the guard answers it
    }
  };

  app.use((req: ExpressRequest, res: ExpressResponse, next: (err?: unknown) => void): void => {
    const admitted = admit(req);
    if (!admitted) {
      next();
      return;
    }
    setHttpRoute(req, ROUTE);
    postMessage(messages, admitted, req.body as PostMessageBody, headerValue(req, 'idempotency-key'), req, res).then(
      (taskId) => res.status(202).json({ taskId }),
      next,
    );
  });
}
