import type { IncomingMessage } from 'node:http';
import { endSpan, extractTraceContext, injectTraceHeaders, type Span, SpanKind, startSpan, type TraceContext } from '@warren/telemetry';

/** A server span continuing the request's W3C `traceparent` (a new trace when there is none). */
export interface ServerSpan {
  span: Span;
  /** Run the request's sends in this context, so the messages carry the same trace. */
  ctx: TraceContext;
  /** `traceparent` of the span, for the response; undefined when no trace is being recorded or continued. */
  traceparent: string | undefined;
  end(error?: unknown): void;
}

/** Starts the server span of a request. */
export function startServerSpan(name: string, req: IncomingMessage, attributes: Record<string, string | number> = {}): ServerSpan {
  const { span, ctx } = startSpan(name, extractTraceContext(req.headers), SpanKind.SERVER, attributes);
  const headers: Record<string, string | number> = {};
  injectTraceHeaders(headers, ctx);
  const traceparent = typeof headers.traceparent === 'string' ? headers.traceparent : undefined;
  return { span, ctx, traceparent, end: (error?: unknown) => endSpan(span, error) };
}
