import { ROOT_CONTEXT } from '@opentelemetry/api';
import { extractTraceContext, injectTraceHeaders, SpanKind, startSpan, traceIdOf } from './trace-propagation';

describe('trace propagation without an OpenTelemetry SDK', () => {
  it('starts a trace when there is none, so the headers still carry a traceparent', () => {
    const { ctx } = startSpan('work', ROOT_CONTEXT, SpanKind.CONSUMER);
    const headers: Record<string, string | number> = {};
    injectTraceHeaders(headers, ctx);
    expect(headers.traceparent).toMatch(/^00-[0-9a-f]{32}-[0-9a-f]{16}-00$/);
    expect(traceIdOf(ctx)).toBe(String(headers.traceparent).split('-')[1]);
  });

  it('continues an incoming trace', () => {
    const traceId = '0af7651916cd43dd8448eb211c80319c';
    const parent = extractTraceContext({ traceparent: `00-${traceId}-b7ad6b7169203331-01` });
    const { ctx } = startSpan('work', parent, SpanKind.CONSUMER);
    expect(traceIdOf(ctx)).toBe(traceId);
  });
});
