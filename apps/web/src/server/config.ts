import { readFileSync, statSync } from "node:fs";
import path from "node:path";
import { parseDatabaseUrl } from "@lgrs/db";
import type { LanggraphConfig, ServerConfig } from "./runtime.ts";

/**
 * A setting that stops start-up. The message is one line saying what is wrong
 * and how to fix it; server.ts prints it as `error: <message>`, without a stack.
 */
export class ConfigError extends Error {
  override name = "ConfigError";
}

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

const EXAMPLE = `{"graphs": {"agent": "./src/agent.ts:graph"}}`;

/** Reads and checks LANGGRAPH_CONFIG; null when unset (the bundled graphs are used). */
export function loadLanggraphConfig(raw: string | undefined, baseDir: string): LanggraphConfig | null {
  const value = raw?.trim();
  if (!value) return null;
  const file = path.resolve(baseDir, value);
  let stat;
  try {
    stat = statSync(file);
  } catch {
    throw new ConfigError(
      `LANGGRAPH_CONFIG points to ${file}, which does not exist: set it to the path of your langgraph.json, or unset it to use the bundled graphs.`,
    );
  }
  if (stat.isDirectory()) {
    throw new ConfigError(`LANGGRAPH_CONFIG points to the folder ${file}: set it to the langgraph.json file itself.`);
  }
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? String(err);
    throw new ConfigError(`LANGGRAPH_CONFIG ${file} cannot be read (${code}): make it readable by the server.`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (err) {
    const reason = err instanceof Error ? oneLine(err.message) : String(err);
    throw new ConfigError(`LANGGRAPH_CONFIG ${file} is not valid JSON (${reason}): expected ${EXAMPLE}.`);
  }
  const graphs = isPlainObject(parsed) ? parsed["graphs"] : undefined;
  if (!isPlainObject(graphs)) {
    throw new ConfigError(`LANGGRAPH_CONFIG ${file} has no "graphs" object: expected ${EXAMPLE}.`);
  }
  const checked: LanggraphConfig["graphs"] = {};
  for (const [id, spec] of Object.entries(graphs)) {
    if (typeof spec === "string" && spec.trim() !== "") {
      checked[id] = spec;
    } else if (isPlainObject(spec) && typeof spec["path"] === "string" && spec["path"].trim() !== "") {
      checked[id] = spec as { path: string };
    } else {
      throw new ConfigError(
        `LANGGRAPH_CONFIG ${file}: graph "${id}" must be a string like "./src/agent.ts:graph", as in ${EXAMPLE}.`,
      );
    }
  }
  return { path: file, dir: path.dirname(file), graphs: checked };
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
  const langgraphConfig = loadLanggraphConfig(env["LANGGRAPH_CONFIG"], options.baseDir);
  return { port, dev: options.dev, baseDir: options.baseDir, database, langgraphConfig };
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

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

export function oneLine(s: string): string {
  return s.replace(/\s*\n\s*/g, " ").trim();
}
