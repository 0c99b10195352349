/**
 * Start-up and shutdown shared by the two process entry points: server.ts (HTTP,
 * auth, Next.js) and worker.ts (runs only). Both validate their settings, then
 * start the database, Redis (fleet mode), the graphs and the run engine here, and
 * both stop through `shutdown`: drain the runs (bounded), then close Redis, then
 * the database. Expected start-up failures are one line on stderr and exit code 1.
 */
import { DatabaseStartupError, PRISMA_DIR, redactUrl, startDatabase, type Database } from "@lgrs/db";
import {
  connectRedis,
  createRuntime,
  GraphRegistry,
  GraphWatcher,
  RedisStartupError,
  type GraphReloadResult,
  type RedisConnection,
  type ReloadOrigin,
  type Runtime as Engine,
} from "@lgrs/runtime";
import { ConfigError, oneLine } from "./config.ts";
import { explainSettingError } from "./settings.ts";
import { testModeFrom } from "./test-mode.ts";
import type { CoreConfig } from "./runtime.ts";
import { startObservability, type Observability } from "./observe/observability.ts";
import type { Logger } from "./observe/logger.ts";

/** An expected start-up failure: printed as one line, exit code 1. */
export class StartupError extends Error {
  override name = "StartupError";
}

/** How long connectRedis waits at start-up before saying Redis is unreachable. */
const REDIS_CONNECT_TIMEOUT_MS = 3000;

/** The process's logger once observability has started: start-up and shutdown lines go through it too. */
let processLogger: Logger | undefined;

/**
 * A start-up or shutdown line: through the logger once there is one (JSON in
 * production, like every other line), before that (settings, the first moments)
 * plain on stdout.
 */
export function log(line: string): void {
  if (processLogger) processLogger.info(line);
  else process.stdout.write(`${line}\n`);
}

/** A start-up line that is a warning (a first-start admin's password, a graph that failed to load). */
export function notice(line: string): void {
  if (processLogger) processLogger.warn(line);
  else process.stdout.write(`${line}\n`);
}

/** A reload's outcome in the log: what changed at info, each graph that failed (file and message) as a warning. */
function logReload(result: GraphReloadResult, origin: ReloadOrigin): void {
  if (result.configError) {
    notice(`warning: graph reload (${origin}) kept the graphs: ${oneLine(result.configError)}`);
    return;
  }
  for (const f of result.failed) {
    notice(
      `warning: graph ${f.graphId} failed to reload from ${f.file}: ${oneLine(f.error)}${f.serving ? ` (version ${f.serving} keeps serving)` : ""}`,
    );
  }
  const updated = result.updated.map((v) => `${v.graphId}@${v.hash}`).join(", ") || "none";
  log(`graphs reloaded (${origin}): updated ${updated}${result.removed.length ? `, removed ${result.removed.join(", ")}` : ""}`);
}

/** What the process runs on, once started. */
export interface Core {
  db: Database;
  /** null on the embedded default */
  redis: RedisConnection | null;
  graphs: GraphRegistry;
  engine: Engine;
  /** logger, metrics, tracing */
  observe: Observability;
}

export interface LifecycleHooks {
  /**
   * Runs while the engine drains its runs: the server stops taking requests here.
   * `drained` settles once the drain is over: streams still open must stay open
   * until then, so their clients read how their run ended (the shutdown's error).
   */
  whileDraining?(drained: Promise<unknown>): Promise<void>;
  /** After the drain, before Redis and the database close: the server closes Next.js here. */
  afterDrain?(): Promise<void>;
  /** Last, once everything is closed. */
  stopped?(): void;
}

/**
 * One per process. `run(main)` installs the SIGTERM/SIGINT handlers and runs the
 * process's own start-up, which calls `startCore` for the shared part.
 */
export class Lifecycle {
  #stopping = false;
  #db: Database | undefined;
  /** Set while migrations run: a signal then waits for them instead of cutting one in half. */
  #dbStarting: Promise<Database> | undefined;
  #redis: RedisConnection | undefined;
  #redisConnecting: Promise<RedisConnection> | undefined;
  #engine: Engine | undefined;
  #observe: Observability | undefined;
  #drainTimeoutMs = 5000;
  #watcher: GraphWatcher | undefined;

  constructor(private readonly hooks: LifecycleHooks = {}) {}

  /** True once SIGTERM/SIGINT arrived: start-up stops at its next step. */
  get stopping(): boolean {
    return this.#stopping;
  }

