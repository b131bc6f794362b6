import type { INestApplication } from '@nestjs/common';
import { DocumentBuilder, type OpenAPIObject, SwaggerModule } from '@nestjs/swagger';
import { GatewayModule } from '../gateway.module';
import { MAX_BODY_BYTES, MAX_CHAT_BODY_BYTES, MAX_JSON_DEPTH } from '../http/json-body';

/** Where the OpenAPI document is served. */
export const GATEWAY_DOCS = Object.freeze({ UI: '/docs', JSON: '/docs-json' });

/** The document's title, version, description and security scheme. */
export function gatewayDocumentConfig(): Omit<OpenAPIObject, 'paths'> {
  return (
    new DocumentBuilder()
      .setTitle('Warren gateway')
      .setDescription(
        'Send user messages to session actors, follow their events (Server-Sent Events), read tasks and history, ' +
          "read and change a user's settings (profile tags, locale, time zone, proactive opt-outs and quiet hours). " +
          'Every /v1 route needs `Authorization: Bearer <API key>`; the key decides the tenant. ' +
          'Operators inspect, replay, edit, discard and purge dead letters under /v1/admin with an admin key ' +
          '(`gateway.admins`; a tenant key gets 403 `WARREN_FORBIDDEN`); every admin action goes to the audit log ' +
          '(`GET /v1/admin/audit`). The ops CLI (`warren-ops dlq …`) is a client of these routes. Errors are RFC 9457 problem details ' +
          '(`application/problem+json`: `type`, `title`, `status`, `detail`, `instance`, and the extension members `code`, a stable ' +
          '`WARREN_*` code listed in the `WarrenErrorCode` schema, and `fields`, the wrong request fields). ' +
          `Request bodies are JSON (\`Content-Type: application/json\`, UTF-8, not compressed), at most ${MAX_BODY_BYTES / 1024} kB (${MAX_CHAT_BODY_BYTES / 1024 / 1024} MiB for ` +
          `\`/v1/chat/completions\`) and ${MAX_JSON_DEPTH} levels deep: otherwise 413 \`WARREN_PAYLOAD_TOO_LARGE\`, 415 \`WARREN_UNSUPPORTED_MEDIA_TYPE\` ` +
          'or 400 `WARREN_INVALID_MESSAGE`, on every route. `/health` (liveness), `/ready` (broker and store) and `/metrics` ' +
          '(Prometheus) are open and not part of this document. ' +
          '`POST /v1/chat/completions`, `GET /v1/models` and `POST /v1/embeddings` are OpenAI-compatible (any OpenAI SDK with `baseURL` ' +
          '`<gateway>/v1` and the tenant key): the same router, limiter and moderation as a session turn, no history kept, the task id in ' +
          "`x-warren-task-id`; their errors, and those of any other `/v1` path outside sessions, tasks, users and admin, use OpenAI's shape " +
          '`{ "error": { "message", "type", "param", "code": "WARREN_*" } }`.',
      )
      .setVersion('1')
      // The keys are opaque strings, not JWTs (Nest's default bearerFormat).
      .addBearerAuth({
        type: 'http',
        scheme: 'bearer',
        bearerFormat: 'opaque API key',
        description: 'An API key of your tenant, or an admin key for /v1/admin.',
      })
      .build()
  );
}

/**
 * Serves the OpenAPI document of the gateway's API: Swagger UI at `/docs`, the JSON at
 * `/docs-json` (bearer auth declared). Call it before `app.listen()`; it is not under the API-key guard.
 */
export function setupGatewayDocs(app: INestApplication): void {
  SwaggerModule.setup(GATEWAY_DOCS.UI.slice(1), app, () => createGatewayDocument(app), {
    jsonDocumentUrl: GATEWAY_DOCS.JSON.slice(1),
    raw: ['json'],
  });
}

/**
 * The OpenAPI document of the gateway's API (the routes of `GatewayModule`; `/health`, `/ready` and
 * `/metrics` are the apps' own, described in the README). Every operation names its `operationId`
 * (what client generators call its method); one that does not gets `<controller>_<method>` so it
 * still shows. `docs/openapi.json` is this document, and `packages/client` is generated from it.
 */
export function createGatewayDocument(app: INestApplication): OpenAPIObject {
  return SwaggerModule.createDocument(app, gatewayDocumentConfig(), {
    include: [GatewayModule],
    operationIdFactory: (controllerKey, methodKey) => `${controllerKey.replace(/Controller$/, '')}_${methodKey}`,
  });
}
