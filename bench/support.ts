/**
 * Shared helpers of the benchmarks: a vhost per bench, a quiet runtime logger, an in-process
 * Warren runtime on the embedded store, concurrency and percentile helpers, and the row shape
 * run-all prints.
 */

import { execFileSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { ActorRuntime, type HostOptions, type RuntimeLogger, type RuntimeOptionsInput, resolveRuntimeOptions } from '@warren/actors';
import { AmqpTransport, type AmqpTransportOptions, resolveAmqpOptions } from '@warren/amqp';
import { createStore, type WarrenStore } from '@warren/store';

/** One line of the results table. Numbers are raw; run-all formats them. */
export interface BenchRow {
  name: string;
  unit: string;
  /** Warren's figure; undefined when Warren has nothing to measure yet. */
  warren?: number;
  /** The baseline's figure. */
  baseline?: number;
  /** warren / baseline (throughput) or warren / baseline (latency): says which in `target`. */
  ratio?: number;
  /** Human-readable target, e.g. "≥ 0.8×". */
  target?: string;
  met?: boolean;
  /** How it was measured (one line in RESULTS.md). */
  how: string;
}

/** BENCH_QUICK=1: a ~30 s smoke run with smaller counts. */
export const QUICK = process.env.BENCH_QUICK === '1' || process.env.BENCH_QUICK === 'true';

/**
 * Rounds of each Warren-vs-baseline comparison, interleaved (baseline, Warren, baseline, Warren…);
 * each side reports its best figure. The bench machine is shared, so one round is noisy.
 */
export const ROUNDS = Number(process.env.BENCH_ROUNDS ?? (QUICK ? 1 : 2));

/** Base broker URL (guest/guest on localhost unless AMQP_URL says otherwise); its vhost is replaced per bench. */
export const BASE_URL = new URL(process.env.AMQP_URL ?? 'amqp://guest:guest@127.0.0.1:5672');

export function rabbitmqctl(...args: string[]): string {
  return execFileSync('rabbitmqctl', ['-q', ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

export interface BenchVhost {
  name: string;
  url: string;
}

/** Runs `fn` in a fresh vhost, deleted afterwards (quorum queues cannot be auto-deleted). */
export async function withVhost<T>(prefix: string, fn: (vhost: BenchVhost) => Promise<T>): Promise<T> {
  const name = `warren-bench-${prefix}-${randomBytes(3).toString('hex')}`;
  const user = decodeURIComponent(BASE_URL.username || 'guest');
  const auth = `${BASE_URL.username || 'guest'}:${BASE_URL.password || 'guest'}`;
  const url = `${BASE_URL.protocol}//${auth}@${BASE_URL.host}/${encodeURIComponent(name)}`;
  rabbitmqctl('add_vhost', name);
  try {
    rabbitmqctl('set_permissions', '-p', name, user, '.*', '.*', '.*');
    return await fn({ name, url });
  } finally {
    try {
      rabbitmqctl('delete_vhost', name);
    } catch {
      // already gone
    }
  }
}

/** Drops debug and info; prints the first few warnings and errors, then only counts them. */
export function quietLogger(label: string, maxLines = 5): RuntimeLogger & { readonly dropped: number } {
  let printed = 0;
  let dropped = 0;
  const out = (level: string) => (obj: object, msg?: string) => {
    if (printed < maxLines) {
      printed++;
      const err = (obj as { err?: unknown }).err;
      console.error(`[${label}] ${level}: ${msg ?? ''}${err ? ` (${err instanceof Error ? err.message : String(err)})` : ''}`);
    } else dropped++;
  };
  return {
    debug: () => undefined,
    info: () => undefined,
    warn: out('warn'),
    error: out('error'),
    get dropped() {
      return dropped;
    },
  };
}

/** A Warren runtime in this process on the embedded store (temp dataDir). */
export interface BenchRuntime {
  runtime: ActorRuntime;
  transport: AmqpTransport;
  store: WarrenStore;
  stop(): Promise<void>;
}

export async function startWarren(
  url: string,
  actors: { instance: object; options?: HostOptions }[],
  opts: { amqp?: Partial<AmqpTransportOptions>; runtime?: RuntimeOptionsInput; label?: string } = {},
): Promise<BenchRuntime> {
  const dataDir = mkdtempSync(join(process.env.WARREN_BENCH_DIR ?? tmpdir(), 'warren-bench-'));
  const store = createStore({ kind: 'embedded', dataDir });
  await store.init();
  const shards = process.env.BENCH_SHARDS ? { shardCount: Number(process.env.BENCH_SHARDS) } : {};
  const transport = new AmqpTransport(resolveAmqpOptions({ url, ...shards, ...opts.amqp }), { kinds: {} });
  const runtime = new ActorRuntime(
    transport,
    store.actors,
    resolveRuntimeOptions({ drainTimeoutMs: 5000, ...opts.runtime }),
    quietLogger(opts.label ?? 'warren'),
  );
  await transport.start();
  for (const a of actors) await runtime.host(a.instance, a.options);
  return {
    runtime,
    transport,
    store,
    stop: async () => {
      await runtime.stop();
      await transport.close();
      await store.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** Calls `op(i)` for i in 0..count-1 with at most `concurrency` in flight; rejects on the first failure. */
export async function runConcurrent(count: number, concurrency: number, op: (i: number) => Promise<unknown>): Promise<void> {
  let next = 0;
  const lane = async () => {
    while (next < count) {
      const i = next++;
      await op(i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, lane));
}

/** Sorted-sample percentile (`q` in 0..1). */
export function percentile(sorted: Float64Array | number[], q: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * q))];
}

/** Resolves when `done()` is true, polling every `everyMs`; rejects after `timeoutMs` naming `what`. */
export async function until(done: () => boolean, what: string, timeoutMs: number, everyMs = 5): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!done()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** A ~300 B JSON body, the size of a small Warren tell envelope, for raw baselines. */
export function rawBody(i: number): Buffer {
  return Buffer.from(
    JSON.stringify({
      specversion: '1.0',
      id: `${randomBytes(16).toString('hex')}`,
      source: 'bench://raw',
      type: 'bench.counter.add',
      subject: `bench-counter/c-${i % 10_000}`,
      time: new Date().toISOString(),
      datacontenttype: 'application/json',
      data: { by: 1 },
    }),
  );
}

/** The repository root: one level above bench/x.ts, two above dist/bench/x.js. */
export function repoRoot(): string {
  for (const dir of [resolve(__dirname, '..'), resolve(__dirname, '../..')]) if (existsSync(join(dir, 'package.json'))) return dir;
  return process.cwd();
}

/**
 * Runs `node [nodeArgs] script` with `env` added; resolves with its stdout (stderr passes
 * through); rejects on a non-zero exit or after `timeoutMs`.
 */
export function runNode(nodeArgs: string[], script: string, env: Record<string, string>, timeoutMs: number): Promise<string> {
  return new Promise((done, reject) => {
    const child = spawn(process.execPath, [...nodeArgs, script], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString('utf8');
    });
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${script} did not finish within ${timeoutMs} ms`));
    }, timeoutMs);
    child.on('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    child.on('exit', (code) => {
      clearTimeout(timer);
      if (code === 0) done(out);
      else reject(new Error(`${script} exited with ${code}: ${out.trim().slice(-500)}`));
    });
  });
}

/** The JSON of a child's `BENCH_RESULT {json}` line. */
export function benchResult<T>(stdout: string): T {
  const line = stdout.split('\n').find((l) => l.startsWith('BENCH_RESULT '));
  if (!line) throw new Error(`no BENCH_RESULT line in: ${stdout.trim().slice(-500)}`);
  return JSON.parse(line.slice('BENCH_RESULT '.length)) as T;
}
