import type { RunObserver } from "@lgrs/runtime";
import { createLogger, errorLogger, type Logger } from "./logger.ts";
import { Metrics, runObserver } from "./metrics.ts";
import type { ObserveConfig } from "./observe-config.ts";
import { startTracing, type Tracing } from "./tracing.ts";

/** The process's logger, metrics and (when configured) tracing, made once at start-up. */
export interface Observability {
  logger: Logger;
  metrics: Metrics;
  /** null: OTEL_EXPORTER_OTLP_ENDPOINT is unset */
  tracing: Tracing | null;
  /** what the runtime reports runs to */
  observer: RunObserver;
  /** unexpected errors, with where they happened: the runtime's and the doors' */
  reportError(where: string, err: unknown): void;
}

export async function startObservability(config: ObserveConfig, serviceName: string): Promise<Observability> {
  const logger = createLogger(config.logLevel);
  const metrics = new Metrics();
  const tracing = await startTracing(config.otlpEndpoint, serviceName);
  return { logger, metrics, tracing, observer: runObserver(logger, metrics), reportError: (where, err) => errorLogger(logger, where)(err) };
}
