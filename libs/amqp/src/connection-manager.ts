import type { Duplex } from 'node:stream';
import type { RuntimeLogger } from '@warren/actors';
import { BrokerUnavailableError, ConnectionLostError, WarrenError } from '@warren/contracts';
import { type ChannelModel, connect, type RecoveringChannelModel } from 'amqplib';
import { AMQP_DEFAULTS } from './amqp-options';
import { BrokerTimeoutError, withTimeout } from './broker-timeout';
import { type BrokerNode, type BrokerUrl, describeConnectionError, maskUrl, nodeLabel, parseBrokerUrl, rotatingTarget } from './broker-url';
import { WARNINGS_TO_CONSOLE } from './console-logger';
import { coalesceWrites } from './write-coalescing';

/** Runs on every (re)connection, in registration order, before the connection is announced. */
export type ConnectHook = (model: ChannelModel) => Promise<void>;
/** Runs when the connection is lost; the hooks fail work in flight at once. */
export type DisconnectHook = (error: Error) => void;

/** The bounded broker operations a channel owner needs (`ConnectionManager#op`, `#closeQuietly`). */
export type BrokerOps = Pick<ConnectionManager, 'op' | 'closeQuietly'>;

/** Options of the connection manager (a subset of the transport's; see `AmqpTransportOptions`). */
export interface ConnectionOptions {
  /** One URL, possibly listing several nodes: `amqp://u:p@h1,h2:5673/vhost`. */
  url: string;
  connectRetries: number;
  heartbeatSeconds: number;
  /** @default AMQP_DEFAULTS.connectTimeoutMs */
  connectTimeoutMs?: number;
  /** @default AMQP_DEFAULTS.operationTimeoutMs */
  operationTimeoutMs?: number;
  /** @default AMQP_DEFAULTS.closeTimeoutMs */
  closeTimeoutMs?: number;
  /** @default AMQP_DEFAULTS.setupTimeoutMs */
  setupTimeoutMs?: number;
  /** Connection name shown in the management UI. */
  name: string;
}

type Limits = Required<Pick<ConnectionOptions, 'connectTimeoutMs' | 'operationTimeoutMs' | 'closeTimeoutMs' | 'setupTimeoutMs'>>;

/** Back-off between connection attempts: 200 ms doubling up to 10 s, ±20 % jitter (amqplib's recovery). */
const RECONNECT_INITIAL_DELAY_MS = 200;
const RECONNECT_MAX_DELAY_MS = 10_000;

/**
 * One AMQP connection that recovers by itself (amqplib's recovery, exponential backoff with
 * jitter), to one node of the URL's node list at a time: an attempt that fails, or a connection
 * that is lost, moves to the next node. On each connection the hooks re-declare topology and
 * re-open channels and consumers, in set-up phases with a time limit; on loss, pending work
 * fails at once with `ConnectionLostError`. Every wait on the broker has a limit
 * (`connectTimeoutMs`, `operationTimeoutMs`, `setupTimeoutMs`, `closeTimeoutMs`): a broker that
 * stops answering is treated as lost, never waited on forever. Loss, failover and recovery are logged.
 */
export class ConnectionManager {
  private recovering: RecoveringChannelModel | undefined;
  private model: ChannelModel | undefined;
  private readonly connectHooks: ConnectHook[] = [];
  private readonly disconnectHooks: DisconnectHook[] = [];
  private waiters: { resolve: (m: ChannelModel) => void; reject: (e: Error) => void }[] = [];
  private closing = false;
  private readonly broker: BrokerUrl;
  /** Index in `broker.nodes` of the node the next (or current) connection goes to. */
  private nodeIndex = 0;
  private connectedNode: BrokerNode | undefined;
  private everConnected = false;
  /** Set while `start()` runs: a failed set-up then fails the start instead of being retried. */
  private onStartSetupFailure: ((error: Error) => void) | undefined;
  private onSetupBegins: (() => void) | undefined;
  private lostAt = 0;
  private stalled = false;

  private readonly options: ConnectionOptions & Limits;

