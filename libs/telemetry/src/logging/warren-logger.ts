import { context, trace } from '@opentelemetry/api';
import pino, { type DestinationStream, type Logger } from 'pino';
import { taskIdOf } from '../task-context';
import type { LogOptions } from './log-options';
import { prettyLine } from './pretty-lines';

/** Warren's structured logger (pino). Its methods take the fields first, the message second. */
export type WarrenLogger = Logger;

let root: WarrenLogger | undefined;

/**
 * A pino logger writing one JSON object a line to stdout (or readable lines, `format: pretty`):
 * `level` (its name), `time` (ISO 8601), `node_id` and `app` when given, `msg`, and from the active
 * context the `trace_id` and `span_id` of the span being worked in and the `task_id` of the task
 * (`withTaskId`). Writes are synchronous, so the lines written just before `process.exit` (the
 * shutdown's last ones) are not lost. `destination` replaces stdout (tests).
 */
export function createWarrenLogger(options: LogOptions, destination?: DestinationStream): WarrenLogger {
  const out = destination ?? pino.destination({ dest: 1, sync: true });
  const stream: DestinationStream =
    options.format === 'pretty' ? { write: (line: string) => out.write(`${prettyLine(line.trimEnd(), options.color)}\n`) } : out;
  return pino(
    {
      level: options.level,
      base: {
        ...(options.nodeId === undefined ? {} : { node_id: options.nodeId }),
        ...(options.app === undefined ? {} : { app: options.app }),
      },
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
      mixin: traceFields,
    },
    stream,
  );
}

/** The trace and task of the active context, for every line. */
function traceFields(): Record<string, string> {
  const active = context.active();
  const fields: Record<string, string> = {};
  const span = trace.getSpanContext(active);
  if (span && trace.isSpanContextValid(span)) {
    fields.trace_id = span.traceId;
    fields.span_id = span.spanId;
  }
  const taskId = taskIdOf(active);
  if (taskId !== undefined) fields.task_id = taskId;
  return fields;
}

/**
 * Makes `logger` the process's logger: libraries that log without being given a logger
 * (`nestRuntimeLogger`) write to it. An app's main calls this once (`runWarrenApp`).
 */
export function installRootLogger(logger: WarrenLogger): void {
  root = logger;
}

/** The process's logger when an app installed one (`installRootLogger`), else undefined. */
export function rootLogger(): WarrenLogger | undefined {
  return root;
}
