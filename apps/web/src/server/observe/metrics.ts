import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from "prom-client";
import type { Run } from "@lgrs/db";
import type { RunObserver, TokenCall } from "@lgrs/runtime";
import type { Logger } from "./logger.ts";

/** What the gauges read at scrape time from the engine. */
export interface EngineGauges {
  queueDepth(): Promise<number>;
  runningCount(): number;
}

/** Seconds: a trivial request is well under a millisecond, a run can take minutes. */
const HTTP_BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
const RUN_BUCKETS = [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600, 1800];

/**
 * The process's Prometheus metrics (prom-client). Counters move by one increment
 * per run or per LLM call; histograms are observed once, at a run's start, first
 * event and end, and at a request's end. Queue depth and running runs are read
 * only when /metrics is scraped.
 */
export class Metrics {
  readonly registry = new Registry();
  readonly runs = new Counter({
    name: "lgrs_runs_total",
    help: "Runs ended, by final status and assistant",
    labelNames: ["status", "assistant_id"] as const,
    registers: [this.registry],
  });
  readonly queueWait = new Histogram({
    name: "lgrs_run_queue_wait_seconds",
    help: "How long runs waited between being created (or their not-before time) and starting",
    buckets: RUN_BUCKETS,
    registers: [this.registry],
  });
  readonly runDuration = new Histogram({
    name: "lgrs_run_duration_seconds",
    help: "How long runs executed, by final status",
    labelNames: ["status"] as const,
    buckets: RUN_BUCKETS,
    registers: [this.registry],
  });
  readonly firstEvent = new Histogram({
    name: "lgrs_run_first_event_seconds",
    help: "Time from a run's creation to its first graph event",
    buckets: RUN_BUCKETS,
    registers: [this.registry],
  });
  readonly subscribers = new Gauge({
    name: "lgrs_stream_subscribers",
    help: "Readers following runs' live events in this process",
    registers: [this.registry],
  });
  readonly tokens = new Counter({
    name: "lgrs_llm_tokens_total",
    help: "LLM tokens used by runs, by model and kind (input, output)",
    labelNames: ["model", "kind"] as const,
    registers: [this.registry],
  });
  readonly http = new Histogram({
    name: "lgrs_http_request_duration_seconds",
    help: "HTTP request latency, by method, route template and status",
    labelNames: ["method", "route", "status"] as const,
    buckets: HTTP_BUCKETS,
    registers: [this.registry],
  });

  /** set once the engine exists (it is made after the metrics it reports to): its gauges read zero until then */
  private engine: EngineGauges | undefined;

  constructor() {
    const engine = () => this.engine;
    new Gauge({
      name: "lgrs_run_queue_depth",
      help: "Runs waiting to start (pending), across every instance sharing the database",
      registers: [this.registry],
      async collect() {
        this.set((await engine()?.queueDepth()) ?? 0);
      },
    });
    new Gauge({
      name: "lgrs_active_streams",
      help: "Runs executing in this process, each streaming its events live",
      registers: [this.registry],
      collect() {
        this.set(engine()?.runningCount() ?? 0);
      },
    });
    collectDefaultMetrics({ register: this.registry, prefix: "lgrs_process_" });
  }

  attach(engine: EngineGauges): void {
    this.engine = engine;
  }

  /** The Prometheus text of every metric. */
  scrape(): Promise<string> {
    return this.registry.metrics();
  }

  get contentType(): string {
    return this.registry.contentType;
  }
}

function ids(run: Run) {
  return { runId: run.id, threadId: run.threadId, assistantId: run.assistantId, ownerId: run.ownerId };
}

/** The runtime's observer: one log line and a few metric updates at each lifecycle point of a run. */
export function runObserver(logger: Logger, metrics: Metrics | null): RunObserver {
  const info = logger.isLevelEnabled("info");
  return {
    queued(run) {
      if (info) logger.info({ ...ids(run), event: "run.queued" }, "run queued");
    },
    started(run, waitMs) {
      if (waitMs !== null) metrics?.queueWait.observe(waitMs / 1000);
      if (info) logger.info({ ...ids(run), event: "run.started", attempt: run.attempt, waitMs }, "run started");
    },
    firstEvent(_run, ms) {
      metrics?.firstEvent.observe(ms / 1000);
    },
    ended(run, durationMs) {
      metrics?.runs.inc({ status: run.status, assistant_id: run.assistantId });
      if (durationMs !== null) metrics?.runDuration.observe({ status: run.status }, durationMs / 1000);
      const error = run.error as { type?: string; message?: string } | null;
      const fields = { ...ids(run), event: "run.finished", status: run.status, durationMs, ...(error ? { error } : {}) };
      if (run.status === "error") logger.warn(fields, "run finished");
      else if (info) logger.info(fields, "run finished");
    },
    tokens(call: TokenCall) {
      if (!metrics) return;
      if (call.inputTokens) metrics.tokens.inc({ model: call.model, kind: "input" }, call.inputTokens);
      if (call.outputTokens) metrics.tokens.inc({ model: call.model, kind: "output" }, call.outputTokens);
    },
    subscribers(delta) {
      metrics?.subscribers.inc(delta);
    },
  };
}
