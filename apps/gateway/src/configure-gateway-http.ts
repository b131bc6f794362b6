import type { Server } from 'node:http';
import type { INestApplication } from '@nestjs/common';
import { observeHttpServer, rootLogger, WarrenMetrics } from '@warren/telemetry';
import { setupGatewayDocs } from './docs/gateway-docs';
import { useJsonBodies } from './http/json-body';
import { useFastPostMessage } from './sessions/fast-post-message';

/**
 * The gateway's HTTP set-up besides its module: the OpenAPI document (`/docs`), the gateway's own
 * reading of request bodies (JSON only: 413, 415 and 400 instead of a parser's 500), after it the
 * fast path of `POST /v1/sessions/:sessionId/messages` (`gateway.fastPostMessage`), no
 * `X-Powered-By` header, and last, around all of these, the request observer: a server span, the request metric by route (unmatched ones too) and
 * an access line per request. Every app that serves the gateway (the gateway alone, the all-in-one
 * app) calls it before listening.
 */
export function configureGatewayHttp(app: INestApplication): void {
  const http = app.getHttpAdapter();
  // Express announces itself by default; a caller learns nothing useful from it.
  if (http.getType() === 'express') (http.getInstance() as { disable(setting: string): unknown }).disable('x-powered-by');
  setupGatewayDocs(app);
  // The body reader first: the fast path of POST /v1/sessions/:sessionId/messages reads what it read.
  useJsonBodies(app);
  useFastPostMessage(app);
  observeHttpServer(app.getHttpServer() as Server, { log: rootLogger()?.child({ context: 'HTTP' }), metrics: metricsOf(app) });
}

/** The app's `WarrenMetrics` when a module provides it. */
function metricsOf(app: INestApplication): WarrenMetrics | undefined {
  try {
    return app.get(WarrenMetrics, { strict: false });
  } catch {
    return undefined;
  }
}
