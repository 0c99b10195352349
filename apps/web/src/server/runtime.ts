import type { Database, DatabaseConfig } from "@lgrs/db";
import type { AuthService } from "@lgrs/auth";
import type { GraphRegistry, InputLimits, LanggraphConfig, Runtime as Engine, StoreScope } from "@lgrs/runtime";
import type { AuthConfig } from "./auth-config.ts";
import type { ObserveConfig } from "./observe/observe-config.ts";

/** Fleet mode: REDIS_URL with a PostgreSQL DATABASE_URL. */
export interface FleetConfig {
  /** REDIS_URL as given (it may hold a password: print the connection's redacted url instead) */
  redisUrl: string;
  /** REDIS_KEY_PREFIX: every key and channel starts with it */
  keyPrefix: string;
  /** this process executes runs: RUN_WORKERS=1 (the default) on a server, always on a worker */
  worker: boolean;
  /** RUN_LEASE_MS: a run's lease; renewed every third of it, swept when expired */
  leaseMs: number;
  /** RUN_MAX_ATTEMPTS: executions of a run whose worker died before it ends `error` */
  maxAttempts: number;
}

/** What both processes (server.ts, worker.ts) read from their environment, validated. */
export interface CoreConfig {
  /** Where relative paths (SQLite file, LANGGRAPH_CONFIG) were resolved: INIT_CWD, else the process cwd. */
  baseDir: string;
  database: DatabaseConfig;
  /** null: LANGGRAPH_CONFIG is unset and the bundled graphs will be used. */
  langgraphConfig: LanggraphConfig | null;
  /** runs executing at once (RUN_CONCURRENCY) */
  concurrency: number;
  /** how long shutdown waits for running runs to stop (SHUTDOWN_DRAIN_MS) */
  drainTimeoutMs: number;
  /** null: the embedded default (one process, no Redis) */
  fleet: FleetConfig | null;
  /** WEBHOOK_ALLOW: internal hosts and networks run webhooks may reach (empty: public addresses only) */
  webhookAllow: string[];
  /** MAX_BODY_BYTES, MAX_JSON_DEPTH, MAX_BATCH_SIZE, MAX_STORE_VALUE_BYTES */
  limits: InputLimits;
  /** STORE_SCOPE: who reaches which store namespaces */
  storeScope: StoreScope;
  /** CRON_SECONDS (schedules may have a leading seconds field) and CRON_RECHECK_MS (see CronOptions) */
  crons: { seconds: boolean; recheckMs: number };
  /** TTL_SWEEP_MS: how often expired threads and store items are swept */
  ttlSweepMs: number;
  /** LOG_LEVEL, METRICS_PORT, OTEL_EXPORTER_OTLP_ENDPOINT */
  observe: ObserveConfig;
}

/** Everything the server process read from its environment, validated. */
export interface ServerConfig extends CoreConfig {
  port: number;
  dev: boolean;
  auth: AuthConfig;
}

/** The process-wide singletons server.ts creates at start-up and closes at shutdown. */
export interface Runtime {
  config: ServerConfig;
  db: Database;
  /** The prisma/ folder holding the migrations, as seen from the unbundled @lgrs/db. */
  prismaDir: string;
  /** the run engine: graphs, runs, streams */
  engine: Engine;
  graphs: GraphRegistry;
  /** sign-in, sessions */
  auth: AuthService;
  startedAt: Date;
  /** true once SIGTERM/SIGINT arrived: the server drains and is no longer ready */
  stopping(): boolean;
}

// Kept on globalThis: Next's page bundles do not share module instances with
// server.ts (nor always with each other), but they share the process.
const KEY = Symbol.for("@lgrs/web.runtime");
type Holder = { [KEY]?: Runtime };
const holder = globalThis as typeof globalThis & Holder;

export class RuntimeNotStartedError extends Error {
  override name = "RuntimeNotStartedError";
  constructor() {
    super("The server runtime is not started: run the app through server.ts (npm start or npm run dev), not `next start`.");
  }
}

export function setRuntime(runtime: Runtime): void {
  holder[KEY] = runtime;
}

export function clearRuntime(): void {
  delete holder[KEY];
}

/** The runtime, or undefined before start-up finished (or when not started through server.ts). */
export function tryGetRuntime(): Runtime | undefined {
  return holder[KEY];
}

export function getRuntime(): Runtime {
  const runtime = holder[KEY];
  if (!runtime) throw new RuntimeNotStartedError();
  return runtime;
}
