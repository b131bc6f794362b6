import type { Server } from 'node:http';
import { type DynamicModule, type INestApplication, Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { loadConfig, type WarrenConfig } from '@warren/config';
import { WarrenError } from '@warren/contracts';
import { createStore, type WarrenStore } from '@warren/store';
import {
  createWarrenLogger,
  installContextManager,
  installRootLogger,
  NestPinoLogger,
  observeHttpServer,
  resolveLogOptions,
  rootLogger,
  startTracingFromEnv,
} from '@warren/telemetry';
import { withTimeout } from '../broker-timeout';
import { WarrenServer } from './warren.server';

/** The signals that start a graceful shutdown. */
const SHUTDOWN_SIGNALS = ['SIGTERM', 'SIGINT'] as const;

/** What an app's main tells `runWarrenApp`. */
export interface WarrenAppSpec {
  /** Shown in the start-up line (`runtime`, `gateway`, `warren`). */
  name: string;
  /** The root module of the app for this configuration and store. */
  module(config: WarrenConfig, store: WarrenStore): DynamicModule;
  /** Host `@Actor` providers (starts the Warren transport strategy). @default true */
  hostsActors?: boolean;
  /**
   * The HTTP port of this app (health, metrics, and for the gateway its API). Each app has its
   * own setting so that apps on one machine do not compete for one port.
   * @default config.gateway.port (`PORT`)
   */
  port?(config: WarrenConfig): number;
  /** Last touches before listening (OpenAPI docs …). */
  configure?(app: INestApplication, config: WarrenConfig): void;
}

/**
 * The main of every Warren app: configuration, store, Nest app, actors, HTTP on the app's port;
 * drains on SIGTERM/SIGINT. Start-up runs in logged phases, each with a limit (`amqp.setupTimeoutMs`;
 * the broker's own phases have theirs); shutdown has a hard limit (`runtime.drainTimeoutMs` +
 * `runtime.shutdownGraceMs`) after which the process exits with code 1. Expected failures (broker
 * down or silent, bad configuration) end the process with one clear line and a non-zero exit
 * code instead of a stack trace, so a supervisor restarts it.
 */
export function runWarrenApp(spec: WarrenAppSpec): void {
  start(spec).catch((err: unknown) => {
    const root = rootLogger();
    if (err instanceof WarrenError) {
      if (root) root.fatal({ code: err.code }, `warren: ${err.message}`);
      else console.error(`warren: ${err.message}`);
    } else if (root) root.fatal({ err }, `warren: ${err instanceof Error ? err.message : String(err)}`);
    else console.error(err);
    process.exit(1);
  });
}

async function start(spec: WarrenAppSpec): Promise<void> {
  // Trace context follows async calls in this process (a library must not install it for the app).
  installContextManager();
  const config = loadConfig();
  // Structured logs from here on: pino (JSON lines, or readable ones on a terminal), Nest's Logger included.
  const logger = createWarrenLogger(
    resolveLogOptions({ level: config.log.level, format: config.log.format, nodeId: config.runtime.nodeId, app: spec.name }),
  );
  installRootLogger(logger);
  const nestLogger = new NestPinoLogger(logger);
  Logger.overrideLogger(nestLogger);
  const log = new Logger('Warren');
  // Opt-in: the OpenTelemetry SDK with the OTLP exporter when the OTEL_* environment asks for it.
  const tracing = startTracingFromEnv({ serviceName: `warren-${spec.name}`, instanceId: config.runtime.nodeId });
  if (tracing) log.log(`tracing: exporting spans to ${tracing.endpoint} (OTLP/HTTP)`);
  const limitMs = config.amqp.setupTimeoutMs;
  const phase = async <T>(name: string, run: () => Promise<T>): Promise<T> => {
    const started = Date.now();
    const result = await withTimeout(run(), limitMs, `the ${name} start-up phase`);
    log.log(`start-up: ${name} done in ${Date.now() - started} ms`);
    return result;
  };
  log.log(`${spec.name} ${config.runtime.nodeId} starting (each start-up phase limited to ${limitMs} ms)`);
  const store = createStore(config.store);
  await phase('store', () => store.init());
  // Nest's shutdown closes the store, awaited (WarrenStoreModule). This is only for a start-up
  // that fails before Nest runs: the embedded store's close is synchronous and finishes here.
  process.once('exit', () => void store.close());
  const app = await NestFactory.create(spec.module(config, store), { logger: nestLogger, abortOnError: false });
  // process.exit(0) at the end (not the signal raised again), so 'exit' handlers run: the last log
  // line is written.
  app.enableShutdownHooks([...SHUTDOWN_SIGNALS], { useProcessExit: true });
  if (spec.hostsActors ?? true) app.connectMicroservice({ strategy: app.get(WarrenServer) }, { inheritAppConfig: true });
  spec.configure?.(app, config);
  // An access line and a server span per request (the gateway's configure has done it already, with its metrics).
  observeHttpServer(app.getHttpServer() as Server, { log: logger.child({ context: 'HTTP' }) });
  // init connects to RabbitMQ and declares the topology (the broker logs its phases and limits them).
  await app.init();
  // Hosts every actor type: all topology first, then the consumers type by type (logged phases).
  await app.startAllMicroservices();
  const port = spec.port ? spec.port(config) : config.gateway.port;
  await phase('HTTP', () => app.listen(port, config.gateway.host));
  const server = app.getHttpServer() as Server;
  armShutdownLimit(config, server, log);
  // The bound port, not the configured one: port 0 picks a free port (tests read this line).
  const address = server.address();
  const bound = typeof address === 'object' && address !== null ? address.port : port;
  log.log(`${spec.name} ${config.runtime.nodeId} ready on port ${bound}`);
}

/**
 * On the first SIGTERM/SIGINT: logs the shutdown, lets Nest drain (actors, then the broker
 * connection), cuts HTTP connections still open after `amqp.closeTimeoutMs` (an SSE stream never
 * ends by itself, and Nest closes HTTP before it drains the actors), and exits with code 1 if the
 * whole shutdown has not finished within `runtime.drainTimeoutMs + runtime.shutdownGraceMs`, or at
 * once on a second signal.
 */
function armShutdownLimit(config: WarrenConfig, server: Server, log: Logger): void {
  const hardLimitMs = config.runtime.drainTimeoutMs + config.runtime.shutdownGraceMs;
  const onSignal = (signal: NodeJS.Signals): void => {
    for (const s of SHUTDOWN_SIGNALS) process.removeListener(s, onSignal);
    const started = Date.now();
    log.log(`${signal} received: shutting down (drain limit ${config.runtime.drainTimeoutMs} ms, hard limit ${hardLimitMs} ms)`);
    server.closeIdleConnections();
    setTimeout(() => server.closeAllConnections(), config.amqp.closeTimeoutMs).unref();
    setTimeout(() => {
      log.error(`shutdown did not finish within ${hardLimitMs} ms; exiting now`);
      process.exit(1);
    }, hardLimitMs).unref();
    process.once('exit', (code) => log.log(`shutdown finished in ${Date.now() - started} ms (exit code ${code})`));
    // Nest ignores a repeated signal; an operator who sends a second one (Ctrl-C twice) means now.
    const again = (second: NodeJS.Signals): void => {
      log.warn(`${second} received again during the shutdown; exiting now`);
      process.exit(1);
    };
    for (const s of SHUTDOWN_SIGNALS) process.once(s, again);
  };
  for (const s of SHUTDOWN_SIGNALS) process.on(s, onSignal);
}