  constructor(
    options: ConnectionOptions,
    private readonly log: RuntimeLogger = WARNINGS_TO_CONSOLE,
  ) {
    this.options = {
      ...options,
      connectTimeoutMs: options.connectTimeoutMs ?? AMQP_DEFAULTS.connectTimeoutMs,
      operationTimeoutMs: options.operationTimeoutMs ?? AMQP_DEFAULTS.operationTimeoutMs,
      closeTimeoutMs: options.closeTimeoutMs ?? AMQP_DEFAULTS.closeTimeoutMs,
      setupTimeoutMs: options.setupTimeoutMs ?? AMQP_DEFAULTS.setupTimeoutMs,
    };
    this.broker = parseBrokerUrl(options.url);
  }

  onConnect(hook: ConnectHook): void {
    this.connectHooks.push(hook);
  }

  onDisconnect(hook: DisconnectHook): void {
    this.disconnectHooks.push(hook);
  }

  get connected(): boolean {
    return this.model !== undefined;
  }

  /** `host:port` of the node this process is connected to (undefined while disconnected). */
  get currentNode(): string | undefined {
    return this.model && this.connectedNode ? nodeLabel(this.connectedNode) : undefined;
  }

  /** The URL with its password hidden. */
  get maskedUrl(): string {
    return maskUrl(this.options.url);
  }

  /**
   * Connects (at least one attempt per node, `connectRetries` in all) and runs the set-up hooks;
   * rejects with a one-line `BrokerUnavailableError` when no node completes the handshake within
   * `connectTimeoutMs` per attempt, and with the set-up's error when a set-up phase fails.
   */
  async start(): Promise<void> {
    const attempts = Math.max(this.options.connectRetries, this.broker.nodes.length);
    const nodes = this.broker.nodes.map(nodeLabel).join(', ');
    this.log.info({ url: this.maskedUrl, nodes, attempts, timeoutMs: this.options.connectTimeoutMs }, 'connecting to RabbitMQ');
    const started = Date.now();
    const heartbeat = this.broker.query.heartbeat !== undefined ? Number(this.broker.query.heartbeat) : this.options.heartbeatSeconds;
    const recovering = await connect(
      rotatingTarget(this.broker, heartbeat, () => this.broker.nodes[this.nodeIndex]),
      {
        noDelay: true, // without it Nagle's algorithm adds ~40 ms to every ask
        timeout: this.options.connectTimeoutMs, // a silent peer fails the attempt (amqplib clears it once open)
        clientProperties: { connection_name: this.options.name },
        recovery: {
          initialDelay: RECONNECT_INITIAL_DELAY_MS,
          maxDelay: RECONNECT_MAX_DELAY_MS,
          initialMaxRetries: attempts - 1,
          waitForConnect: false,
          setup: (model: ChannelModel) => this.setup(model),
        },
      },
    );
    this.recovering = recovering;
    this.watch(recovering);

    // The hard limit over the whole connect: amqplib's socket timeout is an idle timeout, which a
    // peer that trickles bytes would never trip. Set-up phases have their own limits.
    const hardLimitMs = attempts * (this.options.connectTimeoutMs + RECONNECT_MAX_DELAY_MS);
    let timer: NodeJS.Timeout | undefined;
    let setupFailed = false;
    try {
      await new Promise<void>((resolve, reject) => {
        this.onStartSetupFailure = (err) => {
          setupFailed = true;
          reject(err);
        };
        this.onSetupBegins = () => clearTimeout(timer);
        timer = setTimeout(
          () => reject(new BrokerTimeoutError(`the connection handshake (${attempts} attempts)`, hardLimitMs)),
          hardLimitMs,
        );
        recovering.waitForConnect().then(() => resolve(), reject);
      });
    } catch (err) {
      await this.abandon();
      if (err instanceof WarrenError) throw err; // a set-up's own diagnosis (a missing plugin, a phase past its limit)
      if (setupFailed)
        throw new BrokerUnavailableError(`setting up the connection to RabbitMQ at ${this.maskedUrl} failed: ${this.describe(err)}`, {
          cause: err,
        });
      throw new BrokerUnavailableError(
        `cannot reach RabbitMQ at ${this.maskedUrl} (${this.describe(err)}). Start it (e.g. "rabbitmq-server -detached" or "docker compose up -d rabbitmq") or set AMQP_URL.`,
        { cause: err },
      );
    } finally {
      clearTimeout(timer);
      this.onStartSetupFailure = undefined;
      this.onSetupBegins = undefined;
    }
    this.log.info({ node: this.currentNode, ms: Date.now() - started }, 'connected to RabbitMQ');
  }

