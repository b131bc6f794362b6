import { trace } from '@opentelemetry/api';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { detectResources, envDetector, resourceFromAttributes } from '@opentelemetry/resources';
import { BasicTracerProvider, BatchSpanProcessor } from '@opentelemetry/sdk-trace-base';

/** What the SDK is told about the process (the environment says the rest). */
export interface TracingIdentity {
  /** `service.name` unless `OTEL_SERVICE_NAME` (or `service.name` in `OTEL_RESOURCE_ATTRIBUTES`) names it. */
  serviceName: string;
  /** `service.instance.id`: the node id. */
  instanceId: string;
  /** `service.version`. @default undefined */
  version?: string;
}

/** The running SDK: flush and stop it at shutdown. */
export interface TracingSdk {
  /** Where spans go (for the start-up line). */
  readonly endpoint: string;
  /** Exports what is buffered and stops. */
  shutdown(): Promise<void>;
}

let running: TracingSdk | undefined;

/**
 * Whether the environment asks for traces to be exported. Off by default: on with
 * `OTEL_TRACES_EXPORTER=otlp`, or an OTLP endpoint (`OTEL_EXPORTER_OTLP_ENDPOINT`,
 * `OTEL_EXPORTER_OTLP_TRACES_ENDPOINT`) and no exporter named; off again with
 * `OTEL_SDK_DISABLED=true` or `OTEL_TRACES_EXPORTER=none`. Other exporters are not built in.
 */
export function tracingRequested(env: Readonly<Record<string, string | undefined>>): boolean {
  if ((env.OTEL_SDK_DISABLED ?? '').toLowerCase() === 'true') return false;
  const exporters = (env.OTEL_TRACES_EXPORTER ?? '')
    .split(',')
    .map((s) => s.trim().toLowerCase())
    .filter(Boolean);
  if (exporters.length > 0) return exporters.includes('otlp');
  return Boolean(env.OTEL_EXPORTER_OTLP_ENDPOINT || env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT);
}

/**
 * Starts the OpenTelemetry tracing SDK when the environment asks for it (`tracingRequested`): a
 * tracer provider with the sampler of `OTEL_TRACES_SAMPLER` (default: parent-based, always on), a
 * batch span processor (`OTEL_BSP_*`) and the OTLP/HTTP exporter (`OTEL_EXPORTER_OTLP_*`: endpoint,
 * headers, timeout; JSON over HTTP), the resource from `identity` and `OTEL_RESOURCE_ATTRIBUTES` /
 * `OTEL_SERVICE_NAME`. Registered as the global tracer provider, so Warren's spans (HTTP, publish,
 * consume, handler, model call) are recorded and exported. Returns undefined when not asked for.
 * Idempotent.
 */
export function startTracingFromEnv(
  identity: TracingIdentity,
  env: Readonly<Record<string, string | undefined>> = process.env,
): TracingSdk | undefined {
  if (running || !tracingRequested(env)) return running;
  const fromEnv = detectResources({ detectors: [envDetector] });
  const resource = resourceFromAttributes({
    'service.name': env.OTEL_SERVICE_NAME || identity.serviceName,
    'service.instance.id': identity.instanceId,
    ...(identity.version ? { 'service.version': identity.version } : {}),
  }).merge(fromEnv);
  const exporter = new OTLPTraceExporter();
  const provider = new BasicTracerProvider({ resource, spanProcessors: [new BatchSpanProcessor(exporter)] });
  trace.setGlobalTracerProvider(provider);
  const endpoint =
    env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT ||
    (env.OTEL_EXPORTER_OTLP_ENDPOINT
      ? `${env.OTEL_EXPORTER_OTLP_ENDPOINT.replace(/\/$/, '')}/v1/traces`
      : 'http://localhost:4318/v1/traces');
  running = {
    endpoint,
    shutdown: async () => {
      running = undefined;
      await provider.shutdown();
      trace.disable();
    },
  };
  return running;
}

/** The SDK started by `startTracingFromEnv`, if any. */
export function runningTracing(): TracingSdk | undefined {
  return running;
}
