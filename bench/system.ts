/**
 * The whole system under load: the all-in-one app (`dist/apps/warren/src/main.js`, gateway +
 * runtime in one process) in a child process, and a plain amqplib client in the bench process
 * that plays a voice/RTC server (publishes to `warren.ingress`, reads `warren.events`). Shared
 * by turn.bench.ts and gateway.bench.ts.
 */

import { type ChildProcess, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { createInterface } from 'node:readline';
import { type ChannelModel, type ConfirmChannel, connect } from 'amqplib';
import { rabbitmqctl, repoRoot } from './support';

/** The local model at zero latency and a limiter that never refuses. */
export const SYSTEM_BENCH_ENV: Record<string, string> = {
  WARREN__MODELS__LOCAL__LATENCY_MS: '0',
  WARREN__MODELS__LOCAL__PER_DELTA_MS: '0',
  WARREN__LIMITER__REQUESTS_PER_MINUTE: '100000000',
  WARREN__LIMITER__TOKENS_PER_MINUTE: '1000000000',
};

/** The API key of the development tenant `dev` (config/default.yaml). */
export const DEV_KEY = 'dev-key';

/** Clock ticks per second of /proc/<pid>/stat (100 on every Linux we run on). */
const CLK_TCK = 100;

/** CPU seconds (user + system) a process has used so far; NaN when /proc cannot tell. */
export function cpuSecondsOf(pid: number | undefined): number {
  if (!pid) return Number.NaN;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / CLK_TCK;
  } catch {
    return Number.NaN;
  }
}

let brokerPidCache: number | undefined;
/** The OS pid of the RabbitMQ node (for its CPU time); undefined when it cannot be asked. */
export function brokerPid(): number | undefined {
  if (brokerPidCache !== undefined) return brokerPidCache || undefined;
  try {
    const out = rabbitmqctl('eval', 'list_to_integer(os:getpid()).').trim();
    brokerPidCache = Number(out) || 0;
  } catch {
    brokerPidCache = 0;
  }
  return brokerPidCache || undefined;
}

/** CPU used by the Warren child, the broker and this (load) process over one phase. */
export interface CpuSplit {
  warrenS: number;
  brokerS: number;
  benchS: number;
  /** Wall time of the phase, s. */
  wallS: number;
}

/**
 * CPU the app(s) and the broker use with no turn running, ms per second: the broker serves other
 * vhosts too (other sessions' tests on this machine), and every CPU-per-turn figure carries that
 * background for the turn's duration.
 */
export interface Background {
  appMsPerS: number;
  brokerMsPerS: number;
}

/** The app(s)' and the broker's CPU over `ms` while the caller sends nothing. */
export async function measureBackground(pids: (number | undefined)[], ms = 1000): Promise<Background> {
  const meter = new CpuMeter(pids);
  await new Promise((resolve) => setTimeout(resolve, ms));
  const cpu = meter.read();
  return { appMsPerS: (cpu.warrenS * 1000) / cpu.wallS, brokerMsPerS: (cpu.brokerS * 1000) / cpu.wallS };
}

/** The mean of several background samples. */
export function meanBackground(samples: Background[]): Background | undefined {
  if (samples.length === 0) return undefined;
  const sum = (f: (b: Background) => number) => samples.reduce((n, b) => n + f(b), 0) / samples.length;
  return { appMsPerS: sum((b) => b.appMsPerS), brokerMsPerS: sum((b) => b.brokerMsPerS) };
}

/** CPU per turn (µs) of the app and the broker, raw and net of the background over the phase's wall time. */
export function perTurnUs(cpu: CpuSplit, turns: number, bg?: Background) {
  const n = Math.max(1, turns);
  const app = (cpu.warrenS * 1e6) / n;
  const broker = (cpu.brokerS * 1e6) / n;
  return {
    app,
    broker,
    client: (cpu.benchS * 1e6) / n,
    appNet: bg ? app - (bg.appMsPerS * cpu.wallS * 1000) / n : undefined,
    brokerNet: bg ? broker - (bg.brokerMsPerS * cpu.wallS * 1000) / n : undefined,
  };
}

