import { context, SpanKind, trace } from '@opentelemetry/api';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { installContextManager } from '@warren/telemetry';
import { CounterActor, EchoWorker, Relay } from './fixtures/test-actors';
import { eventually, useVhost } from './support/broker';
import { type InProcessRuntime, startRuntime } from './support/runtime';

const vhost = useVhost('trace');
const exporter = new InMemorySpanExporter();
let node: InProcessRuntime;

beforeAll(async () => {
  installContextManager();
  trace.setGlobalTracerProvider(new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] }));
  node = await startRuntime(vhost.url, [{ instance: new CounterActor() }, { instance: new EchoWorker(), options: { keys: ['a'] } }]);
});
afterAll(() => trace.disable());

test('traceparent carries one trace across tell → entity actor → ask → worker', async () => {
  const root = trace.getTracer('test').startSpan('client request');
  const traceId = root.spanContext().traceId;
  await context.with(trace.setSpan(context.active(), root), () =>
    node.runtime.ref('counter/trace-1').tell(Object.assign(new Relay(), { text: 'hi' })),
  );
  root.end();
  const spans = await eventually(() => {
    const s = exporter.getFinishedSpans();
    return s.some((x) => x.name === 'echo test.echo.say') && s.some((x) => x.name === 'ask echo') ? s : undefined;
  }, 'the actor and worker spans');
  const byName = (name: string) => {
    const span = spans.find((x) => x.name === name);
    if (!span) throw new Error(`no span ${name} in ${spans.map((x) => x.name).join(', ')}`);
    return span;
  };
  const actorSpan = byName('counter test.counter.relay');
  const workerSpan = byName('echo test.echo.say');
  expect(actorSpan.spanContext().traceId).toBe(traceId);
  expect(workerSpan.spanContext().traceId).toBe(traceId);
  // Each hop is the child of the one before: send (producer) → consume → handle → ask (producer) → consume.
  const parentOf = (span: (typeof spans)[number]) => spans.find((x) => x.spanContext().spanId === span.parentSpanContext?.spanId);
  const send = parentOf(actorSpan);
  expect([send?.name, send?.kind, send?.parentSpanContext?.spanId]).toEqual(['send counter', SpanKind.PRODUCER, root.spanContext().spanId]);
  const ask = parentOf(workerSpan);
  expect([ask?.name, ask?.kind]).toEqual(['ask echo', SpanKind.PRODUCER]);
  const handler = ask && parentOf(ask);
  expect([handler?.name, handler?.kind]).toEqual([expect.stringMatching(/^handle \w+\.\w+$/), SpanKind.INTERNAL]);
  expect(handler?.parentSpanContext?.spanId).toBe(actorSpan.spanContext().spanId);
});
