// Traces exported with OTLP: the all-in-one app (compiled output) with the OpenTelemetry SDK turned on
// by the standard OTEL_* variables sends its spans to an OTLP/HTTP receiver run by this test. One user
// turn is one trace from the HTTP POST to the reply event, every hop a span whose parent is the hop
// before it, and the upstream model request carries the model call's span as `traceparent`.
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { gunzipSync } from 'node:zlib';
import { type FakeOpenAiServer, startFakeOpenAiServer } from './fixtures/fake-openai-server';
import { autoTeardown, eventually, useVhost } from './support/broker';
import { startSystem, type TestSystem } from './support/system';

const vhost = useVhost('otlp');

/** One span as OTLP/HTTP JSON carries it. */
interface OtlpSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  kind: number;
  resource: Record<string, unknown>;
}

const KIND = { INTERNAL: 1, SERVER: 2, CLIENT: 3, PRODUCER: 4, CONSUMER: 5 } as const;

/** A minimal OTLP/HTTP receiver: POST /v1/traces with a JSON body (gzip or not); keeps every span. */
class OtlpReceiver {
  readonly spans = new Map<string, OtlpSpan>();
  requests = 0;
  private constructor(private readonly server: Server) {}

  static async start(): Promise<OtlpReceiver> {
    const receiver: OtlpReceiver = new OtlpReceiver(
      createServer((req, res) => receiver.take(req, res.writeHead.bind(res), () => res.end('{}'))),
    );
    await new Promise<void>((resolve) => receiver.server.listen(0, '127.0.0.1', resolve));
    return receiver;
  }

  get url(): string {
    const address = this.server.address();
    return `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  }

  private take(req: IncomingMessage, head: (status: number, headers: Record<string, string>) => unknown, end: () => void): void {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      this.requests++;
      let body = Buffer.concat(chunks);
      if (req.headers['content-encoding'] === 'gzip') body = gunzipSync(body);
      if (req.url === '/v1/traces' && /json/.test(req.headers['content-type'] ?? '')) this.decode(JSON.parse(body.toString('utf8')));
      head(200, { 'content-type': 'application/json' });
      end();
    });
  }

  private decode(payload: {
    resourceSpans?: { resource?: { attributes?: Attr[] }; scopeSpans?: { spans?: Omit<OtlpSpan, 'resource'>[] }[] }[];
  }): void {
    for (const rs of payload.resourceSpans ?? []) {
      const resource = Object.fromEntries((rs.resource?.attributes ?? []).map((a) => [a.key, a.value.stringValue ?? a.value.intValue]));
      for (const ss of rs.scopeSpans ?? []) for (const s of ss.spans ?? []) this.spans.set(s.spanId, { ...s, resource });
    }
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

interface Attr {
  key: string;
  value: { stringValue?: string; intValue?: string };
}

/** The span ids of a `traceparent`. */
function parseTraceparent(value: unknown): { traceId: string; spanId: string } {
  const m = /^00-([0-9a-f]{32})-([0-9a-f]{16})-0[01]$/.exec(String(value));
  if (!m) throw new Error(`not a traceparent: ${String(value)}`);
  return { traceId: m[1], spanId: m[2] };
}

describe('traces exported with OTLP (OTEL_EXPORTER_OTLP_ENDPOINT)', () => {
  let receiver: OtlpReceiver;
  let upstream: FakeOpenAiServer;
  let sys: TestSystem;

  beforeAll(async () => {
    receiver = await OtlpReceiver.start();
    autoTeardown({ close: () => receiver.close() });
    upstream = await startFakeOpenAiServer();
    autoTeardown({ close: () => upstream.stop() });
    sys = await startSystem('warren', vhost.url, {
      OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url,
      OTEL_SERVICE_NAME: 'warren-otlp-test',
      OTEL_BSP_SCHEDULE_DELAY: '100',
      FAKE_OPENAI_KEY: 'sk-test',
      WARREN__MODELS__ENDPOINTS: JSON.stringify({
        upstream: { kind: 'openai', baseUrl: upstream.baseUrl, model: 'normal', apiKeyEnv: 'FAKE_OPENAI_KEY' },
      }),
      WARREN__SESSION__MODEL: 'upstream',
    });
  });

  test('one turn is one trace from POST /v1/sessions/:id/messages to the reply event, each hop the child of the one before', async () => {
    expect(sys.app.output.join('\n')).toContain(`tracing: exporting spans to ${receiver.url}/v1/traces`);
    const res = await fetch(`${sys.app.url}/v1/sessions/otlp-1/messages`, {
      method: 'POST',
      headers: { authorization: 'Bearer dev-key', 'content-type': 'application/json' },
      body: JSON.stringify({ text: 'hello over a traced path' }),
    });
    expect(res.status).toBe(202);
    const { taskId } = (await res.json()) as { taskId: string };
    const server = parseTraceparent(res.headers.get('traceparent'));
    const reply = await sys.tap.waitFor(taskId, 'reply');
    const published = parseTraceparent(reply.headers.traceparent);
    expect(published.traceId).toBe(server.traceId);

    // Walk from the reply's producer span up to the HTTP server span; every span must have arrived.
    const chain = await eventually(() => {
      const out: OtlpSpan[] = [];
      for (let id: string | undefined = published.spanId; id; ) {
        const span = receiver.spans.get(id);
        if (!span) return undefined;
        out.push(span);
        id = span.parentSpanId || undefined;
      }
      return out;
    }, 'every span from the reply event up to the HTTP request');
    const hops = chain.map((s) => [s.kind, s.name]);
    expect(hops).toEqual([
      [KIND.PRODUCER, 'publish reply'],
      [KIND.INTERNAL, 'handle SessionActor.message'],
      [KIND.CONSUMER, 'session warren.session.message'],
      [KIND.PRODUCER, 'send session'],
      [KIND.SERVER, 'POST /v1/sessions/:sessionId/messages'],
    ]);
    expect(chain.at(-1)?.spanId).toBe(server.spanId);
    expect(new Set(chain.map((s) => s.traceId))).toEqual(new Set([server.traceId]));
    expect(chain[0].resource['service.name']).toBe('warren-otlp-test');

    // The model call: ask-stream → the model worker's consumer and handler → the client span, whose
    // id the upstream HTTP request carried as its traceparent.
    const call = upstream.requests.at(-1);
    const upstreamParent = parseTraceparent(call?.headers.traceparent);
    expect(upstreamParent.traceId).toBe(server.traceId);
    const modelChain = await eventually(() => {
      const out: OtlpSpan[] = [];
      for (let id: string | undefined = upstreamParent.spanId; id; ) {
        const span = receiver.spans.get(id);
        if (!span) return undefined;
        out.push(span);
        id = span.parentSpanId || undefined;
      }
      return out;
    }, 'every span from the model call up to the HTTP request');
    expect(modelChain.slice(0, 4).map((s) => [s.kind, s.name])).toEqual([
      [KIND.CLIENT, 'chat upstream'],
      [KIND.INTERNAL, 'handle ModelWorkerActor.complete'],
      [KIND.CONSUMER, 'model warren.model.complete'],
      [KIND.PRODUCER, 'ask-stream model'],
    ]);
    // The ask-stream was sent by the session's handler: the same span the reply's producer hangs from.
    expect(modelChain[4].spanId).toBe(chain[1].spanId);
  });
});