/** CPU of the Warren process(es), the broker and this process from its construction to each `read()`. */
export class CpuMeter {
  private readonly pids: (number | undefined)[];
  private readonly w0: number;
  private readonly b0: number;
  private readonly c0 = process.cpuUsage();
  private readonly t0 = performance.now();
  /** `warrenPids`: one process, or several whose CPU is added up (a gateway and a runtime). */
  constructor(warrenPids: number | undefined | (number | undefined)[]) {
    this.pids = Array.isArray(warrenPids) ? warrenPids : [warrenPids];
    this.w0 = this.warren();
    this.b0 = cpuSecondsOf(brokerPid());
  }
  private warren(): number {
    return this.pids.reduce<number>((sum, pid) => sum + cpuSecondsOf(pid), 0);
  }
  read(): CpuSplit {
    const c = process.cpuUsage(this.c0);
    return {
      warrenS: this.warren() - this.w0,
      brokerS: cpuSecondsOf(brokerPid()) - this.b0,
      benchS: (c.user + c.system) / 1e6,
      wallS: (performance.now() - this.t0) / 1000,
    };
  }
}

/** "Warren 412 µs, broker 380 µs, load client 90 µs" per turn. */
export function cpuPerTurn(cpu: CpuSplit, turns: number): string {
  const us = (s: number) => (Number.isFinite(s) ? `${Math.round((s * 1e6) / turns)} µs` : 'n/a');
  return `CPU per turn: Warren ${us(cpu.warrenS)}, RabbitMQ ${us(cpu.brokerS)}, load client ${us(cpu.benchS)}`;
}

/** The all-in-one Warren app in a child process, on its own temp data dir. */
export class WarrenSystem {
  readonly output: string[] = [];
  warnings = 0;
  port = 0;
  private constructor(
    private readonly child: ChildProcess,
    private readonly dataDir: string,
    private readonly exited: Promise<number | null>,
  ) {}

  /** Compiled entry point of an app: `warren` (gateway + runtime), or `gateway` / `runtime` alone. */
  static main(app: 'warren' | 'gateway' | 'runtime' = 'warren'): string {
    return join(repoRoot(), 'dist', 'apps', app, 'src', 'main.js');
  }

