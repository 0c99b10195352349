/**
 * The production server under test: apps/web/server.ts in a process of its own,
 * started as `npm start` does (node with tsx's loader, the `.next` build), on a
 * database made for this run alone. Its memory is read from /proc, so it is the
 * server's resident set, not this process's.
 */
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { generateApiKey } from "@lgrs/auth";
import { openDatabase, parseDatabaseUrl, repositories, type DatabaseConfig } from "@lgrs/db";
import { freePort } from "../../../packages/runtime/test/fixtures/free-port.ts";

const APP_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
export const BUILD_ID_FILE = path.join(APP_DIR, ".next", "BUILD_ID");

export interface Server {
  /** base URL of the LangGraph door, for the SDK */
  apiUrl: string;
  pid: number;
  /** everything it printed, for errors */
  output(): string;
  /** SIGTERM and wait for the exit (SIGKILL after 15 s) */
  stop(): Promise<void>;
}

/**
 * Spawns the server with `env` on top of this process's; resolves once it listens.
 * `spawned` gets its stop at once, so an interrupted start-up still stops it.
 */
export async function startServer(env: Record<string, string>, spawned: (stop: () => Promise<void>) => void): Promise<Server> {
  const port = await freePort();
  const base: Record<string, string | undefined> = { ...process.env };
  // the server must run as deployed: no test switches, no inherited config, the offline model (no OPENAI_API_KEY)
  for (const key of [
    "INIT_CWD",
    "NODE_ENV",
    "LANGGRAPH_CONFIG",
    "AUTH_SECRET",
    "AUTH_URL",
    "TEST",
    "VITEST",
    "OPENAI_API_KEY",
    "REDIS_URL",
  ]) {
    delete base[key];
  }
  // AUTH_SECRET set: else the server writes a generated one into its data folder (the app folder on PostgreSQL)
  const childEnv: Record<string, string | undefined> = {
    ...base,
    SHUTDOWN_DRAIN_MS: "2000",
    // as `npm start` sets it (apps/web/package.json): two malloc arenas, see apps/web/README.md
    MALLOC_ARENA_MAX: process.env["MALLOC_ARENA_MAX"] ?? "2",
    AUTH_SECRET: randomBytes(32).toString("hex"),
    ...env,
    PORT: String(port),
  };
  // BENCH_SERVER_NODE_ARGS: extra node flags for the server alone, e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof"
  const nodeArgs = (process.env["BENCH_SERVER_NODE_ARGS"] ?? "").split(/\s+/).filter(Boolean);
  const child = spawn(process.execPath, [...nodeArgs, "--import", "tsx", "server.ts"], {
    cwd: APP_DIR,
    // a plain record: the web app's type-check (where Next requires NODE_ENV) includes this file too
    env: childEnv as NodeJS.ProcessEnv,
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout!.on("data", (d: Buffer) => (output += d.toString()));
  child.stderr!.on("data", (d: Buffer) => (output += d.toString()));
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill("SIGTERM");
    const timer = setTimeout(() => child.kill("SIGKILL"), 15_000);
    await exited;
    clearTimeout(timer);
  };
  spawned(stop);
  await new Promise<void>((resolve, reject) => {
    // once listening, no more looking: a regex over the whole (growing) output per chunk costs the bench O(n) each time
    const ready = () => {
      if (!/listening on http/.test(output)) return;
      child.stdout!.off("data", ready);
      resolve();
    };
    child.stdout!.on("data", ready);
    void exited.then(() => reject(new Error(`the server exited (${child.exitCode ?? child.signalCode}) before listening:\n${output}`)));
  }).catch(async (err: unknown) => {
    await stop();
    throw err;
  });
  return { apiUrl: `http://127.0.0.1:${port}/api/langgraph`, pid: child.pid!, output: () => output, stop };
}

/** The process's resident memory in MB (VmRSS), NaN where /proc is not there. */
export function residentMb(pid: number): number {
  try {
    const kb = /VmRSS:\s+(\d+)\s+kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"))?.[1];
    return kb ? Number(kb) / 1024 : Number.NaN;
  } catch {
    return Number.NaN;
  }
}

/** Samples a process's resident memory every 100 ms and keeps the highest: the peak under load. */
export class PeakMemory {
  peak = 0;
  private readonly timer: NodeJS.Timeout;
  constructor(private readonly pid: number) {
    this.timer = setInterval(() => this.sample(), 100);
  }
  sample(): number {
    const mb = residentMb(this.pid);
    if (mb > this.peak) this.peak = mb;
    return mb;
  }
  stop(): number {
    clearInterval(this.timer);
    this.sample();
    return this.peak;
  }
}

/** A user and API key of their own, made in the server's database as an admin would (`npm run admin`). */
export async function createApiKey(config: DatabaseConfig): Promise<string> {
  const db = openDatabase(config);
  try {
    const repos = repositories(db);
    const user = await repos.users.createUser({ email: `bench-${randomBytes(6).toString("hex")}@example.com`, name: "bench" });
    const key = generateApiKey();
    await repos.users.createApiKey({ userId: user.id, plainKey: key, name: "bench" });
    return key;
  } finally {
    await db.close();
  }
}

/** A database made for one server: its config, and how to remove it. */
export interface BenchDatabase {
  config: DatabaseConfig;
  drop(): Promise<void>;
}

export function sqliteDatabase(): BenchDatabase {
  const dir = mkdtempSync(path.join(os.tmpdir(), "lgrs-bench-"));
  return {
    config: parseDatabaseUrl(`file:${path.join(dir, "bench.db")}`),
    async drop() {
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A fresh PostgreSQL database on the test server (TEST_DATABASE_URL, default the local one), or null when it does not answer. */
export async function postgresDatabase(): Promise<BenchDatabase | null> {
  // imported only here: it probes PostgreSQL as it loads
  const { testTargets } = await import("@lgrs/db/testing");
  const target = testTargets.find((t) => t.provider === "postgresql");
  return target ? target.create() : null;
}

export const hasBuild = (): boolean => existsSync(BUILD_ID_FILE);
