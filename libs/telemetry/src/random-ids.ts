import { randomFillSync } from 'node:crypto';

/**
 * Random hex ids (trace and span ids) cut from a pooled buffer that is refilled from the CSPRNG
 * when used up, as `crypto.randomUUID()` does for UUIDs: one `randomBytes()` call per id costs a
 * syscall-sized detour (~5 µs) on every message that starts a trace.
 */
const POOL_BYTES = 4096;
const pool = Buffer.allocUnsafe(POOL_BYTES);
let offset = POOL_BYTES;

/** `bytes` random bytes as lowercase hex (`bytes` ≤ 64). */
export function randomHex(bytes: number): string {
  if (offset + bytes > POOL_BYTES) {
    randomFillSync(pool);
    offset = 0;
  }
  const hex = pool.toString('hex', offset, offset + bytes);
  offset += bytes;
  return hex;
}
