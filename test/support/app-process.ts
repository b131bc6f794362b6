import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { type LogRecord, parseLogLine, readableLogLine } from './log-lines';

const ROOT = join(__dirname, '..', '..');

/** Compiled entry point of an app (`npm run build` first). */
/** The Warren apps with a main. */
export type WarrenApp = 'runtime' | 'gateway' | 'scheduler' | 'warren';

export function appMain(app: WarrenApp): string {
  return join(ROOT, 'dist', 'apps', app, 'src', 'main.js');
}

/** Compiled entry point of an example app (`examples/<name>/src/main.ts`). */
export function exampleMain(name: string): string {
  return join(ROOT, 'dist', 'examples', name, 'src', 'main.js');
}

/**
 * A Warren app (`runtime`, `gateway`, `scheduler`, or the all-in-one `warren`) in a child process, started
 * from compiled output with the given environment; `port` is its HTTP port once ready.
 */
export class AppProcess {
  /** Every line of stdout and stderr; a JSON log line as `readableLogLine` renders it (level, message, fields). */
  readonly output: string[] = [];
  /** The JSON log lines, parsed. */
  readonly records: LogRecord[] = [];
  port = 0;
  private readonly child: ChildProcess;
  private readonly ready: Promise<void>;
  private readonly exited: Promise<number | null>;

  /** @param main another compiled entry point to run under `app`'s name (an example app), instead of the Warren app's. */
  constructor(
    readonly app: WarrenApp | 'calendar-tool',
    env: Record<string, string>,
    main: string = appMain(app as WarrenApp),
  ) {
    this.child = spawn(process.execPath, [main], {
      // Port 0 for every app's HTTP: the gateway's and the all-in-one's PORT, the runtime's and the scheduler's own.
      env: {
        ...process.env,
        PORT: '0',
        WARREN__RUNTIME__METRICS_PORT: '0',
        WARREN__SCHEDULER__METRICS_PORT: '0',
        LOG_LEVEL: 'info',
        NO_COLOR: '1',
        ...env,
      },
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.exited = new Promise((resolve) => this.child.once('exit', (code) => resolve(code)));
    this.ready = new Promise((resolve, reject) => {
      const onLine = (raw: string): void => {
        const record = parseLogLine(raw);
        if (record) this.records.push(record);
        const line = readableLogLine(raw);
        this.output.push(line);
        const m = / ready on port (\d+)/.exec(line);
        if (m) {
          this.port = Number(m[1]);
          resolve();
        }
      };
      if (this.child.stdout) createInterface({ input: this.child.stdout }).on('line', onLine);
      if (this.child.stderr) createInterface({ input: this.child.stderr }).on('line', onLine);
      this.exited.then((code) => reject(new Error(`${app} exited (${code}) before it was ready:\n${this.output.join('\n')}`)));
    });
  }

  /** Resolves when the app listens; rejects if it exits first. */
  async whenReady(timeoutMs = 30_000): Promise<this> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`${this.app} not ready after ${timeoutMs} ms:\n${this.output.join('\n')}`)), timeoutMs);
    });
    try {
      await Promise.race([this.ready, timeout]);
    } finally {
      clearTimeout(timer);
    }
    return this;
  }

  /** Resolves with the exit code when the process ends (by itself or after `stop()`). */
  whenExited(): Promise<number | null> {
    return this.exited;
  }

  /** The child's pid. */
  get pid(): number | undefined {
    return this.child.pid;
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** True once the process has exited. */
  get exitedAlready(): boolean {
    return this.child.exitCode !== null || this.child.signalCode !== null;
  }

  /** Sends a signal (SIGKILL, SIGSTOP, SIGCONT …) without waiting. */
  signal(signal: NodeJS.Signals): void {
    if (!this.exitedAlready) this.child.kill(signal);
  }

  /** Waits for an output line matching `pattern` (printed already or later); resolves with its match. */
  async waitForLine(pattern: RegExp, timeoutMs = 30_000): Promise<RegExpExecArray> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      for (const line of this.output) {
        const m = pattern.exec(line);
        if (m) return m;
      }
      if (Date.now() > deadline)
        throw new Error(`${this.app}: no line matching ${pattern} after ${timeoutMs} ms:\n${this.output.slice(-20).join('\n')}`);
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  /** Graceful: SIGTERM (drain), then the exit code. */
  async stop(): Promise<number | null> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return this.child.exitCode;
    this.child.kill('SIGTERM');
    return this.exited;
  }
}
