import path from "node:path";
import { parseDatabaseUrl, redactUrl, type DatabaseConfig } from "@lgrs/db";
import {
  DEFAULT_CRON_RECHECK_MS,
  DEFAULT_INPUT_LIMITS,
  DEFAULT_LEASE_MS,
  DEFAULT_MAX_ATTEMPTS,
  DEFAULT_TTL_SWEEP_MS,
  LanggraphConfigError,
  loadLanggraphConfig,
  WebhookAllowError,
  webhookPolicy,
  type InputLimits,
  type LanggraphConfig,
  type StoreScope,
} from "@lgrs/runtime";
import type { CoreConfig, FleetConfig, ServerConfig } from "./runtime.ts";
import { parseAuthConfig } from "./auth-config.ts";
import { ConfigError } from "./config-error.ts";
import {
  DEFAULT_PORT,
  DEFAULT_REDIS_KEY_PREFIX,
  DEFAULT_RUN_CONCURRENCY,
  DEFAULT_SHUTDOWN_DRAIN_MS,
  readSetting,
  type Env,
} from "./settings.ts";
import { parseObserveConfig } from "./observe/observe-config.ts";

export { ConfigError };

export { DEFAULT_PORT, DEFAULT_REDIS_KEY_PREFIX };

export function parsePort(raw: string | undefined): number {
  const value = raw?.trim();
  if (!value) return DEFAULT_PORT;
  const port = /^\d+$/.test(value) ? Number(value) : Number.NaN;
  if (!Number.isInteger(port) || port < 1 || port > 65535) {
    throw new ConfigError(`PORT "${value}" is not a valid port: use a whole number from 1 to 65535, e.g. PORT=3000.`);
  }
  return port;
}

/** Reads and checks LANGGRAPH_CONFIG; null when unset (the bundled graphs are used). */
export function readLanggraphConfig(raw: string | undefined, baseDir: string): LanggraphConfig | null {
  const value = raw?.trim();
  if (!value) return null;
  try {
    return loadLanggraphConfig(path.resolve(baseDir, value));
  } catch (err) {
    if (err instanceof LanggraphConfigError) throw new ConfigError(err.message);
    throw err;
  }
}

/** A positive whole number setting, or its default when unset. */
export function parsePositiveInt(name: string, raw: string | undefined, fallback: number, example: string): number {
  const value = raw?.trim();
  if (!value) return fallback;
  if (!/^\d+$/.test(value) || Number(value) < 1) {
    throw new ConfigError(`${name} "${value}" is not valid: use a whole number of 1 or more, e.g. ${name}=${example}.`);
  }
  return Number(value);
}

export type { Env };

/** Shorter leases expire under an ordinary database hiccup and move healthy runs. */
export const MIN_LEASE_MS = 1000;

/**
 * REDIS_URL: redis:// or rediss:// (TLS), with a host and an optional database
 * number. Null when unset. The message never repeats the URL, which may hold a password.
 */
export function parseRedisUrl(raw: string | undefined): string | null {
  const value = raw?.trim();
  if (!value) return null;
  const example = "redis://host:6379 (rediss:// for TLS, redis://:password@host:6379/0 with a password and database)";
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new ConfigError(`REDIS_URL is not a valid URL: expected ${example}.`);
  }
  if (url.protocol !== "redis:" && url.protocol !== "rediss:") {
    throw new ConfigError(`REDIS_URL "${url.protocol}//..." is not a Redis URL: expected ${example}.`);
  }
  if (!url.hostname) throw new ConfigError(`REDIS_URL names no host: expected ${example}.`);
  const db = url.pathname.replace(/^\//, "");
  if (db !== "" && !/^\d+$/.test(db)) {
    throw new ConfigError(
      `REDIS_URL ${redactUrl(value)} names database "${db}": use a database number, e.g. ${url.protocol}//${url.host}/0.`,
    );
  }
  return value;
}

/** REDIS_KEY_PREFIX: printable, no spaces (it starts every key and channel name). */
export function parseKeyPrefix(raw: string | undefined): string {
  const value = raw?.trim();
  if (!value) return DEFAULT_REDIS_KEY_PREFIX;
  if (!/^[\x21-\x7e]{1,64}$/.test(value)) {
    throw new ConfigError(
      `REDIS_KEY_PREFIX "${value}" is not valid: use up to 64 printable characters without spaces, e.g. REDIS_KEY_PREFIX=${DEFAULT_REDIS_KEY_PREFIX}`,
    );
  }
  return value;
}

/** RUN_WORKERS: 1 (the default) executes runs in this process, 0 serves HTTP only. */
export function parseRunWorkers(raw: string | undefined): 0 | 1 {
  const value = raw?.trim();
  if (!value || value === "1") return 1;
  if (value === "0") return 0;
  throw new ConfigError(
    `RUN_WORKERS "${value}" is not valid: use 1 (this process executes runs, the default) or 0 (serve HTTP only, in a fleet); for more runs at once raise RUN_CONCURRENCY or start more \`npm run worker\` processes.`,
  );
}

