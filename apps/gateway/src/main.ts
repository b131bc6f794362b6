import 'reflect-metadata';
import { Logger, type LogLevel } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { loadConfig } from '@warren/config';
import { WarrenError } from '@warren/contracts';
import { createStore } from '@warren/store';
import { installContextManager } from '@warren/telemetry';
import { setupGatewayDocs } from './docs/gateway-docs';
import { GatewayAppModule } from './gateway-app.module';

const NEST_LEVELS: Record<string, LogLevel[]> = {
  trace: ['verbose', 'debug', 'log', 'warn', 'error', 'fatal'],
  debug: ['debug', 'log', 'warn', 'error', 'fatal'],
  info: ['log', 'warn', 'error', 'fatal'],
  warn: ['warn', 'error', 'fatal'],
  error: ['error', 'fatal'],
  fatal: ['fatal'],
  silent: [],
};

/** Starts the standalone gateway: config, store, broker, HTTP on `gateway.port`; closes on SIGTERM/SIGINT. */
async function main(): Promise<void> {
  // The POST's server span is the parent of the message it sends (a library must not install this for the app).
  installContextManager();
  const config = loadConfig();
  const store = createStore(config.store);
  await store.init();
  const app = await NestFactory.create(GatewayAppModule.register(config, store), {
    logger: NEST_LEVELS[config.log.level],
    abortOnError: false,
  });
  app.enableShutdownHooks();
  setupGatewayDocs(app);
  await app.listen(config.gateway.port, config.gateway.host);
  new Logger('Warren').log(`gateway ${config.runtime.nodeId} ready on port ${config.gateway.port}`);
  process.once('exit', () => void store.close());
}

main().catch((err: unknown) => {
  // Expected failures (broker down, bad configuration) get one clear line, not a stack trace.
  if (err instanceof WarrenError) console.error(`warren: ${err.message}`);
  else console.error(err);
  process.exit(1);
});
