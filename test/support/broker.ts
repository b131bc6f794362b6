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

/** Polls `check` until it returns truthy or `timeoutMs` passes (then throws with `what`). */
export async function eventually<T>(check: () => T | Promise<T>, what: string, timeoutMs = 10_000, everyMs = 50): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await check();
      if (v) return v as NonNullable<T>;
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${last ? `: ${String(last)}` : ''}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}
