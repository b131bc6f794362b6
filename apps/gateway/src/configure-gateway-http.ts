import type { INestApplication } from '@nestjs/common';
import { setupGatewayDocs } from './docs/gateway-docs';
import { useFastPostMessage } from './sessions/fast-post-message';

/**
 * The gateway's HTTP set-up besides its module: the OpenAPI document (`/docs`) and the fast path
 * of `POST /v1/sessions/:sessionId/messages`. Every app that serves the gateway (the gateway alone,
 * the all-in-one app) calls it before listening.
 */
export function configureGatewayHttp(app: INestApplication): void {
  setupGatewayDocs(app);
  useFastPostMessage(app);
}
