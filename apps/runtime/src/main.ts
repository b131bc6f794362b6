import 'reflect-metadata';
import { Logger, type LogLevel } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { WarrenServer } from '@warren/amqp';
import { loadConfig } from '@warren/config';
import { WarrenError } from '@warren/contracts';
import { createStore } from '@warren/store';
import { installContextManager } from '@warren/telemetry';
import { RuntimeModule } from './runtime.module';

const NEST_LEVELS: Record<string, LogLevel[]> = {
  trace: ['verbose', 'debug', 'log', 'warn', 'error', 'fatal'],
  debug: ['debug', 'log', 'warn', 'error', 'fatal'],
  info: ['log', 'warn', 'error', 'fatal'],
  warn: ['warn', 'error', 'fatal'],
  error: ['error', 'fatal'],
  fatal: ['fatal'],
  silent: [],
};

/** Starts the runtime: config, store, broker, actors; drains on SIGTERM/SIGINT. */
async function main(): Promise<void> {
  // Trace context follows async calls in this process (a library must not install it for the app).
  installContextManager();
  const config = loadConfig();
  const store = createStore(config.store);
  await store.init();
  const app = await NestFactory.create(RuntimeModule.register(config, store), {
    logger: NEST_LEVELS[config.log.level],
    abortOnError: false,
  });
  app.enableShutdownHooks();
  app.connectMicroservice({ strategy: app.get(WarrenServer) }, { inheritAppConfig: true });
  await app.init();
  await app.startAllMicroservices();
  await app.listen(config.gateway.port, config.gateway.host);
  new Logger('Warren').log(`runtime ${config.runtime.nodeId} ready on port ${config.gateway.port}`);
  process.once('exit', () => void store.close());
}

main().catch((err: unknown) => {
  // Expected failures (broker down, bad configuration) get one clear line, not a stack trace.
  if (err instanceof WarrenError) console.error(`warren: ${err.message}`);
  else console.error(err);
  process.exit(1);
});
