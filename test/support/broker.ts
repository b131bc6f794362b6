import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';

/** Base URL of the test broker (guest/guest on localhost unless AMQP_URL says otherwise). */
const BASE = new URL(process.env.AMQP_URL ?? 'amqp://guest:guest@127.0.0.1:5672');

function rabbitmqctl(...args: string[]): string {
  return execFileSync('rabbitmqctl', ['-q', ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

/** A vhost owned by one test file: created before it, deleted after it (quorum queues cannot be auto-deleted). */
export interface TestVhost {
  name: string;
  url: string;
}

/** Creates a fresh vhost named after the test file and registers its deletion in afterAll. */
export function useVhost(prefix: string): TestVhost {
  const name = `warren-test-${prefix}-${randomBytes(3).toString('hex')}`;
  const user = decodeURIComponent(BASE.username || 'guest');
  const vhost: TestVhost = {
    name,
    url: `${BASE.protocol}//${BASE.username || 'guest'}:${BASE.password || 'guest'}@${BASE.host}/${encodeURIComponent(name)}`,
  };
  beforeAll(() => {
    rabbitmqctl('add_vhost', name);
    rabbitmqctl('set_permissions', '-p', name, user, '.*', '.*', '.*');
  });
  afterAll(async () => {
    // Teardowns run last-registered first, all before the vhost goes (deleting it drops connections).
    await runTeardowns();
    try {
      rabbitmqctl('delete_vhost', name);
    } catch {
      // already gone
    }
  });
  return vhost;
}

const teardowns: (() => unknown)[] = [];

/**
 * Runs the registered teardowns, last registered first. `useVhost` calls it before it deletes its
 * vhost; a file without a vhost of the shared broker (a private node) calls it in its own afterAll.
 */
export async function runTeardowns(): Promise<void> {
  for (const teardown of teardowns.splice(0).reverse()) await teardown();
}

/** Registers cleanup for something a test created; runs (LIFO) before the test file's vhost is deleted. */
export function autoTeardown<T extends { stop?: () => unknown; close?: () => unknown }>(thing: T): T {
  teardowns.push(() => (thing.stop ? thing.stop() : thing.close?.()));
  return thing;
}

/** Drops every client connection of a vhost (as a broker restart or network cut would). */
export function closeVhostConnections(vhost: string): void {
  const out = rabbitmqctl('list_connections', 'pid', 'vhost');
  for (const line of out.split('\n')) {
    const [pid, vh] = line.trim().split(/\s+/);
    if (pid && vh === vhost) {
      try {
        rabbitmqctl('close_connection', pid, 'test: connection dropped on purpose');
      } catch {
        // closed meanwhile
      }
    }
  }
}

/** Messages ready in a queue of a vhost. */
export function queueDepth(vhost: string, queue: string): number {
  const out = rabbitmqctl('list_queues', '-p', vhost, 'name', 'messages');
  for (const line of out.split('\n')) {
    const [name, count] = line.trim().split(/\s+/);
    if (name === queue) return Number(count);
  }
  return 0;
}

/**
 * What a check of `eventually` returns while the awaited state does not hold yet. Empty arrays and
 * empty plain objects count as "not yet" too (both are truthy, and a check that returns a list it
 * is waiting to fill would otherwise pass at once).
 */
export type NotYet = undefined | null | false | 0 | '' | readonly never[];

/** True when a check's value means the awaited state holds. */
export function holds(value: unknown): boolean {
  if (!value) return false;
  if (Array.isArray(value)) return value.length > 0;
  if (Object.getPrototypeOf(value) === Object.prototype) return Object.keys(value as object).length > 0;
  return true;
}

/**
 * Polls `check` until it returns a value that `holds` (truthy, and not an empty array or empty
 * plain object), then resolves with that value; throws after `timeoutMs` naming `what` (with the
 * check's last error, if it threw). Return the awaited thing itself (`find(...)`, a non-empty list,
 * a record) or a boolean that is true exactly when the state holds.
 */
export async function eventually<T>(
  check: () => T | Promise<T>,
  what: string,
  timeoutMs = 10_000,
  everyMs = 50,
): Promise<Exclude<T, NotYet>> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await check();
      if (holds(v)) return v as Exclude<T, NotYet>;
      last = undefined;
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${last ? `: ${String(last)}` : ''}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}
