import {
  type Context,
  context,
  ROOT_CONTEXT,
  type Span,
  SpanKind,
  SpanStatusCode,
  type TextMapGetter,
  type TextMapSetter,
  TraceFlags,
  trace,
} from '@opentelemetry/api';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { randomHex } from './random-ids';

/**
 * W3C trace context on AMQP headers. Warren uses its own propagator instance rather than the
 * global one, so `traceparent` is carried on every hop even when the app registered none.
 */
const propagator = new W3CTraceContextPropagator();
const TRACER_NAME = 'warren';

const setter: TextMapSetter<Record<string, string | number>> = {
  set: (carrier, key, value) => {
    carrier[key] = value;
  },
};
const getter: TextMapGetter<Readonly<Record<string, unknown>>> = {
  keys: (carrier) => Object.keys(carrier),
  get: (carrier, key) => {
    const v = carrier[key];
    return typeof v === 'string' ? v : Buffer.isBuffer(v) ? v.toString('utf8') : undefined;
  },
};

/** Writes `traceparent`/`tracestate` of `ctx` (default: the active context) into `headers`. */
export function injectTraceHeaders(headers: Record<string, string | number>, ctx: Context = context.active()): void {
  propagator.inject(ctx, headers, setter);
}

/** The context whose parent is the span named by the headers' `traceparent` (or ROOT when none). */
export function extractTraceContext(headers: Readonly<Record<string, unknown>>): Context {
  return propagator.extract(ROOT_CONTEXT, headers, getter);
}

/** Starts a span as a child of `parent` and returns the context that holds it. */
export function startSpan(
  name: string,
  parent: Context,
  kind: SpanKind,
  attributes: Record<string, string | number> = {},
): { span: Span; ctx: Context } {
  let span = trace.getTracer(TRACER_NAME).startSpan(name, { kind, attributes }, parent);
  if (!trace.isSpanContextValid(span.spanContext())) {
    // No SDK registered and no incoming trace: the no-op span has no ids. Start a trace anyway
    // (not sampled), so every hop and event of this work still carries one `traceparent`.
    span = trace.wrapSpanContext({
      traceId: randomHex(16),
      spanId: randomHex(8),
      traceFlags: TraceFlags.NONE,
    });
  }
  return { span, ctx: trace.setSpan(parent, span) };
}

/** Ends a span, recording the error when there is one. */
export function endSpan(span: Span, error?: unknown): void {
  if (error !== undefined) {
    span.recordException(error instanceof Error ? error : String(error));
    span.setStatus({ code: SpanStatusCode.ERROR, message: error instanceof Error ? error.message : String(error) });
  }
  span.end();
}

/** The trace id of a context's span, or undefined. */
export function traceIdOf(ctx: Context): string | undefined {
  const sc = trace.getSpanContext(ctx);
  return sc && trace.isSpanContextValid(sc) ? sc.traceId : undefined;
}

export type { Context as TraceContext, Span };
export { context as otelContext, SpanKind };
