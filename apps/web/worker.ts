/**
 * The worker process (`npm run worker`): executes runs for a fleet, without HTTP,
 * auth or Next.js. It needs REDIS_URL and a PostgreSQL DATABASE_URL, claims
 * runnable runs from the database (leases), publishes their events to Redis, and
 * on SIGTERM/SIGINT stops claiming, drains (SHUTDOWN_DRAIN_MS) and releases what
 * did not finish for another worker. Start-up and shutdown are server.ts's
 * (src/server/lifecycle.ts), minus the HTTP front.
 */
import "./src/server/heap-growth.ts";
import { loadWorkerConfig, userBaseDir } from "./src/server/config.ts";
import { Lifecycle, log, StartupError } from "./src/server/lifecycle.ts";
import { serveMetricsPort } from "./src/server/observe/metrics-endpoint.ts";
import { settingsHelp } from "./src/server/settings.ts";

const lifecycle = new Lifecycle();

async function main(): Promise<void> {
  if (process.argv.includes("--help")) {
    process.stdout.write(settingsHelp("npm run worker [-- --help] (fleet mode: REDIS_URL and a PostgreSQL DATABASE_URL)"));
    process.exit(0);
  }
  const config = loadWorkerConfig(process.env, { baseDir: userBaseDir() });
  const core = await lifecycle.startCore(config, "lgrs-worker");
  if (!core) return;
  // a worker serves no HTTP: its metrics are on METRICS_PORT, when set
  const { metricsPort } = config.observe;
  if (metricsPort !== null) {
    await serveMetricsPort(core.observe.metrics, metricsPort, core.observe.logger).catch((err: NodeJS.ErrnoException) => {
      throw new StartupError(`METRICS_PORT ${metricsPort} cannot be used (${err.code ?? err.message}): set METRICS_PORT to a free port.`);
    });
    log(`metrics: http://localhost:${metricsPort}/metrics`);
  }
  log(`LangGraph Run Server worker ready (concurrency ${config.concurrency}, pid ${process.pid})`);
}

lifecycle.run(main);
