import type { INestApplication } from '@nestjs/common';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { MAX_BODY_BYTES, MAX_CHAT_BODY_BYTES, MAX_JSON_DEPTH } from '../http/json-body';

/** Where the OpenAPI document is served. */
export const GATEWAY_DOCS = Object.freeze({ UI: '/docs', JSON: '/docs-json' });

/**
 * Serves the OpenAPI document of the app's routes: Swagger UI at `/docs`, the JSON at
 * `/docs-json` (bearer auth declared). Call it before `app.listen()`; it is not under the API-key guard.
 */
export function setupGatewayDocs(app: INestApplication): void {
  const config = new DocumentBuilder()
    .setTitle('Warren gateway')
    .setDescription(
      'Send user messages to session actors, follow their events (Server-Sent Events), read tasks and history, ' +
        "read and change a user's settings (profile tags, locale, time zone, proactive opt-outs and quiet hours). " +
        'Every /v1 route needs `Authorization: Bearer <API key>`; the key decides the tenant. ' +
        'Operators inspect, replay, edit, discard and purge dead letters under /v1/admin with an admin key ' +
        '(`gateway.admins`; a tenant key gets 403 `WARREN_FORBIDDEN`); every admin action goes to the audit log ' +
        '(`GET /v1/admin/audit`). The ops CLI (`npm run ops -- dlq …`) is a client of these routes. Errors are ' +
        '`{ "error": { "code": "WARREN_*", "message": "…", "fields"?: [...] } }`. ' +
        `Request bodies are JSON (\`Content-Type: application/json\`, UTF-8, not compressed), at most ${MAX_BODY_BYTES / 1024} kB (${MAX_CHAT_BODY_BYTES / 1024 / 1024} MiB for ` +
        `\`/v1/chat/completions\`) and ${MAX_JSON_DEPTH} levels deep: otherwise 413 \`WARREN_PAYLOAD_TOO_LARGE\`, 415 \`WARREN_UNSUPPORTED_MEDIA_TYPE\` ` +
        'or 400 `WARREN_INVALID_MESSAGE`, on every route. ' +
        '`POST /v1/chat/completions` is OpenAI-compatible (any OpenAI SDK with `baseURL` `<gateway>/v1` and the tenant key): ' +
        'the same router, limiter and moderation as a session turn, no history kept, the task id in `x-warren-task-id`; ' +
        'its errors use OpenAI\'s shape `{ "error": { "message", "type", "param", "code": "WARREN_*" } }`.',
    )
    .setVersion('1')
    .addBearerAuth({ type: 'http', scheme: 'bearer', description: 'An API key of your tenant, or an admin key for /v1/admin.' })
    .build();
  SwaggerModule.setup(GATEWAY_DOCS.UI.slice(1), app, () => SwaggerModule.createDocument(app, config), {
    jsonDocumentUrl: GATEWAY_DOCS.JSON.slice(1),
    raw: ['json'],
  });
}
