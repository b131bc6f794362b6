// The gateway in-process against the real broker, as the gateway e2e files share it: a runtime
// node hosting a stand-in session that records what it receives, the store, the gateway app, and a
// plain amqplib publisher (a producer without Warren code) for session events.
import { rmSync } from 'node:fs';
import type { INestApplication } from '@nestjs/common';
import { trace } from '@opentelemetry/api';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { createStore, type WarrenStore } from '@warren/store';
import { installContextManager } from '@warren/telemetry';
import { type ConfirmChannel, connect } from 'amqplib';
import { autoTeardown, type TestVhost, useVhost } from './broker';
import { DEV, ReadReceived, type Received, ReceivingSession, startGatewayApp } from './gateway-in-process';
import { type InProcessRuntime, startRuntime, tempDir } from './runtime';
import { openSse, type SseStream } from './sse-client';

/** What a gateway e2e file works with; filled in its beforeAll. */
export interface GatewayE2e {
  vhost: TestVhost;
  base: string;
  app: INestApplication;
  store: WarrenStore;
  node: InProcessRuntime;
  /** The plain publisher of `publishEvent`; open a new one with `openPublisher` after a broker outage. */
  ch: ConfirmChannel;
}

/** The Authorization header of a key. */
export const auth = (key: string) => ({ authorization: `Bearer ${key}` });

/** Starts the gateway, its runtime node and store in a vhost of its own before the file's tests (torn down after). */
export function useGatewayE2e(name: string) {
  const g = { vhost: useVhost(name) } as GatewayE2e;

  /** A plain amqplib publisher, as a producer without Warren code would have. */
  async function openPublisher(): Promise<ConfirmChannel> {
    const conn = await connect(g.vhost.url, { noDelay: true });
    conn.on('error', () => undefined);
    autoTeardown({ close: () => conn.close().catch(() => undefined) });
    return conn.createConfirmChannel();
  }

  beforeAll(async () => {
    installContextManager();
    trace.setGlobalTracerProvider(new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(new InMemorySpanExporter())] }));
    const dataDir = tempDir(name);
    autoTeardown({ close: () => rmSync(dataDir, { recursive: true, force: true }) });
    g.node = await startRuntime(g.vhost.url, [{ instance: new ReceivingSession() }], { dataDir });
    g.store = createStore({ dataDir });
    await g.store.init();
    autoTeardown({ close: () => g.store.close() });

    g.app = await startGatewayApp(g.vhost.url, g.store);
    autoTeardown({ close: () => g.app.close() });
    g.base = await g.app.getUrl();

    g.ch = await openPublisher();
  });
  afterAll(() => trace.disable());

  return {
    g,
    openPublisher,
    /** POSTs a session message (a string body is sent as is). */
    post(sessionId: string, body: unknown, headers: Record<string, string> = auth(DEV)): Promise<Response> {
      return fetch(`${g.base}/v1/sessions/${sessionId}/messages`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers },
        body: typeof body === 'string' ? body : JSON.stringify(body),
      });
    },
    /** What the stand-in session actor at `address` received. */
    received: (address: string) => g.node.runtime.ref(address).ask<Received[]>(new ReadReceived()),
    /** Publishes a CloudEvent on warren.events as a session actor would (ctx.emit). */
    publishEvent(routingKey: string, sender: string, id: string, data: unknown, taskId?: string): Promise<void> {
      const body = Buffer.from(JSON.stringify({ specversion: '1.0', id, source: 'warren://node/test', type: 'warren.session.x', data }));
      const headers: Record<string, string> = { 'x-warren-sender': sender, ...(taskId ? { 'x-warren-task-id': taskId } : {}) };
      return new Promise((resolve, reject) =>
        g.ch.publish('warren.events', routingKey, body, { messageId: id, headers }, (err) => (err ? reject(err) : resolve())),
      );
    },
    /** Opens an SSE stream of the gateway with a tenant's key. */
    openEvents: (path: string, key: string): Promise<SseStream> => openSse(`${g.base}${path}`, auth(key)),
  };
}
