/** Deepest nesting of arrays and objects accepted in an ingress message's `data` (a turn needs 2). */
export const MAX_DATA_DEPTH = 32;

/**
 * True when `value` nests arrays or objects deeper than `max` levels. Iterative, so a body nested
 * thousands of levels deep (which `JSON.parse` accepts) is refused here instead of overflowing the
 * stack of the recursive validators behind.
 */
export function nestedDeeperThan(value: unknown, max: number): boolean {
  const stack: { value: unknown; depth: number }[] = [{ value, depth: 0 }];
  while (stack.length > 0) {
    const { value: v, depth } = stack.pop() as { value: unknown; depth: number };
    if (v === null || typeof v !== 'object') continue;
    if (depth + 1 > max) return true;
    for (const child of Object.values(v)) stack.push({ value: child, depth: depth + 1 });
  }
  return false;
}
