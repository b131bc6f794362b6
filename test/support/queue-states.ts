import { execFileSync } from 'node:child_process';

/** Ready and unacknowledged messages of one queue. */
export interface QueueState {
  name: string;
  ready: number;
  unacked: number;
}

/** Every queue of a vhost with its ready and unacknowledged counts (`rabbitmqctl list_queues`). */
export function queueStates(vhost: string): QueueState[] {
  const out = execFileSync('rabbitmqctl', ['-q', 'list_queues', '-p', vhost, 'name', 'messages_ready', 'messages_unacknowledged'], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return out
    .split('\n')
    .map((line) => line.trim().split(/\s+/))
    .filter((cols) => cols.length === 3 && /^\d+$/.test(cols[1] ?? '') && /^\d+$/.test(cols[2] ?? ''))
    .map(([name, ready, unacked]) => ({ name: name as string, ready: Number(ready), unacked: Number(unacked) }));
}

/** The queues of `vhost` whose name starts with one of `prefixes` and that still hold messages (ready or unacked). */
export function busyQueues(vhost: string, prefixes: string[]): QueueState[] {
  return queueStates(vhost).filter((q) => prefixes.some((p) => q.name.startsWith(p)) && (q.ready > 0 || q.unacked > 0));
}
