import 'reflect-metadata';
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { buildGatewayDocument, serializeDocument } from './openapi-document';

/** `npm run openapi`: writes the gateway's OpenAPI document to the path given (default `docs/openapi.json`). */
async function main(): Promise<void> {
  const target = resolve(process.argv[2] ?? 'docs/openapi.json');
  writeFileSync(target, serializeDocument(await buildGatewayDocument()));
  process.stdout.write(`wrote ${target}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`openapi: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
});