/** RUN_LEASE_MS: a whole number of milliseconds, at least MIN_LEASE_MS. */
export function parseLeaseMs(raw: string | undefined): number {
  const value = raw?.trim();
  if (!value) return DEFAULT_LEASE_MS;
  if (!/^\d+$/.test(value) || Number(value) < MIN_LEASE_MS) {
    throw new ConfigError(
      `RUN_LEASE_MS "${value}" is not valid: use a whole number of milliseconds of ${MIN_LEASE_MS} or more, e.g. RUN_LEASE_MS=10000.`,
    );
  }
  return Number(value);
}

/**
 * WEBHOOK_ALLOW: comma-separated host names, addresses and CIDRs that run
 * webhooks may reach even though they are internal (by default webhooks go to
 * public addresses only). Empty when unset.
 */
export function parseWebhookAllow(raw: string | undefined): string[] {
  const entries = (raw ?? "")
    .split(",")
    .map((e) => e.trim())
    .filter(Boolean);
  try {
    webhookPolicy(entries);
  } catch (err) {
    if (!(err instanceof WebhookAllowError)) throw err;
    throw new ConfigError(
      `WEBHOOK_ALLOW entry ${err.message}: use comma-separated host names, IP addresses or CIDRs, e.g. WEBHOOK_ALLOW=hooks.internal,10.0.0.0/8.`,
    );
  }
  return entries;
}

/** The bundled tRPC clients (dashboard, @lgrs/api's client) batch up to this many calls. */
const CLIENT_BATCH = 10;

/** MAX_BATCH_SIZE: at least what the bundled clients send in one batch. */
function parseBatchSize(raw: string | undefined): number {
  const size = parsePositiveInt("MAX_BATCH_SIZE", raw, DEFAULT_INPUT_LIMITS.maxBatchSize, String(DEFAULT_INPUT_LIMITS.maxBatchSize));
  if (size < CLIENT_BATCH) {
    throw new ConfigError(
      `MAX_BATCH_SIZE "${size}" is too small: the dashboard batches up to ${CLIENT_BATCH} calls, so use ${CLIENT_BATCH} or more, e.g. MAX_BATCH_SIZE=20.`,
    );
  }
  return size;
}

/** What one request may carry: MAX_BODY_BYTES, MAX_JSON_DEPTH, MAX_BATCH_SIZE, MAX_STORE_VALUE_BYTES. */
export function parseLimits(env: Env): InputLimits {
  const d = DEFAULT_INPUT_LIMITS;
  return {
    maxBodyBytes: parsePositiveInt("MAX_BODY_BYTES", readSetting(env, "MAX_BODY_BYTES"), d.maxBodyBytes, String(d.maxBodyBytes)),
    maxJsonDepth: parsePositiveInt("MAX_JSON_DEPTH", readSetting(env, "MAX_JSON_DEPTH"), d.maxJsonDepth, String(d.maxJsonDepth)),
    maxBatchSize: parseBatchSize(readSetting(env, "MAX_BATCH_SIZE")),
    maxStoreValueBytes: parsePositiveInt(
      "MAX_STORE_VALUE_BYTES",
      readSetting(env, "MAX_STORE_VALUE_BYTES"),
      d.maxStoreValueBytes,
      String(d.maxStoreValueBytes),
    ),
  };
}

/** STORE_SCOPE: `shared` (the default, as on LangGraph Platform) or `owner` (each caller's namespaces start with its user id). */
export function parseStoreScope(raw: string | undefined): StoreScope {
  const value = raw?.trim();
  if (!value || value === "shared") return "shared";
  if (value === "owner") return "owner";
  throw new ConfigError(
    `STORE_SCOPE "${value}" is not valid: use shared (every caller reaches every store namespace, the default) or owner (a caller reaches only namespaces that start with its user id).`,
  );
}

/**
 * CRON_SECONDS=1 lets schedules carry a sixth, leading seconds field (for tests
 * and demos: a tick every few seconds); off, schedules have the standard 5 fields.
 * CRON_RECHECK_MS bounds how long a fleet member takes to see a cron made elsewhere.
 */
function parseCrons(env: Env): CoreConfig["crons"] {
  const raw = readSetting(env, "CRON_SECONDS")?.trim();
  if (raw && raw !== "0" && raw !== "1") {
    throw new ConfigError(
      `CRON_SECONDS "${raw}" is not valid: use 0 (5-field schedules, the default) or 1 (a leading seconds field allowed).`,
    );
  }
  const recheckMs = parsePositiveInt("CRON_RECHECK_MS", readSetting(env, "CRON_RECHECK_MS"), DEFAULT_CRON_RECHECK_MS, "30000");
  return { seconds: raw === "1", recheckMs };
}

const FLEET_NEEDS_POSTGRES =
  "REDIS_URL turns fleet mode on, which needs a PostgreSQL DATABASE_URL (a SQLite file serves one process): set DATABASE_URL=postgresql://user:password@host:5432/database, or unset REDIS_URL.";

