import type { Writable } from 'node:stream';
import { BrokerUnavailableError, ConnectionLostError, WarrenError } from '@warren/contracts';
import { type ChannelModel, connect, type RecoveringChannelModel } from 'amqplib';
import { maskUrl } from './amqp-options';
import { coalesceWrites } from './write-coalescing';

/** Runs on every (re)connection, in registration order, before the connection is announced. */
export type ConnectHook = (model: ChannelModel) => Promise<void>;
/** Runs when the connection is lost; the hooks fail work in flight at once. */
export type DisconnectHook = (error: Error) => void;

/** Options of the connection manager (a subset of the transport's). */
export interface ConnectionOptions {
  url: string;
  connectRetries: number;
  heartbeatSeconds: number;
  /** Connection name shown in the management UI. */
  name: string;
}

/**
 * One AMQP connection that recovers by itself (amqplib's recovery, exponential backoff with
 * jitter). On each connection the hooks re-declare topology and re-open channels and
 * consumers; on loss, pending work fails at once with `ConnectionLostError`.
 */
export class ConnectionManager {
  private recovering: RecoveringChannelModel | undefined;
  private model: ChannelModel | undefined;
  private readonly connectHooks: ConnectHook[] = [];
  private readonly disconnectHooks: DisconnectHook[] = [];
  private waiters: { resolve: (m: ChannelModel) => void; reject: (e: Error) => void }[] = [];
  private closing = false;

  constructor(private readonly options: ConnectionOptions) {}

  onConnect(hook: ConnectHook): void {
    this.connectHooks.push(hook);
  }

  onDisconnect(hook: DisconnectHook): void {
    this.disconnectHooks.push(hook);
  }

  get connected(): boolean {
    return this.model !== undefined;
  }

  /** Connects (retrying `connectRetries` times); rejects with a one-line `BrokerUnavailableError`. */
  async start(): Promise<void> {
    const url = withHeartbeat(this.options.url, this.options.heartbeatSeconds);
    try {
      this.recovering = await connect(url, {
        noDelay: true, // without it Nagle's algorithm adds ~40 ms to every ask
        clientProperties: { connection_name: this.options.name },
        recovery: {
          initialDelay: 200,
          maxDelay: 10_000,
          initialMaxRetries: Math.max(0, this.options.connectRetries - 1),
          setup: (model: ChannelModel) => this.setup(model),
        },
      });
    } catch (err) {
      if (err instanceof WarrenError) throw err; // a setup hook's own diagnosis (e.g. a missing plugin)
      throw new BrokerUnavailableError(
        `cannot reach RabbitMQ at ${maskUrl(this.options.url)} (${describe(err)}). Start it (e.g. "rabbitmq-server -detached" or "docker compose up -d rabbitmq") or set AMQP_URL.`,
        { cause: err },
      );
    }
    this.recovering.on('disconnect', (err: Error) => this.lost(err));
    this.recovering.on('error', () => undefined); // reported through 'disconnect'
  }

  private async setup(model: ChannelModel): Promise<void> {
    model.on('error', () => undefined); // closes follow; 'disconnect' handles them
    const stream = (model as unknown as { connection?: { stream?: Writable } }).connection?.stream;
    if (stream) coalesceWrites(stream);
    for (const hook of this.connectHooks) await hook(model);
    this.model = model;
    for (const w of this.waiters.splice(0)) w.resolve(model);
  }

  private lost(err: Error): void {
    if (!this.model) return;
    this.model = undefined;
    const error = new ConnectionLostError(`connection to RabbitMQ lost: ${describe(err)}`, { cause: err });
    for (const hook of this.disconnectHooks) hook(error);
  }

  /** The live connection, or waits for the next one up to `timeoutMs`. */
  whenConnected(timeoutMs: number): Promise<ChannelModel> {
    if (this.model) return Promise.resolve(this.model);
    if (this.closing) return Promise.reject(new BrokerUnavailableError('the transport is closed'));
    return new Promise((resolve, reject) => {
      const waiter = {
        resolve: (m: ChannelModel) => {
          clearTimeout(timer);
          resolve(m);
        },
        reject,
      };
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w !== waiter);
        reject(new BrokerUnavailableError(`RabbitMQ is unreachable (waited ${timeoutMs} ms for it to come back)`));
      }, timeoutMs);
      this.waiters.push(waiter);
    });
  }

  async close(): Promise<void> {
    this.closing = true;
    for (const w of this.waiters.splice(0)) w.reject(new BrokerUnavailableError('the transport is closed'));
    this.model = undefined;
    await this.recovering?.close().catch(() => undefined);
  }
}

function withHeartbeat(url: string, seconds: number): string {
  if (/[?&]heartbeat=/.test(url)) return url;
  return `${url}${url.includes('?') ? '&' : '?'}heartbeat=${seconds}`;
}

function describe(err: unknown): string {
  if (err instanceof AggregateError && err.errors.length > 0) return describe(err.errors[0]);
  const e = err as { code?: string; message?: string };
  return e?.code ?? e?.message ?? String(err);
}
