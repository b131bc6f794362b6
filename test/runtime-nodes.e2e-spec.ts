import { execFileSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { Append, ReadLog } from './fixtures/test-actors';
import { autoTeardown, eventually, useVhost } from './support/broker';
import { type HandledRecord, NodeProcess } from './support/node-process';
import { type InProcessRuntime, startRuntime, tempDir } from './support/runtime';
import { activeOwners } from './support/shard-owners';

const vhost = useVhost('nodes');
const dataDir = tempDir('nodes');
let client: InProcessRuntime;

afterAll(() => rmSync(dataDir, { recursive: true, force: true }));
beforeAll(async () => {
  // A client that hosts nothing: it only sends and asks.
  client = await startRuntime(vhost.url, [], { kinds: { counter: 'entity', echo: 'worker' }, dataDir, amqp: { shardCount: 4 } });
});

function startNode(name: string): NodeProcess {
  return autoTeardown(new NodeProcess(name, { AMQP_URL: vhost.url, WARREN_DATA_DIR: dataDir, SHARDS: '4' }));
}

/** Active consumers per shard queue, from the broker. */
function activeConsumersPerShard(): Map<string, number> {
  const out = execFileSync('rabbitmqctl', ['-q', 'list_consumers', '-p', vhost.name, 'queue_name', 'active'], { encoding: 'utf8' });
  const counts = new Map<string, number>();
  for (const line of out.split('\n')) {
    const [queue, active] = line.trim().split(/\s+/);
    if (queue?.startsWith('warren.counter.shard.')) counts.set(queue, (counts.get(queue) ?? 0) + (active === 'true' ? 1 : 0));
  }
  return counts;
}

/** Sends `perActor` appends to each actor, in order per actor, all actors at once. */
async function sendAppends(actors: string[], perActor: number, delayMs: number): Promise<Map<string, string[]>> {
  const expected = new Map<string, string[]>();
  await Promise.all(
    actors.map(async (address) => {
      const values: string[] = [];
      for (let i = 0; i < perActor; i++) {
        const value = `${address}#${i}`;
        values.push(value);
        await client.runtime.ref(address).tell(Object.assign(new Append(), { value, delayMs }));
      }
      expected.set(address, values);
    }),
  );
  return expected;
}

async function expectLogs(expected: Map<string, string[]>, timeoutMs = 30_000): Promise<void> {
  for (const [address, values] of expected) {
    const log = await eventually(
      async () => {
        const l = await client.runtime.ref(address).ask<string[]>(new ReadLog());
        return l.length >= values.length ? l : undefined;
      },
      `${address} to apply ${values.length} appends`,
      timeoutMs,
    );
    // Every message applied exactly once, in the order it was sent.
    expect(log).toEqual(values);
  }
}

/** Handling intervals of one actor on two different nodes never overlap (one activation at a time). */
function expectNoOverlap(records: HandledRecord[]): void {
  const byActor = new Map<string, HandledRecord[]>();
  for (const r of records) byActor.set(r.address, [...(byActor.get(r.address) ?? []), r]);
  for (const [address, list] of byActor) {
    const sorted = [...list].sort((a, b) => a.start - b.start);
    for (let i = 1; i < sorted.length; i++) {
      if (sorted[i].node !== sorted[i - 1].node && sorted[i].start < sorted[i - 1].end) {
        throw new Error(`${address} ran on ${sorted[i - 1].node} and ${sorted[i].node} at once`);
      }
    }
  }
}

const actors = (prefix: string, n: number) => Array.from({ length: n }, (_, i) => `counter/${prefix}-${i}`);

describe('two runtime processes on the same shards', () => {
  test('the two nodes split the shards (two each), each shard has exactly one active consumer, and every actor is handled by one node at a time, in order', async () => {
    const a = startNode('node-a');
    const b = startNode('node-b');
    await Promise.all([a.whenReady(), b.whenReady()]);
    const owners = await eventually(() => {
      const o = activeOwners(vhost.name, 'warren.counter.shard.');
      const shares = [...o.values()].filter((n) => n === 'node-a').length;
      return o.size === 4 && shares === 2 ? o : undefined;
    }, 'node-a and node-b to own two counter shards each');
    expect([...owners.values()].sort()).toEqual(['node-a', 'node-a', 'node-b', 'node-b']);
    const counts = activeConsumersPerShard();
    expect(counts.size).toBe(4);
    for (const n of counts.values()) expect(n).toBe(1);

    const expected = await sendAppends(actors('single', 20), 20, 2);
    await expectLogs(expected);
    expectNoOverlap([...a.handled, ...b.handled]);
    // Both nodes did work: the actors spread with the shards.
    expect(a.handled.length).toBeGreaterThan(0);
    expect(b.handled.length).toBeGreaterThan(0);
    expect(await a.stop()).toBe(0);
    expect(await b.stop()).toBe(0);
  });

  test('graceful shutdown of one runtime hands its shards to the other with no overlap and nothing lost or repeated', async () => {
    const a = startNode('node-c');
    await a.whenReady();
    const b = startNode('node-d'); // takes its share of the shards from node-c (hand-offs)
    await b.whenReady();
    const sending = sendAppends(actors('handover', 10), 30, 15);
    await eventually(() => a.handled.length > 20, 'node-c to be working');
    expect(await a.stop()).toBe(0);
    const expected = await sending;
    await expectLogs(expected);
    expect(b.handled.length).toBeGreaterThan(0);
    expectNoOverlap([...a.handled, ...b.handled]);
    await b.stop();
  });

  test('a runtime killed with SIGKILL mid-handler loses no message and applies none twice', async () => {
    const a = startNode('node-e');
    await a.whenReady();
    const b = startNode('node-f');
    await b.whenReady();
    const sending = sendAppends(actors('kill', 8), 25, 20);
    await eventually(() => a.handled.length > 15, 'node-e to be working');
    await a.kill();
    const expected = await sending;
    await expectLogs(expected);
    expect(b.handled.length).toBeGreaterThan(0);
    await b.stop();
  });
});
