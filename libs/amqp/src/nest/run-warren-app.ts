import { type DynamicModule, type INestApplication, Logger, type LogLevel } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { loadConfig, type WarrenConfig } from '@warren/config';
import { WarrenError } from '@warren/contracts';
import { createStore, type WarrenStore } from '@warren/store';
import { installContextManager } from '@warren/telemetry';
import { WarrenServer } from './warren.server';

const NEST_LEVELS: Record<string, LogLevel[]> = {
  trace: ['verbose', 'debug', 'log', 'warn', 'error', 'fatal'],
  debug: ['debug', 'log', 'warn', 'error', 'fatal'],
  info: ['log', 'warn', 'error', 'fatal'],
  warn: ['warn', 'error', 'fatal'],
  error: ['error', 'fatal'],
  fatal: ['fatal'],
  silent: [],
};

/** What an app's main tells `runWarrenApp`. */
export interface WarrenAppSpec {
  /** Shown in the start-up line (`runtime`, `gateway`, `warren`). */
  name: string;
  /** The root module of the app for this configuration and store. */
  module(config: WarrenConfig, store: WarrenStore): DynamicModule;
  /** Host `@Actor` providers (starts the Warren transport strategy). @default true */
  hostsActors?: boolean;
  /** Last touches before listening (OpenAPI docs …). */
  configure?(app: INestApplication, config: WarrenConfig): void;
}

/**
 * The main of every Warren app: configuration, store, Nest app, actors, HTTP on `PORT`;
 * drains on SIGTERM/SIGINT. Expected failures (broker down, bad configuration) end the
 * process with one clear line instead of a stack trace.
 */
export function runWarrenApp(spec: WarrenAppSpec): void {
  start(spec).catch((err: unknown) => {
    if (err instanceof WarrenError) console.error(`warren: ${err.message}`);
    else console.error(err);
    process.exit(1);
  });
}

async function start(spec: WarrenAppSpec): Promise<void> {
  // Trace context follows async calls in this process (a library must not install it for the app).
  installContextManager();
  const config = loadConfig();
  const store = createStore(config.store);
  await store.init();
  // The embedded store closes synchronously, after Nest has drained the actors on shutdown.
  process.once('exit', () => void store.close());
  const app = await NestFactory.create(spec.module(config, store), { logger: NEST_LEVELS[config.log.level], abortOnError: false });
  app.enableShutdownHooks();
  if (spec.hostsActors ?? true) app.connectMicroservice({ strategy: app.get(WarrenServer) }, { inheritAppConfig: true });
  spec.configure?.(app, config);
  await app.init();
  await app.startAllMicroservices();
  await app.listen(config.gateway.port, config.gateway.host);
  // The bound port, not the configured one: PORT=0 picks a free port (tests read this line).
  const address = app.getHttpServer().address();
  const port = typeof address === 'object' && address !== null ? address.port : config.gateway.port;
  new Logger('Warren').log(`${spec.name} ${config.runtime.nodeId} ready on port ${port}`);
}