  private watch(recovering: RecoveringChannelModel): void {
    // These listeners run inside amqplib's recovery: one that threw would stop the reconnection.
    const safely =
      <A extends unknown[]>(fn: (...args: A) => void) =>
      (...args: A): void => {
        try {
          fn(...args);
        } catch {
          // logging must never break recovery
        }
      };
    recovering.on('error', () => undefined); // reported through 'disconnect'
    recovering.on(
      'disconnect',
      safely((err: Error) => {
        const node = this.connectedNode;
        this.rotate();
        this.lost(err, node);
      }),
    );
    recovering.on(
      'connect-failed',
      safely((err: Error) => {
        const node = this.broker.nodes[this.nodeIndex];
        this.rotate();
        this.log.warn(
          { node: nodeLabel(node), reason: this.describe(err), next: nodeLabel(this.broker.nodes[this.nodeIndex]) },
          'could not connect to RabbitMQ',
        );
      }),
    );
    recovering.on(
      'reconnect-scheduled',
      safely((e: { attempt: number; delay: number }) => {
        this.log.info(
          { attempt: e.attempt, delayMs: e.delay, node: nodeLabel(this.broker.nodes[this.nodeIndex]) },
          'reconnecting to RabbitMQ',
        );
      }),
    );
    recovering.on(
      'reconnect-failed',
      safely((err: Error) => {
        if (this.everConnected) this.log.error({ reason: this.describe(err) }, 'gave up reconnecting to RabbitMQ');
      }),
    );
  }

  /** The next node of the list for the next attempt (a no-op with one node). */
  private rotate(): void {
    this.nodeIndex = (this.nodeIndex + 1) % this.broker.nodes.length;
  }

  private async setup(model: ChannelModel): Promise<void> {
    this.onSetupBegins?.();
    const node = this.broker.nodes[this.nodeIndex];
    const reconnect = this.everConnected;
    const started = Date.now();
    model.on('error', () => undefined); // closes follow; 'disconnect' handles them
    const stream = socketOf(model);
    if (stream) coalesceWrites(stream);
    try {
      for (const hook of this.connectHooks) await hook(model);
    } catch (err) {
      // Drop the socket: amqplib then closes this model without waiting for a broker that may not answer.
      this.drop(model, err as Error);
      this.log.error({ node: nodeLabel(node), reason: this.describe(err) }, 'setting up the RabbitMQ connection failed');
      this.onStartSetupFailure?.(err as Error);
      throw err;
    }
    this.model = model;
    this.connectedNode = node;
    this.everConnected = true;
    this.stalled = false;
    for (const w of this.waiters.splice(0)) w.resolve(model);
    if (reconnect)
      this.log.info(
        { node: nodeLabel(node), setupMs: Date.now() - started, downMs: this.lostAt ? Date.now() - this.lostAt : undefined },
        'connection to RabbitMQ restored: topology re-declared, channels and consumers re-opened',
      );
  }

  private lost(err: Error, node: BrokerNode | undefined): void {
    if (!this.model) return;
    this.model = undefined;
    this.lostAt = Date.now();
    const reason = this.describe(err);
    // Pending work fails first (asks at once with ConnectionLostError), then the log line.
    const error = new ConnectionLostError(`connection to RabbitMQ lost: ${reason}`, { cause: err });
    for (const hook of this.disconnectHooks) hook(error);
    if (!this.closing)
      this.log.warn(
        { node: node ? nodeLabel(node) : undefined, reason, next: nodeLabel(this.broker.nodes[this.nodeIndex]) },
        'connection to RabbitMQ lost; reconnecting',
      );
  }

