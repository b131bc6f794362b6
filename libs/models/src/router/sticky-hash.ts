/** FNV-1a, 32 bits: a stable, fast hash of a string (the same value on every node and every run). */
export function fnv1a(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/**
 * The arm of a weighted split for a key: the key's hash as a point in [0, total weight), so a
 * session always gets the same arm and arms get their share of sessions.
 */
export function pickWeighted<T extends { weight: number }>(arms: readonly T[], key: string): T {
  const total = arms.reduce((n, a) => n + a.weight, 0);
  // Mix the hash once more: FNV-1a's low bits of similar keys cluster.
  let h = fnv1a(key);
  h ^= h >>> 16;
  h = Math.imul(h, 0x45d9f3b) >>> 0;
  h ^= h >>> 16;
  let point = ((h >>> 0) / 0x1_0000_0000) * total;
  for (const arm of arms) {
    if (point < arm.weight) return arm;
    point -= arm.weight;
  }
  return arms.filter((a) => a.weight > 0).at(-1) as T;
}