  /**
   * Starts it against `amqpUrl` (a vhost of its own) with SYSTEM_BENCH_ENV and `env`; resolves when it listens
   * (prints `ready on port N`). `app` may name another script that does so (the HTTP floor, another build), and its directory.
   * `BENCH_SYSTEM_NODE_ARGS` adds node options to the child, e.g. `--cpu-prof --cpu-prof-dir=/tmp/prof`, and so does `extraNodeArgs`.
   */
  static async start(
    amqpUrl: string,
    env: Record<string, string> = {},
    app: 'warren' | 'gateway' | 'runtime' | { script: string; cwd?: string } = 'warren',
    timeoutMs = 60_000,
    extraNodeArgs: string[] = [],
  ): Promise<WarrenSystem> {
    const main = typeof app === 'string' ? WarrenSystem.main(app) : app.script;
    if (!existsSync(main)) throw new Error(`${main} not found: run \`npm run build\` first`);
    const dataDir = mkdtempSync(join(process.env.WARREN_BENCH_DIR ?? tmpdir(), 'warren-system-bench-'));
    const nodeArgs = [...(process.env.BENCH_SYSTEM_NODE_ARGS ?? '').split(/\s+/).filter(Boolean), ...extraNodeArgs];
    const child = spawn(process.execPath, [...nodeArgs, main], {
      cwd: (typeof app === 'string' ? undefined : app.cwd) ?? repoRoot(),
      env: {
        ...process.env,
        NODE_ENV: 'development',
        AMQP_URL: amqpUrl,
        WARREN_DATA_DIR: dataDir,
        PORT: '0',
        LOG_LEVEL: 'info',
        NO_COLOR: '1',
        ...SYSTEM_BENCH_ENV,
        ...env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    const system = new WarrenSystem(child, dataDir, exited);
    let timer: NodeJS.Timeout | undefined;
    try {
      await new Promise<void>((resolve, reject) => {
        const onLine = (line: string): void => {
          if (system.output.length < 200) system.output.push(line);
          if (/\b(WARN|ERROR|FATAL)\b|"level":(40|50|60)/.test(line)) {
            system.warnings++;
            if (system.warnings <= 5) console.error(`[warren] ${line.slice(0, 300)}`);
          }
          const m = / ready on port (\d+)/.exec(line);
          if (m && system.port === 0) {
            system.port = Number(m[1]);
            resolve();
          }
        };
        if (child.stdout) createInterface({ input: child.stdout }).on('line', onLine);
        if (child.stderr) createInterface({ input: child.stderr }).on('line', onLine);
        exited.then((code) => reject(new Error(`warren exited (${code}) before it was ready:\n${system.output.join('\n')}`)));
        timer = setTimeout(() => reject(new Error(`warren not ready after ${timeoutMs} ms:\n${system.output.join('\n')}`)), timeoutMs);
      });
    } catch (error) {
      await system.stop();
      throw error;
    } finally {
      clearTimeout(timer);
    }
    return system;
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  get httpUrl(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** `GET /v1/tasks/:taskId` as the dev tenant; undefined on a non-200. */
  async task(taskId: string): Promise<TaskView | undefined> {
    const res = await fetch(`${this.httpUrl}/v1/tasks/${encodeURIComponent(taskId)}`, { headers: { authorization: `Bearer ${DEV_KEY}` } });
    if (res.status !== 200) return undefined;
    return (await res.json()) as TaskView;
  }

  /** SIGTERM (drain), SIGKILL after 20 s; removes the data dir. */
  async stop(): Promise<void> {
    if (this.child.exitCode === null && this.child.signalCode === null) {
      this.child.kill('SIGTERM');
      const killer = setTimeout(() => this.child.kill('SIGKILL'), 20_000);
      await this.exited;
      clearTimeout(killer);
    }
    rmSync(this.dataDir, { recursive: true, force: true });
  }
}

/** The parts of `GET /v1/tasks/:taskId` the benches read. */
export interface TaskView {
  id: string;
  status: string;
  steps: { name: string; durationMs?: number; outcome?: string }[];
  error?: { code: string; message: string };
}

/** How a turn ended, as seen on `warren.events`. */
export interface TurnEnd {
  kind: 'reply' | 'failed' | 'interrupted';
  /** performance.now() when the event arrived in this process. */
  at: number;
  /** performance.now() when the turn's first `delta` event arrived (clients opened with `deltas`). */
  firstDeltaAt?: number;
  code?: string;
}

/** Options of {@link TurnClient.open}. */
export interface TurnClientOptions {
  /** Keep every end event seen (the gateway bench follows task ids it learns from 202s). @default true */
  keepEnded?: boolean;
  /** Also bind `session.*.delta` and note when each waited-for turn's first delta arrives. @default false */
  deltas?: boolean;
}

/**
 * A voice/RTC server with amqplib alone: publishes `warren.session.message` CloudEvents to
 * `warren.ingress` (routing key `session.<id>.message`, persistent, on a confirm channel) and
 * reads the `reply`, `failed` and `interrupted` events of every session from `warren.events`
 * (deltas only when asked for, so the client otherwise pays only for the end of each turn).
 */
export class TurnClient {
  /** Every ended task id seen so far that nobody waited for (turns started elsewhere, e.g. through the gateway). */
  readonly ended = new Map<string, TurnEnd>();
  private readonly waiters = new Map<string, { resolve: (end: TurnEnd) => void; firstDeltaAt?: number }>();
  /** First deltas of turns not waited for yet (an HTTP turn's delta may come before its 202). */
  private readonly earlyDeltas = new Map<string, number>();
  published = 0;
  nacked = 0;
  private keepEnded = true;

  private constructor(
    private readonly connection: ChannelModel,
    private readonly channel: ConfirmChannel,
  ) {}

  static async open(url: string, opts: TurnClientOptions = {}): Promise<TurnClient> {
    const connection = await connect(url, { noDelay: true });
    const channel = await connection.createConfirmChannel();
    const client = new TurnClient(connection, channel);
    client.keepEnded = opts.keepEnded ?? true;
    const sub = await connection.createChannel();
    await sub.assertExchange('warren.events', 'topic', { durable: true });
    const { queue } = await sub.assertQueue('', { exclusive: true, autoDelete: true });
    const kinds = ['reply', 'failed', 'interrupted', ...(opts.deltas ? ['delta'] : [])];
    for (const kind of kinds) await sub.bindQueue(queue, 'warren.events', `session.*.${kind}`);
    await sub.consume(
      queue,
      (m) => {
        if (!m) return;
        const at = performance.now();
        const kind = m.fields.routingKey.slice(m.fields.routingKey.lastIndexOf('.') + 1);
        const data = (JSON.parse(m.content.toString('utf8')) as { data?: { taskId?: string; code?: string } }).data;
        const taskId = data?.taskId;
        if (!taskId) return;
        if (kind === 'delta') {
          client.onDelta(taskId, at);
          return;
        }
        client.onEnd(taskId, { kind: kind as TurnEnd['kind'], at, ...(data?.code ? { code: data.code } : {}) });
      },
      { noAck: true },
    );
    return client;
  }

  private onDelta(taskId: string, at: number): void {
    const waiter = this.waiters.get(taskId);
    if (waiter) waiter.firstDeltaAt ??= at;
    else if (this.keepEnded && !this.earlyDeltas.has(taskId)) this.earlyDeltas.set(taskId, at);
  }

  private onEnd(taskId: string, end: TurnEnd): void {
    const waiter = this.waiters.get(taskId);
    if (waiter) {
      this.waiters.delete(taskId);
      waiter.resolve(waiter.firstDeltaAt === undefined ? end : { ...end, firstDeltaAt: waiter.firstDeltaAt });
      return;
    }
    if (!this.keepEnded) return;
    const early = this.earlyDeltas.get(taskId);
    this.earlyDeltas.delete(taskId);
    this.ended.set(taskId, early === undefined ? end : { ...end, firstDeltaAt: early });
  }

  /**
   * Resolves when the turn `taskId` ends (at once when it already has: clients that keep ended
   * turns); for turns whose id is learnt after they started, e.g. from a 202.
   */
  waitFor(taskId: string): Promise<TurnEnd> {
    const done = this.ended.get(taskId);
    if (done) {
      this.ended.delete(taskId);
      return Promise.resolve(done);
    }
    return new Promise<TurnEnd>((resolve) => {
      const early = this.earlyDeltas.get(taskId);
      this.earlyDeltas.delete(taskId);
      this.waiters.set(taskId, { resolve, ...(early === undefined ? {} : { firstDeltaAt: early }) });
    });
  }

  /**
   * Publishes one user message (no wait for the confirm: a nack is counted) and resolves when
   * the turn's reply, failed or interrupted event arrives.
   */
  turn(sessionId: string, text = 'hello', id: string = randomUUID()): Promise<TurnEnd> {
    const ended = new Promise<TurnEnd>((resolve) => this.waiters.set(id, { resolve }));
    const body = { specversion: '1.0', id, source: 'bench/rtc', type: 'warren.session.message', data: { text } };
    this.channel.publish(
      'warren.ingress',
      `session.${sessionId}.message`,
      Buffer.from(JSON.stringify(body)),
      { persistent: true, contentType: 'application/cloudevents+json', messageId: id },
      (err) => {
        if (err) this.nacked++;
      },
    );
    this.published++;
    return ended;
  }

  /** Turns still waiting for their end. */
  get pending(): number {
    return this.waiters.size;
  }

  /** Stops waiting for everything still pending (after a timeout). */
  forget(): void {
    this.waiters.clear();
  }

  async close(): Promise<void> {
    await this.connection.close().catch(() => undefined);
  }
}

/** Messages in `warren.dead` of a vhost (dead letters written during a run); NaN when it cannot be read. */
export function deadLetterCount(vhost: string): number {
  try {
    const out = rabbitmqctl('list_queues', '-p', vhost, 'name', 'messages');
    for (const line of out.split('\n')) {
      const [name, count] = line.trim().split(/\s+/);
      if (name === 'warren.dead') return Number(count);
    }
    return 0;
  } catch {
    return Number.NaN;
  }
}
