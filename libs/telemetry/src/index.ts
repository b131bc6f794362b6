export { installContextManager } from './context-manager';
export type { Span, TraceContext } from './trace-propagation';
export { endSpan, extractTraceContext, injectTraceHeaders, otelContext, SpanKind, startSpan, traceIdOf } from './trace-propagation';
