import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';

const ROOT = join(__dirname, '..', '..');
/** Compiled fixtures (`npm run build` compiles test/fixtures into dist/). */
export const FIXTURE_NODE = join(ROOT, 'dist', 'test', 'fixtures', 'runtime-node.js');

/** One `HANDLED` line of a fixture node. */
export interface HandledRecord {
  node: string;
  address: string;
  messageId: string;
  start: number;
  end: number;
}

/** A runtime node in a child process. */
export class NodeProcess {
  readonly handled: HandledRecord[] = [];
  readonly stderr: string[] = [];
  private readonly child: ChildProcess;
  private readonly ready: Promise<void>;
  private readonly exited: Promise<number | null>;

  constructor(
    readonly name: string,
    env: Record<string, string>,
  ) {
    this.child = spawn(process.execPath, [FIXTURE_NODE], {
      env: { ...process.env, ...env, NODE_ID: name },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.exited = new Promise((resolve) => this.child.once('exit', (code) => resolve(code)));
    this.ready = new Promise((resolve, reject) => {
      createInterface({ input: this.child.stdout! }).on('line', (line) => {
        if (line === 'READY') resolve();
        const m = /^HANDLED (\S+) (\S+) (\d+) (\d+)$/.exec(line);
        if (m) this.handled.push({ node: name, address: m[1], messageId: m[2], start: Number(m[3]), end: Number(m[4]) });
      });
      createInterface({ input: this.child.stderr! }).on('line', (line) => this.stderr.push(line));
      this.exited.then((code) => reject(new Error(`${name} exited (${code}) before READY: ${this.stderr.join('\n')}`)));
    });
  }

  whenReady(): Promise<void> {
    return this.ready;
  }

  /** Resolves with the exit code when the process ends by itself. */
  whenExited(): Promise<number | null> {
    return this.exited;
  }

  /** Graceful: SIGTERM, then the exit code. */
  async stop(): Promise<number | null> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return this.child.exitCode;
    this.child.kill('SIGTERM');
    return this.exited;
  }

  /** Sends `signal` (e.g. SIGSTOP / SIGCONT to freeze and thaw the node). */
  signal(signal: NodeJS.Signals): void {
    this.child.kill(signal);
  }

  /** A crash: SIGKILL, no drain. */
  async kill(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    this.child.kill('SIGKILL');
    await this.exited;
  }
}
