import { context, trace } from '@opentelemetry/api';
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
    return s.some((x) => x.name === 'echo test.echo.say') && s.some((x) => x.name === 'counter test.counter.relay') ? s : undefined;
  }, 'the actor and worker spans');
  const actorSpan = spans.find((s) => s.name === 'counter test.counter.relay')!;
  const workerSpan = spans.find((s) => s.name === 'echo test.echo.say')!;
  expect(actorSpan.spanContext().traceId).toBe(traceId);
  expect(workerSpan.spanContext().traceId).toBe(traceId);
  // Each consumer span is the child of the span that produced its message.
  expect(actorSpan.parentSpanContext?.spanId).toBe(root.spanContext().spanId);
  expect(workerSpan.parentSpanContext?.spanId).toBe(actorSpan.spanContext().spanId);
});