  /**
   * Database (connect, migrate), Redis (fleet mode), graphs, the run engine
   * (started). Undefined when a signal arrived meanwhile: the caller returns and
   * shutdown closes what was opened.
   */
  async startCore(config: CoreConfig, serviceName: string, options: { watchGraphs?: boolean } = {}): Promise<Core | undefined> {
    this.#drainTimeoutMs = config.drainTimeoutMs;
    // first, so that everything after logs and traces through them
    const observe = (this.#observe = await startObservability(config.observe, serviceName));
    // start-up and shutdown lines are written whatever LOG_LEVEL filters (short of silent):
    // they say the process is up, and tools wait for "listening on"
    processLogger = observe.logger.level === "silent" ? observe.logger : observe.logger.child({}, { level: "info" });

    // Database: connect, migrate, open the Prisma client.
    const where = config.database.provider === "sqlite" ? config.database.file : redactUrl(config.database.url);
    this.#dbStarting = startDatabase(config.database, { log, prismaDir: PRISMA_DIR });
    const db = (this.#db = await this.#dbStarting);
    if (this.#stopping) return undefined;
    log(`database: ${config.database.provider} ${where} (migrated)`);

    // Redis, in fleet mode: unreachable now is a start-up error; later, ioredis reconnects.
    let redis: RedisConnection | null = null;
    if (config.fleet) {
      this.#redisConnecting = connectRedis(config.fleet.redisUrl, {
        keyPrefix: config.fleet.keyPrefix,
        connectTimeoutMs: REDIS_CONNECT_TIMEOUT_MS,
        log: (message) => observe.logger.warn(message),
      });
      redis = this.#redis = await this.#redisConnecting;
      if (this.#stopping) return undefined;
      log(`fleet: redis ${redis.url} prefix ${redis.prefix}, worker ${config.fleet.worker ? "yes" : "no"}`);
    }

    // Graphs and the run engine: a graph that fails to load is reported, the others serve.
    const graphs = await GraphRegistry.load(config.langgraphConfig?.path);
    for (const f of graphs.failures()) notice(`warning: graph ${f.graphId} failed to load from ${f.file}: ${oneLine(f.error)}`);
    log(`graphs: ${graphs.ids().join(", ") || "none"} (${config.langgraphConfig ? config.langgraphConfig.path : "bundled"})`);
    const testMode = testModeFrom();
    if (testMode) notice("test mode: an admin may empty all threads, runs and the store (LGRS_TEST_MODE=1)");
    const engine = (this.#engine = createRuntime({
      db,
      graphs,
      testMode,
      concurrency: config.concurrency,
      webhooks: { allow: config.webhookAllow },
      limits: config.limits,
      storeScope: config.storeScope,
      crons: config.crons,
      ttlSweepMs: config.ttlSweepMs,
      observer: observe.observer,
      tracing: observe.tracing !== null,
      reportError: observe.reportError,
      ...(config.fleet && redis
        ? { fleet: { redis, worker: config.fleet.worker, leaseMs: config.fleet.leaseMs, maxAttempts: config.fleet.maxAttempts } }
        : {}),
    }));
    observe.metrics.attach(engine);
    await engine.start();
    engine.graphs.onReloaded(logReload);
    if (options.watchGraphs) {
      // `npm run dev`: an edit of langgraph.json or a file a graph imports reloads the graphs
      const watcher = (this.#watcher = new GraphWatcher(() => void this.#reload("watch")));
      watcher.set(graphs.watchedFiles());
      engine.graphs.onReloaded(() => watcher.set(graphs.watchedFiles()));
      log(`graphs: watching ${graphs.watchedFiles().length} files for changes`);
    }
    return { db, redis, graphs, engine, observe };
  }

  /**
   * SIGHUP and the dev watcher: reload the graphs of this process (runs executing
   * keep their code). Errors are the reload's own report; only a bug lands here.
   */
  async #reload(origin: ReloadOrigin): Promise<void> {
    if (this.#stopping || !this.#engine) return;
    await this.#engine.graphs.reloadHere(origin).catch((err: unknown) => this.#engine?.reportError("graph reload", err));
  }

  /** Installs the signal handlers, then runs the process's start-up; a failure ends the process. */
  run(main: () => Promise<void>): void {
    process.on("SIGTERM", (s) => void this.shutdown(s));
    process.on("SIGINT", (s) => void this.shutdown(s));
    // SIGHUP reloads the graphs (production's way; `npm run dev` also watches the files).
    // Installed first: before the engine exists a SIGHUP is ignored instead of ending the process.
    process.on("SIGHUP", () => void this.#reload("signal"));
    main().catch(async (err: unknown) => {
      await this.#redis?.close().catch(() => {});
      await this.#db?.close().catch(() => {});
      if (
        err instanceof ConfigError ||
        err instanceof DatabaseStartupError ||
        err instanceof RedisStartupError ||
        err instanceof StartupError
      ) {
        const line = oneLine(err.message);
        process.stderr.write(`error: ${err instanceof ConfigError ? explainSettingError(line) : line}\n`);
        process.exit(1);
      }
      // Not a settings problem: a bug or an unexpected environment, so keep the stack.
      process.stderr.write(`error: start-up failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
      process.exit(1);
    });
  }

  /**
   * SIGTERM / SIGINT: drain the runs (bounded by SHUTDOWN_DRAIN_MS; in a fleet,
   * what did not finish is released for another worker) while the process's own
   * front stops, then close Redis and the database, exit 0.
   */
  async shutdown(signal: NodeJS.Signals): Promise<void> {
    if (this.#stopping) {
      // The drain is bounded, so a second signal waits for it instead of abandoning
      // runs mid-write (their final status and checkpoints must reach the database).
      process.stderr.write(`${signal} again: still shutting down, finishing within the drain timeout\n`);
      return;
    }
    this.#stopping = true;
    this.#watcher?.close();
    log(`${signal} received: shutting down`);
    const drained = this.#engine?.shutdown(this.#drainTimeoutMs);
    await this.hooks
      .whileDraining?.(drained?.catch(() => {}) ?? Promise.resolve())
      .catch((err: unknown) => process.stderr.write(`shutdown: ${String(err)}\n`));
    await drained?.catch((err: unknown) => process.stderr.write(`drain failed: ${String(err)}\n`));
    await this.hooks.afterDrain?.().catch(() => {});
    // Redis after the engine (it published the runs' last events through it), the database last.
    const redis = this.#redis ?? (await this.#redisConnecting?.catch(() => undefined));
    await redis?.close().catch(() => {});
    const db = this.#db ?? (await this.#dbStarting?.catch(() => undefined));
    await db?.close().catch(() => {});
    // spans still buffered are sent before the process exits
    await this.#observe?.tracing?.shutdown().catch(() => {});
    this.hooks.stopped?.();
    log("stopped");
    process.exit(0);
  }
}
