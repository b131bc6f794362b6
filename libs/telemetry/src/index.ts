export { installContextManager } from './context-manager';
export { DURATION_BUCKETS_SECONDS } from './metrics/metric-buckets';
export { MetricsController } from './metrics/metrics.controller';
export { MetricsModule } from './metrics/metrics.module';
export type { RuntimeGaugeSource } from './metrics/runtime-gauge-source';
export type { ModerationDirection, TurnOutcome, WarrenMetricsOptions } from './metrics/warren-metrics';
export { WarrenMetrics } from './metrics/warren-metrics';
export type { Span, TraceContext } from './trace-propagation';
export { endSpan, extractTraceContext, injectTraceHeaders, otelContext, SpanKind, startSpan, traceIdOf } from './trace-propagation';
