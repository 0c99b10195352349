/**
 * OpenTelemetry tracing, on when OTEL_EXPORTER_OTLP_ENDPOINT is set. The SDK and
 * the exporter are imported only then: unset, nothing is loaded and every span
 * call in the code goes to @opentelemetry/api's no-op. Spans are exported over
 * OTLP/HTTP in batches; the SDK reads the usual OTEL_* variables itself
 * (OTEL_EXPORTER_OTLP_HEADERS, OTEL_BSP_SCHEDULE_DELAY, ...).
 */
import { readSetting } from "../settings.ts";

export interface Tracing {
  /** exports what is still buffered, then stops */
  shutdown(): Promise<void>;
}

export async function startTracing(endpoint: string | null, serviceName: string): Promise<Tracing | null> {
  if (!endpoint) return null;
  const [{ NodeTracerProvider }, { BatchSpanProcessor }, { OTLPTraceExporter }, { resourceFromAttributes }] = await Promise.all([
    import("@opentelemetry/sdk-trace-node"),
    import("@opentelemetry/sdk-trace-base"),
    import("@opentelemetry/exporter-trace-otlp-http"),
    import("@opentelemetry/resources"),
  ]);
  const provider = new NodeTracerProvider({
    resource: resourceFromAttributes({ "service.name": readSetting(process.env, "OTEL_SERVICE_NAME")?.trim() || serviceName }),
    spanProcessors: [new BatchSpanProcessor(new OTLPTraceExporter())],
  });
  // the async-hooks context manager and the W3C trace-context propagator
  provider.register();
  return { shutdown: () => provider.shutdown() };
}
