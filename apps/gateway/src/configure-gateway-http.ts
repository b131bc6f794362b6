import type { INestApplication } from '@nestjs/common';
import { setupGatewayDocs } from './docs/gateway-docs';
import { useJsonBodies } from './http/json-body';
import { useFastPostMessage } from './sessions/fast-post-message';

/**
 * The gateway's HTTP set-up besides its module: the OpenAPI document (`/docs`), the fast path of
 * `POST /v1/sessions/:sessionId/messages`, the gateway's own reading of request bodies (JSON only:
 * 413, 415 and 400 instead of a parser's 500) and no `X-Powered-By` header. Every app that serves
 * the gateway (the gateway alone, the all-in-one app) calls it before listening.
 */
export function configureGatewayHttp(app: INestApplication): void {
  const http = app.getHttpAdapter();
  // Express announces itself by default; a caller learns nothing useful from it.
  if (http.getType() === 'express') (http.getInstance() as { disable(setting: string): unknown }).disable('x-powered-by');
  setupGatewayDocs(app);
  // First the fast path's hand-over layer (it must be Express's first), then the body reader.
  useFastPostMessage(app);
  useJsonBodies(app);
}
