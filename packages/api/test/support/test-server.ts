/**
 * The real server for API tests: apps/web/server.ts in its own process on a free
 * port, over a fresh SQLite database, serving the production build (`npm run build`
 * runs before the tests) or, without one, Next's dev server. Tests talk to it over
 * HTTP with the real tRPC client, exactly as users do.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { openDatabase, parseDatabaseUrl, type Database, type DatabaseConfig, type User } from "@lgrs/db";
import type { TestTarget } from "@lgrs/db/testing";
import { repositories } from "@lgrs/db";
import { createApiClient, type ApiClient } from "../../src/client.ts";
import { generateApiKey } from "@lgrs/auth";
import { freePort } from "../../../runtime/test/fixtures/free-port.ts";

const WEB_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../../../apps/web");
export const HAS_BUILD = existsSync(path.join(WEB_DIR, ".next", "BUILD_ID"));

/** The admin key every test server starts with (AUTH_BOOTSTRAP_API_KEY). */
export const ADMIN_KEY = "test-admin-key-0123456789abcdef";

export interface TestServer {
  url: string;
  /** the same database, opened from the test process for setup and checks */
  db: Database;
  /** a client with the bootstrap admin key */
  admin: ApiClient;
  /** everything the server printed so far */
  output(): string;
  /** a new user with an API key, and a client that uses it */
  user(role?: "admin" | "user"): Promise<{ user: User; key: string; client: ApiClient }>;
  /** SIGTERM and wait for the exit */
  stop(): Promise<void>;
  /** SIGKILL (a crash: nothing is flushed) and wait for the exit; the database stays */
  kill(): Promise<void>;
  /** sends the server process a signal (SIGHUP: reload the graphs) */
  signal(name: NodeJS.Signals): void;
}

export interface StartOptions {
  /** extra environment (AUTH_* settings, RUN_CONCURRENCY, ...) */
  env?: Record<string, string>;
  /** keep the database folder instead of a fresh one (restart tests) */
  dir?: string;
  /** a fresh database of this target (PostgreSQL) instead of SQLite in `dir` */
  target?: TestTarget;
}

/** Spawns a server and resolves once it listens; rejects with its output if it exits first. */
export async function startTestServer(options: StartOptions = {}): Promise<TestServer> {
  const dir = options.dir ?? mkdtempSync(path.join(os.tmpdir(), "lgrs-api-test-"));
  const port = await freePort();
  const testDb = options.target ? await options.target.create() : undefined;
  const config: DatabaseConfig = testDb?.config ?? parseDatabaseUrl(`file:${path.join(dir, "test.db")}`);
  const databaseUrl = config.url;
  const env: Record<string, string | undefined> = { ...process.env };
  // TEST and VITEST would make better-auth skip its origin check: the server must behave as deployed
  for (const key of ["INIT_CWD", "NODE_ENV", "LANGGRAPH_CONFIG", "AUTH_SECRET", "AUTH_URL", "TEST", "VITEST"]) delete env[key];
  Object.assign(env, {
    PORT: String(port),
    DATABASE_URL: databaseUrl,
    AUTH_BOOTSTRAP_API_KEY: ADMIN_KEY,
    SHUTDOWN_DRAIN_MS: "2000",
    ...options.env,
  });
  const child = spawn(process.execPath, ["--import", "tsx", "server.ts", ...(HAS_BUILD ? [] : ["--dev"])], {
    cwd: WEB_DIR,
    // a plain record: the web app's type-check (where Next requires NODE_ENV) includes this file too
    env: env as NodeJS.ProcessEnv,
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout!.on("data", (d: Buffer) => (output += d.toString()));
  child.stderr!.on("data", (d: Buffer) => (output += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
  await new Promise<void>((resolve, reject) => {
    // once listening, no more looking: a regex over the whole (growing) output per chunk is O(n) each time
    const check = () => {
      if (!/listening on http/.test(output)) return;
      child.stdout!.off("data", check);
      resolve();
    };
    child.stdout!.on("data", check);
    void exited.then((code) => reject(new Error(`server exited (${code}) before listening:\n${output}`)));
  }).catch(async (err: unknown) => {
    await testDb?.drop();
    throw err;
  });

  const url = `http://localhost:${port}`;
  const db = openDatabase(config);
  const repos = repositories(db);
  let made = 0;
  return {
    url,
    db,
    admin: createApiClient({ url, apiKey: ADMIN_KEY }),
    output: () => output,
    async user(role = "user") {
      made++;
      const user = await repos.users.createUser({ email: `user${made}-${Date.now()}@example.com`, name: `User ${made}`, role });
      const key = generateApiKey();
      await repos.users.createApiKey({ userId: user.id, plainKey: key, name: "test" });
      return { user, key, client: createApiClient({ url, apiKey: key }) };
    },
    signal(name) {
      child.kill(name);
    },
    async kill() {
      child.kill("SIGKILL");
      await exited;
      await db.close();
    },
    async stop() {
      await stopChild(child, exited);
      await db.close();
      await testDb?.drop();
      if (!options.dir) rmSync(dir, { recursive: true, force: true });
    },
  };
}

async function stopChild(child: ChildProcess, exited: Promise<number | null>): Promise<void> {
  if (child.exitCode !== null) return;
  child.kill("SIGTERM");
  const timer = setTimeout(() => child.kill("SIGKILL"), 10_000);
  await exited;
  clearTimeout(timer);
}
