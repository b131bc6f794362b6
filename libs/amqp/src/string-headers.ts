/** AMQP headers as strings (Warren's headers are strings; numbers, booleans and buffers are converted, tables dropped). */
export function stringHeaders(raw: Record<string, unknown> | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  if (!raw) return out;
  for (const [k, v] of Object.entries(raw)) {
    if (typeof v === 'string') out[k] = v;
    else if (typeof v === 'number' || typeof v === 'boolean') out[k] = String(v);
    else if (Buffer.isBuffer(v)) out[k] = v.toString('utf8');
  }
  return out;
}
