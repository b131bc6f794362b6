import { execFileSync } from 'node:child_process';

/**
 * The node owning the active consumer of each queue whose name starts with `prefix`, from the
 * broker (`rabbitmqctl list_consumers`, mapped to the connection name `warren <nodeId>`). A queue
 * with no active consumer is absent; one with two (which single active consumer forbids) is
 * listed with both, comma-joined.
 */
export function activeOwners(vhost: string, prefix = 'warren.'): Map<string, string> {
  const run = (args: string[]) => execFileSync('rabbitmqctl', ['-q', ...args, '-p', vhost], { encoding: 'utf8' });
  const consumers = run(['list_consumers', 'queue_name', 'channel_pid', 'active']);
  const channels = run(['list_channels', 'pid', 'connection']);
  const connections = run(['list_connections', 'pid', 'client_properties']);
  const nameOfConnection = new Map<string, string>();
  for (const line of connections.split('\n')) {
    const pid = line.trim().split(/\s+/)[0];
    const name = /warren ([\w.:-]+)/.exec(line)?.[1];
    if (pid && name) nameOfConnection.set(pid, name);
  }
  const connectionOfChannel = new Map<string, string>();
  for (const line of channels.split('\n')) {
    const [pid, conn] = line.trim().split(/\s+/);
    if (pid && conn) connectionOfChannel.set(pid, conn);
  }
  const owners = new Map<string, string>();
  for (const line of consumers.split('\n')) {
    const [queue, channel, active] = line.trim().split(/\s+/);
    if (!queue?.startsWith(prefix) || active !== 'true') continue;
    const node = nameOfConnection.get(connectionOfChannel.get(channel) ?? '') ?? '?';
    owners.set(queue, owners.has(queue) ? `${owners.get(queue)},${node}` : node);
  }
  return owners;
}

/** The entity shard queues of `types` (`ingress` is `warren.ingress.shard.<n>`). */
export function shardQueues(types: string[], shardCount: number): string[] {
  return types.flatMap((t) =>
    Array.from({ length: shardCount }, (_, n) => (t === 'ingress' ? `warren.ingress.shard.${n}` : `warren.${t}.shard.${n}`)),
  );
}

/** Shards each node consumes, per type: `{ session: { r1: 4, r2: 4 } }`. */
export function sharesByType(owners: Map<string, string>): Record<string, Record<string, number>> {
  const out: Record<string, Record<string, number>> = {};
  for (const [queue, node] of owners) {
    const type = queue.startsWith('warren.ingress.shard.') ? 'ingress' : queue.split('.')[1];
    out[type] ??= {};
    out[type][node] = (out[type][node] ?? 0) + 1;
  }
  return out;
}
