/**
 * Deep copy of config data (mappings, arrays, primitives) into plain objects: drops class
 * prototypes. Not `structuredClone`, whose objects come from another realm under jest.
 */
export function toPlain<T>(value: T): T {
  if (Array.isArray(value)) return value.map((item: unknown) => toPlain(item)) as T;
  if (typeof value !== 'object' || value === null) return value;
  const out: Record<string, unknown> = {};
  for (const [key, child] of Object.entries(value)) {
    Object.defineProperty(out, key, { value: toPlain(child), writable: true, enumerable: true, configurable: true });
  }
  return out as T;
}
