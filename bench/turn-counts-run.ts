/**
 * What one turn does in the app, counted: the all-in-one app with bench/turn-counts.ts preloaded,
 * sequential turns on the raw-AMQP path and through the gateway, counts per turn of each (SQLite
 * commits and what each holds, statements, AMQP publishes by exchange and durability, deliveries,
 * acks). A separate app from the measured ones, so the counters' wrappers cost them nothing.
 */

import { rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { HttpTurns } from './http-turns';
import { QUICK, rabbitmqctl, withVhost } from './support';
import { WarrenSystem } from './system';
import { TurnClient } from './turn-client';
import { countSnapshot, perTurn } from './turn-counts';
import { sequentialAmqp, sequentialTurns } from './turn-load';

export const COUNT_WARMUP = QUICK ? 30 : 100;
export const COUNT_TURNS = QUICK ? 100 : 300;

/** Per-turn counts of each path, as [key, count per turn] sorted by key. */
export interface TurnCounts {
  turns: number;
  amqp: [string, number][];
  http: [string, number][];
  /** The app's queues by kind: name (numbers as `*`), how many, type and durability (`rabbitmqctl list_queues`). */
  queues: string[];
}

/** The vhost's queues grouped by name with numbers as `*`: "warren.shard.* ×16 (quorum, durable)". */
function queueKinds(vhost: string): string[] {
  let out = '';
  try {
    out = rabbitmqctl('list_queues', '-p', vhost, 'name', 'type', 'durable');
  } catch {
    return [];
  }
  const groups = new Map<string, number>();
  for (const line of out.split('\n').slice(1)) {
    const [name, type, durable] = line.trim().split(/\s+/);
    if (!name || name.startsWith('amq.gen-')) continue;
    const key = `${name.replace(/\d+/g, '*').replace(/^warren\.control\..*/, 'warren.control.<node>')} (${type}${durable === 'true' ? ', durable' : ''})`;
    groups.set(key, (groups.get(key) ?? 0) + 1);
  }
  return [...groups].sort().map(([k, n]) => (n > 1 ? k.replace(' (', ` ×${n} (`) : k));
}

export async function countTurns(): Promise<TurnCounts> {
  return withVhost('turn-counts', async (vhost) => {
    const file = join(process.env.WARREN_BENCH_DIR ?? tmpdir(), `warren-turn-counts-${process.pid}-${Date.now()}.json`);
    const system = await WarrenSystem.start(vhost.url, { BENCH_COUNTS_FILE: file }, 'warren', 60_000, [
      '--require',
      join(__dirname, 'turn-counts.js'),
    ]);
    const client = await TurnClient.open(vhost.url);
    const http = new HttpTurns(system.httpUrl, client);
    const pid = system.pid;
    if (!pid) throw new Error('the app has no pid');
    const httpTurns = (n: number) =>
      sequentialTurns([pid], n, async () => {
        const t0 = performance.now();
        const end = await http.turn('count-http');
        return { t0, end, id: end.taskId };
      });
    try {
      await sequentialAmqp([pid], client, 'count-amqp', COUNT_WARMUP);
      await httpTurns(COUNT_WARMUP);
      const s0 = await countSnapshot(pid, file);
      await sequentialAmqp([pid], client, 'count-amqp', COUNT_TURNS);
      const s1 = await countSnapshot(pid, file);
      await httpTurns(COUNT_TURNS);
      const s2 = await countSnapshot(pid, file);
      return { turns: COUNT_TURNS, amqp: perTurn(s0, s1, COUNT_TURNS), http: perTurn(s1, s2, COUNT_TURNS), queues: queueKinds(vhost.name) };
    } finally {
      http.close();
      await client.close();
      await system.stop();
      rmSync(file, { force: true });
    }
  });
}

/** The counts of both paths side by side as a Markdown table (keys of either path). */
export function countsTable(c: TurnCounts): string {
  const keys = [...new Set([...c.amqp.map(([k]) => k), ...c.http.map(([k]) => k)])].sort();
  const get = (list: [string, number][], k: string) => list.find(([key]) => key === k)?.[1];
  const fmt = (n: number | undefined) => (n === undefined ? '—' : n.toFixed(2));
  return [
    `| per turn, in the app (${c.turns} sequential turns each) | AMQP ingress | HTTP |`,
    '|---|---|---|',
    ...keys.map((k) => `| ${k.replace(/\|/g, '\\|')} | ${fmt(get(c.amqp, k))} | ${fmt(get(c.http, k))} |`),
    '',
    `Queues of the app's vhost: ${c.queues.join('; ') || 'not listed'}.`,
  ].join('\n');
}
