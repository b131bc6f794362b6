/**
 * The whole system under load: the all-in-one app (`dist/apps/warren/src/main.js`, gateway +
 * runtime in one process) in a child process. The plain amqplib client that plays a voice/RTC
 * server is in turn-client.ts, the CPU accounting in cpu-meter.ts. Shared by turn.bench.ts and
 * gateway.bench.ts.
 */

import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
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

  /** Sends `signal` without waiting (SIGKILL: a crash). */
  signal(signal: NodeJS.Signals): void {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill(signal);
  }

  /** Resolves with the exit code when the process has ended. */
  whenExited(): Promise<number | null> {
    return this.exited;
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
