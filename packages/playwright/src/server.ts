/**
 * The run server for one Playwright worker: the production build of apps/web in its
 * own process on a free port, over a fresh database, with a bootstrap admin and key.
 */
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import os from "node:os";
import path from "node:path";
import pg from "pg";

export interface ServerOptions {
  /**
   * The server's folder: `apps/web` of a built checkout of the run server (`npm run build`
   * there first). Default: the LGRS_SERVER_DIR environment variable.
   */
  serverDir?: string | undefined;
  /** the langgraph.json whose graphs the server serves (default: ./langgraph.json when it exists, else the bundled graphs) */
  langgraphConfig?: string | undefined;
  /**
   * A PostgreSQL URL: the server gets a fresh database created on that server and dropped
   * when it stops. Absent (default), a fresh SQLite file in a temporary folder.
   */
  postgresUrl?: string | undefined;
  /** more environment for the server (RUN_CONCURRENCY, LOG_LEVEL, OPENAI_API_KEY, ...) */
  env?: Record<string, string> | undefined;
  /** how long the server may take to listen (default 60 s) */
  startTimeoutMs?: number | undefined;
}

export interface RunServer {
  /** the server's origin, e.g. http://127.0.0.1:41234 */
  url: string;
  /** the bootstrap admin's API key */
  apiKey: string;
  /** the bootstrap admin's sign-in, for browser sessions */
  admin: { email: string; password: string };
  /** the server's DATABASE_URL (for tools such as `npm run admin`) */
  databaseUrl: string;
  /** everything the server printed so far */
  output(): string;
  /** SIGTERM (the server drains and closes its database), then the database is removed */
  stop(): Promise<void>;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
  });
}

function resolveServerDir(given: string | undefined): string {
  const dir = given ?? process.env["LGRS_SERVER_DIR"];
  if (!dir) {
    throw new Error(
      "@lgrs/playwright: where is the run server? Set LGRS_SERVER_DIR (or the serverDir option) to apps/web of a built checkout of the server",
    );
  }
  const abs = path.resolve(dir);
  if (!existsSync(path.join(abs, "server.ts")))
    throw new Error(`@lgrs/playwright: ${abs} has no server.ts: give apps/web of the run server`);
  if (!existsSync(path.join(abs, ".next", "BUILD_ID"))) {
    throw new Error(`@lgrs/playwright: ${abs} has no production build: run \`npm run build\` in the server's checkout first`);
  }
  return abs;
}

/** A fresh database on the PostgreSQL server at `url`: its URL, and how to drop it. */
async function freshPostgres(url: string): Promise<{ url: string; drop(): Promise<void> }> {
  const name = `lgrs_pw_${process.pid}_${randomBytes(4).toString("hex")}`;
  const admin = async (sql: string) => {
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      await client.query(sql);
    } finally {
      await client.end();
    }
  };
  await admin(`CREATE DATABASE "${name}"`);
  const own = new URL(url);
  own.pathname = `/${name}`;
  return { url: own.toString(), drop: () => admin(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`) };
}

/** Starts a server and resolves once it listens; rejects with its output if it exits or is too slow. */
export async function startServer(options: ServerOptions = {}): Promise<RunServer> {
  const cwd = resolveServerDir(options.serverDir);
  const langgraphConfig = options.langgraphConfig ?? (existsSync("langgraph.json") ? "langgraph.json" : undefined);
  const dir = mkdtempSync(path.join(os.tmpdir(), "lgrs-playwright-"));
  const postgres = options.postgresUrl ? await freshPostgres(options.postgresUrl) : undefined;
  const databaseUrl = postgres?.url ?? `file:${path.join(dir, "server.db")}`;
  const port = await freePort();
  const apiKey = `lgrs-pw-${randomBytes(16).toString("hex")}`;
  const admin = { email: "admin@playwright.test", password: `pw-${randomBytes(12).toString("hex")}` };

  const env: Record<string, string | undefined> = { ...process.env };
  // the server must behave as deployed, with none of a test runner's or another checkout's settings
  for (const key of ["INIT_CWD", "NODE_ENV", "TEST", "VITEST", "AUTH_URL", "LANGGRAPH_CONFIG"]) delete env[key];
  Object.assign(env, {
    PORT: String(port),
    DATABASE_URL: databaseUrl,
    AUTH_BOOTSTRAP_EMAIL: admin.email,
    AUTH_BOOTSTRAP_PASSWORD: admin.password,
    AUTH_BOOTSTRAP_API_KEY: apiKey,
    // every browser context of a suite signs in from one address
    AUTH_SIGNIN_LIMIT: "0",
    LGRS_TEST_MODE: "1",
    LOG_LEVEL: "warn",
    NEXT_TELEMETRY_DISABLED: "1",
    SHUTDOWN_DRAIN_MS: "2000",
    ...(langgraphConfig && { LANGGRAPH_CONFIG: path.resolve(langgraphConfig) }),
    ...options.env,
  });
  const child = spawn(process.execPath, ["--import", "tsx", "server.ts"], {
    cwd,
    env: env as NodeJS.ProcessEnv,
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout.on("data", (d: Buffer) => (output += d.toString()));
  child.stderr.on("data", (d: Buffer) => (output += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));

  const cleanUp = async () => {
    await postgres?.drop().catch(() => {});
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    await new Promise<void>((resolve, reject) => {
      const timeoutMs = options.startTimeoutMs ?? 60_000;
      const timer = setTimeout(() => {
        child.kill("SIGKILL");
        reject(new Error(`the run server did not listen within ${timeoutMs} ms:\n${output}`));
      }, timeoutMs);
      // the server prints "listening on http://..." once it takes requests
      const check = () => {
        if (!/listening on http/.test(output)) return;
        child.stdout.off("data", check);
        clearTimeout(timer);
        resolve();
      };
      child.stdout.on("data", check);
      void exited.then((code) => {
        clearTimeout(timer);
        reject(new Error(`the run server exited (${code}) before listening:\n${output}`));
      });
    });
  } catch (err) {
    await cleanUp();
    throw err;
  }

  return {
    url: `http://127.0.0.1:${port}`,
    apiKey,
    admin,
    databaseUrl,
    output: () => output,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill("SIGTERM");
        const timer = setTimeout(() => child.kill("SIGKILL"), 15_000);
        await exited;
        clearTimeout(timer);
      }
      await cleanUp();
    },
  };
}
