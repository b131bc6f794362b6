/** One JSON line of a Warren app's log (pino), as parsed. */
export interface LogRecord {
  level: string;
  time: string;
  msg: string;
  [field: string]: unknown;
}

/** The record of a JSON log line, or undefined for any other line (a FAILPOINT line, a stack …). */
export function parseLogLine(line: string): LogRecord | undefined {
  if (!line.startsWith('{')) return undefined;
  try {
    const record = JSON.parse(line) as Partial<LogRecord>;
    return typeof record.level === 'string' && typeof record.msg === 'string' ? (record as LogRecord) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * A log line as tests read it: `<level> [<context>] <msg> <other fields as JSON>` for a JSON line
 * (`info [Broker] broker connection closed {"unresponsive":true,…}`), any other line as it is. Tests
 * match the message text (` ready on port (\d+)`, `connection to RabbitMQ lost`) whatever the format.
 */
export function readableLogLine(line: string): string {
  const record = parseLogLine(line);
  if (!record) return line;
  const { level, time: _time, msg, context, ...rest } = record;
  const head = typeof context === 'string' ? `${level} [${context}] ${msg}` : `${level} ${msg}`;
  return Object.keys(rest).length > 0 ? `${head} ${JSON.stringify(rest)}` : head;
}