  /**
   * Waits at most `operationTimeoutMs` for a broker operation on `model` (a declare, a bind, a
   * consume, a channel open). Past it the connection is dropped (a broker that stopped answering
   * one channel is treated as lost) and the operation rejects with `BrokerTimeoutError`.
   */
  op<T>(model: ChannelModel, operation: Promise<T>, what: string): Promise<T> {
    return withTimeout(operation, this.options.operationTimeoutMs, what, (error) => {
      this.stalled = true;
      this.drop(model, error);
    });
  }

  /**
   * One set-up phase (the topology, one actor type's consumers), logged with its duration and
   * limited to `setupTimeoutMs`: past it the connection is dropped and the phase rejects.
   */
  async phase<T>(model: ChannelModel, name: string, fields: object, run: () => Promise<T>): Promise<T> {
    const started = Date.now();
    this.log.debug({ phase: name, ...fields }, 'broker set-up phase started');
    const result = await withTimeout(run(), this.options.setupTimeoutMs, `the ${name} set-up phase`, (error) => this.drop(model, error));
    this.log.info({ phase: name, ...fields, ms: Date.now() - started }, `${name} ready`);
    return result;
  }

  /**
   * Closes a channel (or anything with `close()`), waiting at most `closeTimeoutMs`; never rejects.
   * A close that runs out of time marks the broker `unresponsive` (until the next connection);
   * from then on closes are sent without waiting for the broker's answer (a shutdown facing a
   * frozen broker pays the close limit once, not once per channel).
   */
  async closeQuietly(closable: { close(): Promise<unknown> } | undefined, what = 'channel.close'): Promise<void> {
    if (!closable) return;
    const closing = Promise.resolve().then(() => closable.close());
    if (this.stalled) {
      closing.catch(() => undefined);
      return;
    }
    await withTimeout(closing, this.options.closeTimeoutMs, what, () => {
      this.stalled = true;
      if (!this.closing) this.log.warn({ what, timeoutMs: this.options.closeTimeoutMs }, 'RabbitMQ did not confirm a close in time');
    }).catch(() => undefined);
  }

  /** True when a close or an operation ran out of time on the current connection: skip further graceful closes. */
  get unresponsive(): boolean {
    return this.stalled;
  }

  /** Destroys the socket of `model` with `error`: amqplib sees a lost connection and recovery takes over. */
  drop(model: ChannelModel | undefined, error: Error): void {
    const stream = model ? socketOf(model) : undefined;
    if (!stream || stream.destroyed) return;
    if (!this.closing) this.log.warn({ reason: error.message }, 'dropping the RabbitMQ connection: the broker stopped answering');
    stream.destroy(error);
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

  /** Closes the connection; waits at most `closeTimeoutMs` for the broker, then drops the socket. */
  async close(): Promise<void> {
    this.closing = true;
    await this.abandon();
  }

  private async abandon(): Promise<void> {
    this.closing = true;
    for (const w of this.waiters.splice(0)) w.reject(new BrokerUnavailableError('the transport is closed'));
    const model = this.model;
    this.model = undefined;
    const recovering = this.recovering;
    if (!recovering) return;
    // A broker that already failed to answer a close gets no chance to hold this one up.
    if (this.stalled) this.drop(model, new BrokerTimeoutError('connection.close', 0));
    try {
      await withTimeout(recovering.close(), this.options.closeTimeoutMs, 'connection.close');
    } catch (err) {
      this.drop(model, err as Error);
    }
  }

  private describe(err: unknown): string {
    return describeConnectionError(err, this.options.connectTimeoutMs);
  }
}

/** The socket under an amqplib connection (amqplib does not expose it in its types). */
function socketOf(model: ChannelModel): Duplex | undefined {
  return (model as unknown as { connection?: { stream?: Duplex } }).connection?.stream;
}