/**
 * The fleet settings: null on the embedded default (REDIS_URL unset). The lease
 * and attempt settings are checked even then, so a typo never waits for the day
 * REDIS_URL is set.
 */
function parseFleet(env: Env, database: DatabaseConfig, worker: boolean): FleetConfig | null {
  const redisUrl = parseRedisUrl(readSetting(env, "REDIS_URL"));
  const keyPrefix = parseKeyPrefix(readSetting(env, "REDIS_KEY_PREFIX"));
  const leaseMs = parseLeaseMs(readSetting(env, "RUN_LEASE_MS"));
  const maxAttempts = parsePositiveInt("RUN_MAX_ATTEMPTS", readSetting(env, "RUN_MAX_ATTEMPTS"), DEFAULT_MAX_ATTEMPTS, "3");
  if (redisUrl === null) return null;
  if (database.provider !== "postgresql") throw new ConfigError(FLEET_NEEDS_POSTGRES);
  return { redisUrl, keyPrefix, worker, leaseMs, maxAttempts };
}

function loadCoreConfig(env: Env, baseDir: string, worker: boolean, port: number | null): CoreConfig {
  // first: a bad LOG_LEVEL is told before anything is read from disk
  const observe = parseObserveConfig(env, port);
  const database = parseDatabaseUrl(readSetting(env, "DATABASE_URL"), baseDir, readSetting(env, "SQLITE_SYNCHRONOUS"));
  const langgraphConfig = readLanggraphConfig(readSetting(env, "LANGGRAPH_CONFIG"), baseDir);
  const concurrency = parsePositiveInt(
    "RUN_CONCURRENCY",
    readSetting(env, "RUN_CONCURRENCY"),
    DEFAULT_RUN_CONCURRENCY,
    String(DEFAULT_RUN_CONCURRENCY),
  );
  const drainTimeoutMs = parsePositiveInt(
    "SHUTDOWN_DRAIN_MS",
    readSetting(env, "SHUTDOWN_DRAIN_MS"),
    DEFAULT_SHUTDOWN_DRAIN_MS,
    String(DEFAULT_SHUTDOWN_DRAIN_MS),
  );
  const fleet = parseFleet(env, database, worker);
  const webhookAllow = parseWebhookAllow(readSetting(env, "WEBHOOK_ALLOW"));
  const limits = parseLimits(env);
  const storeScope = parseStoreScope(readSetting(env, "STORE_SCOPE"));
  const crons = parseCrons(env);
  const ttlSweepMs = parsePositiveInt("TTL_SWEEP_MS", readSetting(env, "TTL_SWEEP_MS"), DEFAULT_TTL_SWEEP_MS, String(DEFAULT_TTL_SWEEP_MS));
  return {
    baseDir,
    database,
    langgraphConfig,
    concurrency,
    drainTimeoutMs,
    fleet,
    webhookAllow,
    limits,
    storeScope,
    crons,
    ttlSweepMs,
    observe,
  };
}

export interface LoadOptions {
  dev: boolean;
  /** Where relative paths resolve: the folder the user started from. */
  baseDir: string;
}

/**
 * Validates the whole environment before anything is started. Throws ConfigError,
 * or DatabaseStartupError (from @lgrs/db) for a bad DATABASE_URL.
 */
export function loadServerConfig(env: Env, options: LoadOptions): ServerConfig {
  const port = parsePort(readSetting(env, "PORT"));
  const workers = parseRunWorkers(readSetting(env, "RUN_WORKERS"));
  const core = loadCoreConfig(env, options.baseDir, workers === 1, port);
  if (workers === 0 && !core.fleet) {
    throw new ConfigError(
      "RUN_WORKERS=0 serves HTTP only, so nothing here would execute runs: set REDIS_URL (with a PostgreSQL DATABASE_URL) and start `npm run worker` processes, or unset RUN_WORKERS.",
    );
  }
  const auth = parseAuthConfig(env, port);
  return { ...core, port, dev: options.dev, auth };
}

/**
 * The worker process's settings (`npm run worker`): no HTTP, no auth; it always
 * executes runs (RUN_WORKERS is the server's setting) and needs a fleet.
 */
export function loadWorkerConfig(env: Env, options: { baseDir: string }): CoreConfig {
  const core = loadCoreConfig(env, options.baseDir, true, null);
  if (!core.fleet) {
    throw new ConfigError(
      "`npm run worker` executes runs for a fleet and needs REDIS_URL (with a PostgreSQL DATABASE_URL): set REDIS_URL=redis://host:6379, or use `npm start`, which executes runs itself.",
    );
  }
  return core;
}

/**
 * The folder the user started from. `npm start` at the repository root runs the
 * package script in apps/web, but sets INIT_CWD to where it was invoked, which is
 * where the user expects `./data/` and a relative LANGGRAPH_CONFIG to be.
 */
export function userBaseDir(env: NodeJS.ProcessEnv = process.env): string {
  const init = env["INIT_CWD"]?.trim();
  return init ? path.resolve(init) : process.cwd();
}

export function oneLine(s: string): string {
  return s.replace(/\s*\n\s*/g, " ").trim();
}
