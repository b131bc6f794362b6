import { Global, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { OpenAPIObject } from '@nestjs/swagger';
import { AmqpTransport, WarrenClient } from '@warren/amqp';
import { WARREN_STORE } from '@warren/store';
import { GatewayModule } from '../gateway.module';
import { createGatewayDocument } from './gateway-docs';

/**
 * Stand-ins for what the gateway's providers are given by the app (the broker, the store): the
 * document only reads the controllers' metadata, and the app is never initialised, so nothing is
 * called on them.
 */
@Global()
@Module({
  providers: [
    { provide: WARREN_STORE, useValue: {} },
    { provide: AmqpTransport, useValue: {} },
    { provide: WarrenClient, useValue: {} },
  ],
  exports: [WARREN_STORE, AmqpTransport, WarrenClient],
})
class DocumentOnlyDependencies {}

@Module({ imports: [DocumentOnlyDependencies, GatewayModule.register()] })
class DocumentOnlyApp {}

/**
 * The gateway's OpenAPI document without a broker, a store or a port: the one `/docs-json` serves
 * (`createGatewayDocument`), from the same controllers. `npm run openapi` writes it to
 * `docs/openapi.json` and generates `packages/client` from it.
 */
export async function buildGatewayDocument(): Promise<OpenAPIObject> {
  const app = await NestFactory.create(DocumentOnlyApp, { logger: false, abortOnError: false });
  try {
    return createGatewayDocument(app);
  } finally {
    await app.close();
  }
}

/** The document as `docs/openapi.json` holds it: two-space JSON and a final newline. */
export function serializeDocument(document: OpenAPIObject): string {
  return `${JSON.stringify(document, null, 2)}\n`;
}
