/**
 * Readable lines from pino's JSON lines, for a developer's terminal (`log.format: pretty`):
 * `12:03:04.567 INFO  [Broker] connected to RabbitMQ {"node":"rabbit@h","ms":12}`. Written
 * synchronously like the JSON (so the last lines before `process.exit` are not lost), without
 * pino-pretty's worker thread.
 */

const COLORS: Readonly<Record<string, string>> = Object.freeze({
  trace: '\x1b[90m',
  debug: '\x1b[36m',
  info: '\x1b[32m',
  warn: '\x1b[33m',
  error: '\x1b[31m',
  fatal: '\x1b[35m',
});
const RESET = '\x1b[0m';
const DIM = '\x1b[2m';
/** Fields every line has, shown in the head of the line or not at all. */
const HEAD_FIELDS = new Set(['level', 'time', 'msg', 'context', 'pid', 'hostname', 'node_id', 'app']);

/** One JSON line of pino as a readable line (the line itself when it is not JSON). */
export function prettyLine(json: string, color: boolean): string {
  let record: Record<string, unknown>;
  try {
    record = JSON.parse(json) as Record<string, unknown>;
  } catch {
    return json;
  }
  const level = String(record.level ?? 'info');
  const time = typeof record.time === 'string' ? record.time.slice(11, 23) : new Date().toISOString().slice(11, 23);
  const context = typeof record.context === 'string' ? ` [${record.context}]` : '';
  const rest: Record<string, unknown> = {};
  let stack: string | undefined;
  for (const [k, v] of Object.entries(record)) {
    if (HEAD_FIELDS.has(k)) continue;
    if (k === 'err' && v && typeof v === 'object' && typeof (v as { stack?: unknown }).stack === 'string') {
      stack = (v as { stack: string }).stack;
      const { stack: _omit, ...short } = v as Record<string, unknown>;
      rest[k] = short;
    } else rest[k] = v;
  }
  const fields = Object.keys(rest).length > 0 ? ` ${JSON.stringify(rest)}` : '';
  const tag = level.toUpperCase().padEnd(5);
  const head = color ? `${DIM}${time}${RESET} ${COLORS[level] ?? ''}${tag}${RESET}` : `${time} ${tag}`;
  const body = `${head}${context} ${String(record.msg ?? '')}${color && fields ? `${DIM}${fields}${RESET}` : fields}`;
  return stack ? `${body}\n${stack}` : body;
}
