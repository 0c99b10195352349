import path from "node:path";
import { parseDatabaseUrl } from "@lgrs/db";
import { LanggraphConfigError, loadLanggraphConfig, type LanggraphConfig } from "@lgrs/runtime";
import type { ServerConfig } from "./runtime.ts";
import { parseAuthConfig } from "./auth-config.ts";
import { ConfigError } from "./config-error.ts";

export { ConfigError };

export const DEFAULT_PORT = 3000;

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

export interface LoadOptions {
  dev: boolean;
  /** Where relative paths resolve: the folder the user started from. */
  baseDir: string;
}

/**
 * Validates the whole environment before anything is started. Throws ConfigError,
 * or DatabaseStartupError (from @lgrs/db) for a bad DATABASE_URL.
 */
export function loadServerConfig(env: NodeJS.ProcessEnv, options: LoadOptions): ServerConfig {
  const port = parsePort(env["PORT"]);
  const database = parseDatabaseUrl(env["DATABASE_URL"], options.baseDir);
  const langgraphConfig = readLanggraphConfig(env["LANGGRAPH_CONFIG"], options.baseDir);
  const concurrency = parsePositiveInt("RUN_CONCURRENCY", env["RUN_CONCURRENCY"], 10, "10");
  const drainTimeoutMs = parsePositiveInt("SHUTDOWN_DRAIN_MS", env["SHUTDOWN_DRAIN_MS"], 5000, "5000");
  const auth = parseAuthConfig(env, port);
  return { port, dev: options.dev, baseDir: options.baseDir, database, langgraphConfig, concurrency, drainTimeoutMs, auth };
}

/**
 * The folder the user started from. `pnpm start` at the repository root runs the
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
