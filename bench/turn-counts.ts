/**
 * Counts what a Warren process does per turn, loaded into the app with `node --require
 * dist/bench/turn-counts.js` (the app's code is not touched): SQLite transactions (top-level
 * commits and savepoints) and statements by their SQL, AMQP publishes by exchange and routing key
 * (ids replaced by `*`) and whether persistent, deliveries by exchange and routing key, and acks.
 * On SIGWINCH (not SIGUSR2: Nest's shutdown hooks listen to it) it writes the counts so far as JSON to BENCH_COUNTS_FILE; a bench takes two snapshots
 * around its measured turns and divides the difference by the turns ({@link countSnapshot}).
 */

import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

// No import of ./support here: this file is preloaded into the app, before its own modules.
const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Counters by key. */
export type Counts = Record<string, number>;

/**
 * A routing key without its ids: an entity's key (`warren.actors.<type>` exchanges) and the session
 * of `session.<id>.<kind>` become `*`, as do tokens with digits and generated queue names.
 */
export function normaliseKey(exchange: string, key: string): string {
  if (key.startsWith('amq.rabbitmq.reply-to')) return 'amq.rabbitmq.reply-to (direct reply-to)';
  if (key.startsWith('amq.gen-')) return 'amq.gen-* (server-named queue)';
  if (exchange.startsWith('warren.actors.')) return '<actor key>';
  const tokens = key.split('.');
  if (tokens[0] === 'session' && tokens.length >= 3) return `session.*.${tokens.slice(2).join('.')}`;
  return tokens.map((t) => (/\d/.test(t) || /^[0-9a-f-]{16,}$/i.test(t) ? '*' : t)).join('.');
}

/** Installs the counters in this process (the preload's body). */
function install(): void {
  const counts: Counts = {};
  const inc = (key: string) => {
    counts[key] = (counts[key] ?? 0) + 1;
  };
  try {
    const Database = require('better-sqlite3');
    const originalTransaction = Database.prototype.transaction;
    // better-sqlite3 is synchronous: a depth counter tells a top-level transaction (a commit) from a savepoint.
    let depth = 0;
    let writes: Set<string> | undefined;
    Database.prototype.transaction = function transaction(this: unknown, fn: (...args: unknown[]) => unknown) {
      return originalTransaction.call(this, function counted(this: unknown, ...args: unknown[]) {
        const top = depth === 0;
        if (top) writes = new Set();
        else inc('sqlite savepoint (nested transaction)');
        depth++;
        try {
          return fn.apply(this, args);
        } finally {
          depth--;
          if (top) {
            inc('sqlite commit: all');
            inc(`sqlite commit: [${[...(writes ?? [])].sort().join(', ') || 'no writes'}]`);
            writes = undefined;
          }
        }
      });
    };
    const probe = new Database(':memory:');
    const statementProto = Object.getPrototypeOf(probe.prepare('SELECT 1'));
    probe.close();
    for (const method of ['run', 'get', 'all', 'iterate'] as const) {
      const original = statementProto[method];
      if (typeof original !== 'function') continue;
      statementProto[method] = function counted(this: { source: string }, ...args: unknown[]) {
        const sql = this.source.replace(/\s+/g, ' ').trim();
        // better-sqlite3 runs BEGIN/COMMIT/SAVEPOINT as statements of its own: counted as transactions above.
        if (!/^(BEGIN|COMMIT|SAVEPOINT|RELEASE|ROLLBACK)\b/i.test(sql)) {
          const key = (
            /^(INSERT(?: OR \w+)? INTO \w+|UPDATE \w+|DELETE FROM \w+|SELECT)/i.exec(sql)?.[1] ?? sql.slice(0, 40)
          ).toUpperCase();
          inc(`sqlite statement: ${key}`);
          if (key !== 'SELECT') {
            if (depth > 0) writes?.add(key);
            else inc(`sqlite commit: [${key}] (autocommit)`);
          }
        }
        return original.apply(this, args);
      };
    }
  } catch (error) {
    console.error(`turn-counts: better-sqlite3 not counted: ${error instanceof Error ? error.message : String(error)}`);
  }
  try {
    // amqplib's package exports hide lib/: reach its files by path (the same modules the app loads).
    const lib = join(dirname(require.resolve('amqplib')), 'lib');
    const model = require(join(lib, 'channel_model.js'));
    const channel = require(join(lib, 'channel.js'));
    const originalPublish = model.Channel.prototype.publish;
    model.Channel.prototype.publish = function publish(
      this: unknown,
      exchange: string,
      routingKey: string,
      content: Buffer,
      options?: { persistent?: boolean; deliveryMode?: number },
      ...rest: unknown[]
    ) {
      const durable = options?.persistent || options?.deliveryMode === 2 ? 'persistent' : 'transient';
      inc(`amqp publish: ${exchange || "'' (default)"} ${normaliseKey(exchange, routingKey)} [${durable}]`);
      inc('amqp publish: all');
      return originalPublish.call(this, exchange, routingKey, content, options, ...rest);
    };
    const originalDispatch = channel.BaseChannel.prototype.dispatchMessage;
    channel.BaseChannel.prototype.dispatchMessage = function dispatchMessage(
      this: unknown,
      fields: { exchange?: string; routingKey?: string } | undefined,
      message: unknown,
    ) {
      if (message && fields) {
        inc(`amqp delivery: ${fields.exchange || "'' (default)"} ${normaliseKey(fields.exchange ?? '', fields.routingKey ?? '')}`);
        inc('amqp delivery: all');
      }
      return originalDispatch.call(this, fields, message);
    };
    const originalAck = model.Channel.prototype.ack;
    model.Channel.prototype.ack = function ack(this: unknown, ...args: unknown[]) {
      inc('amqp ack');
      return originalAck.apply(this, args);
    };
  } catch (error) {
    console.error(`turn-counts: amqplib not counted: ${error instanceof Error ? error.message : String(error)}`);
  }
  const file = process.env.BENCH_COUNTS_FILE;
  if (file) process.on('SIGWINCH', () => writeFileSync(file, JSON.stringify(counts)));
}

/** Sends SIGWINCH to `pid` and resolves with the counts it writes to `file`. */
export async function countSnapshot(pid: number, file: string, timeoutMs = 5000): Promise<Counts> {
  rmSync(file, { force: true });
  process.kill(pid, 'SIGWINCH');
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (existsSync(file)) {
      try {
        return JSON.parse(readFileSync(file, 'utf8')) as Counts;
      } catch {
        // still being written
      }
    }
    await sleep(10);
  }
  throw new Error(`no counts from process ${pid} in ${file} after ${timeoutMs} ms`);
}

/** (after − before) ÷ turns, per key, largest first. */
export function perTurn(before: Counts, after: Counts, turns: number): [string, number][] {
  return Object.keys(after)
    .map((k): [string, number] => [k, ((after[k] ?? 0) - (before[k] ?? 0)) / turns])
    .filter(([, n]) => n > 0)
    .sort((a, b) => a[0].localeCompare(b[0]));
}

// Loaded with --require (not imported by a bench): install the counters.
if (process.env.BENCH_COUNTS_FILE && require.main !== module) install();
