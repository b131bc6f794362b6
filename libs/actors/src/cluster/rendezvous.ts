import { createHash } from 'node:crypto';

/**
 * Rendezvous (highest random weight) hashing: the owner of `key` among `nodes` is the node with the
 * highest hash of (node, key). Every node computes the same owner from the same member list, and a
 * node joining or leaving moves only the keys it wins or held (about 1/n of them).
 */
export function rendezvousOwner(key: string, nodes: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestScore = -1n;
  for (const node of nodes) {
    const score = weight(node, key);
    if (score > bestScore || (score === bestScore && best !== undefined && node < best)) {
      best = node;
      bestScore = score;
    }
  }
  return best;
}

/** `nodes` from the highest weight for `key` to the lowest (ties by name): the owner first, then who would take over. */
export function rendezvousRanking(key: string, nodes: readonly string[]): string[] {
  return nodes
    .map((node) => ({ node, score: weight(node, key) }))
    .sort((a, b) => (a.score === b.score ? (a.node < b.node ? -1 : 1) : a.score > b.score ? -1 : 1))
    .map((x) => x.node);
}

/** 64 bits of SHA-256 over (node, key): well spread, stable across processes and versions. */
function weight(node: string, key: string): bigint {
  return createHash('sha256').update(node).update('\0').update(key).digest().readBigUInt64BE(0);
}
