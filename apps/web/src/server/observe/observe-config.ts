import { ConfigError } from "../config-error.ts";
import { readSetting } from "../settings.ts";

export const LOG_LEVELS = ["fatal", "error", "warn", "info", "debug", "trace", "silent"] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/** LOG_LEVEL, METRICS_PORT and OTEL_EXPORTER_OTLP_ENDPOINT, validated. */
export interface ObserveConfig {
  logLevel: LogLevel;
  /** null: /metrics is served on the main port, to admins only */
  metricsPort: number | null;
  /** null: tracing is off (no OpenTelemetry SDK is loaded) */
  otlpEndpoint: string | null;
}

type Env = Record<string, string | undefined>;

export function parseLogLevel(raw: string | undefined): LogLevel {
  const value = raw?.trim().toLowerCase();
  if (!value) return "info";
  if ((LOG_LEVELS as readonly string[]).includes(value)) return value as LogLevel;
  throw new ConfigError(`LOG_LEVEL "${raw?.trim()}" is not valid: use one of ${LOG_LEVELS.join(", ")}, e.g. LOG_LEVEL=info.`);
}

export function parseMetricsPort(raw: string | undefined, mainPort: number | null): number | null {
  const value = raw?.trim();
  if (!value) return null;
  const port = /^\d+$/.test(value) ? Number(value) : Number.NaN;
  if (!Number.isInteger(port) || port < 1 || port > 65535) {
    throw new ConfigError(`METRICS_PORT "${value}" is not a valid port: use a whole number from 1 to 65535, e.g. METRICS_PORT=9464.`);
  }
  if (port === mainPort) {
    throw new ConfigError(
      `METRICS_PORT ${port} is the server's PORT: use another port, or unset METRICS_PORT to serve /metrics to admins on PORT.`,
    );
  }
  return port;
}

/** The OTLP/HTTP collector address; the SDK reads the variable itself, this only checks it is a URL. */
export function parseOtlpEndpoint(raw: string | undefined): string | null {
  const value = raw?.trim();
  if (!value) return null;
  let url: URL | undefined;
  try {
    url = new URL(value);
  } catch {}
  if (!url || (url.protocol !== "http:" && url.protocol !== "https:")) {
    throw new ConfigError(
      `OTEL_EXPORTER_OTLP_ENDPOINT "${value}" is not an http(s) URL: use the collector's OTLP/HTTP address, e.g. OTEL_EXPORTER_OTLP_ENDPOINT=http://localhost:4318.`,
    );
  }
  return value;
}

export function parseObserveConfig(env: Env, mainPort: number | null): ObserveConfig {
  return {
    logLevel: parseLogLevel(readSetting(env, "LOG_LEVEL")),
    metricsPort: parseMetricsPort(readSetting(env, "METRICS_PORT"), mainPort),
    otlpEndpoint: parseOtlpEndpoint(readSetting(env, "OTEL_EXPORTER_OTLP_ENDPOINT")),
  };
}
