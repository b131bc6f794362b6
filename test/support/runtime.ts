import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ActorRuntime, type HostOptions, type RuntimeLogger, type RuntimeOptionsInput, resolveRuntimeOptions } from '@warren/actors';
import { AmqpTransport, type AmqpTransportOptions, resolveAmqpOptions } from '@warren/amqp';
import { createStore, type WarrenStore } from '@warren/store';
import { autoTeardown } from './broker';

/** A runtime hosted in the test process, with its own embedded store. */
export interface InProcessRuntime {
  runtime: ActorRuntime;
  transport: AmqpTransport;
  store: WarrenStore;
  dataDir: string;
  stop(): Promise<void>;
}

/** Logs only warnings and errors, so a failing test shows what the runtime saw. */
export const testLogger: RuntimeLogger = {
  debug: () => undefined,
  info: () => undefined,
  warn: (obj, msg) => console.warn(msg, obj),
  error: (obj, msg) => console.error(msg, obj),
};

export function tempDir(prefix: string): string {
  return mkdtempSync(join(tmpdir(), `warren-${prefix}-`));
}

/** Starts a runtime on `url` hosting `actors`; `stop()` drains and closes it. */
export async function startRuntime(
  url: string,
  actors: { instance: object; options?: HostOptions }[],
  opts: {
    amqp?: Partial<AmqpTransportOptions>;
    runtime?: RuntimeOptionsInput;
    kinds?: Record<string, 'entity' | 'worker'>;
    dataDir?: string;
    logger?: RuntimeLogger;
  } = {},
): Promise<InProcessRuntime> {
  const dataDir = opts.dataDir ?? tempDir('rt');
  const store = createStore({ dataDir });
  await store.init();
  const transport = new AmqpTransport(
    resolveAmqpOptions({ url, shardCount: 4, workerRetryTiersMs: [200, 400], ...opts.amqp }),
    { kinds: opts.kinds ?? {} },
    opts.logger ?? testLogger,
  );
  const runtime = new ActorRuntime(
    transport,
    store.actors,
    resolveRuntimeOptions({ drainTimeoutMs: 5000, ...opts.runtime }),
    opts.logger ?? testLogger,
    { reminders: store.reminders },
  );
  await transport.start();
  for (const a of actors) await runtime.host(a.instance, a.options);
  let stopped = false;
  return autoTeardown({
    runtime,
    transport,
    store,
    dataDir,
    stop: async () => {
      if (stopped) return;
      stopped = true;
      await runtime.stop();
      await transport.close();
      await store.close();
      if (!opts.dataDir) rmSync(dataDir, { recursive: true, force: true });
    },
  });
}
