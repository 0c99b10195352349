/**
 * Spawns the real server (server.ts through tsx) and checks what a user sees at
 * start-up. The failure cases stop before Next.js is loaded, so they need no
 * build and take well under a second each. The good start serves the production
 * build when apps/web/.next holds one (`npm run build`), else it starts in dev mode.
 */
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { connect } from "node:net";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { testTargets, type TestDatabase } from "@lgrs/db/testing";
import { afterAll, describe, expect, it, type ExpectStatic } from "vitest";
import { freePort } from "../../../packages/runtime/test/fixtures/free-port.ts";

const APP_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const HAS_BUILD = existsSync(path.join(APP_DIR, ".next", "BUILD_ID"));

const tmp = mkdtempSync(path.join(os.tmpdir(), "lgrs-web-test-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

const SETTINGS = ["PORT", "DATABASE_URL", "LANGGRAPH_CONFIG", "INIT_CWD", "NODE_ENV"];
const FLEET_SETTINGS = ["REDIS_URL", "REDIS_KEY_PREFIX", "RUN_WORKERS", "RUN_LEASE_MS", "RUN_MAX_ATTEMPTS"];

/** server.ts (`npm start`), or worker.ts (`npm run worker`) with `{ entry: "worker.ts" }`. */
function startServer(env: Record<string, string>, args: string[] = [], { entry = "server.ts" } = {}) {
  const base = { ...process.env };
  // Only what the test sets: nothing inherited from the shell or from npm.
  for (const key of [...SETTINGS, ...FLEET_SETTINGS]) delete base[key];
  // node with tsx's loader, as `npm start` runs it: one process receives the signals
  const child = spawn(process.execPath, ["--import", "tsx", entry, ...args], {
    cwd: APP_DIR,
    env: { ...base, ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  const listeners: (() => void)[] = [];
  child.stdout.on("data", (d: Buffer) => {
    stdout += d.toString();
    listeners.forEach((l) => l());
  });
  child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<Exit>((resolve) => child.on("exit", (code, signal) => resolve({ code, signal, stdout, stderr })));
  /** Resolves once the server says it listens (a worker: it is ready); rejects if it exits first. */
  const listening = new Promise<void>((resolve, reject) => {
    listeners.push(() => {
      if (/listening on http|worker ready/.test(stdout)) resolve();
    });
    void exited.then((e) => reject(new Error(`server exited (${e.code}) before listening:\n${e.stdout}\n${e.stderr}`)));
  });
  listening.catch(() => {}); // the failure tests never wait for it
  return { child, exited, listening };
}

function stderrLines(e: Exit): string[] {
  return e.stderr.split("\n").filter((l) => l.trim() !== "");
}

/** A start-up failure: exit 1, one `error:` line, no stack, Next never loaded. */
async function expectStartupFailure(
  expect: ExpectStatic,
  env: Record<string, string>,
  mentions: RegExp,
  { entry = "server.ts" } = {},
): Promise<string> {
  const result = await startServer({ DATABASE_URL: `file:${path.join(tmp, "unused", "x.db")}`, ...env }, [], { entry }).exited;
  const lines = stderrLines(result);
  expect(result.code, result.stderr).toBe(1);
  expect(lines).toHaveLength(1);
  expect(lines[0]).toMatch(/^error: /);
  expect(lines[0]).toMatch(mentions);
  // Next.js was never loaded: the failure came first (and fast, with no build needed).
  expect(result.stdout).not.toMatch(/next\.config|listening/);
  return lines[0]!;
}

describe("server start-up failures (no build needed)", () => {
  it("rejects an unsupported DATABASE_URL", async ({ expect }) => {
    const line = await expectStartupFailure(expect, { DATABASE_URL: "mysql://root:secret@localhost:3306/app" }, /DATABASE_URL/);
    expect(line).not.toContain("secret");
  });

  it("stops on an unreachable PostgreSQL", async ({ expect }) => {
    await expectStartupFailure(expect, { DATABASE_URL: "postgresql://postgres@127.0.0.1:1/x" }, /PostgreSQL.*127\.0\.0\.1:1/);
  });

  it("stops on a LANGGRAPH_CONFIG that does not exist", async ({ expect }) => {
    const missing = path.join(tmp, "missing", "langgraph.json");
    const line = await expectStartupFailure(expect, { LANGGRAPH_CONFIG: missing }, /LANGGRAPH_CONFIG/);
    expect(line).toContain(missing);
  });

  it("stops on a LANGGRAPH_CONFIG without a graphs object", async ({ expect }) => {
    const file = path.join(tmp, "no-graphs.json");
    writeFileSync(file, JSON.stringify({ dependencies: ["."] }));
    await expectStartupFailure(expect, { LANGGRAPH_CONFIG: file }, /LANGGRAPH_CONFIG.*"graphs"/);
  });

  it("stops on a LANGGRAPH_CONFIG that is not JSON", async ({ expect }) => {
    const file = path.join(tmp, "broken.json");
    writeFileSync(file, "{ graphs: ");
    await expectStartupFailure(expect, { LANGGRAPH_CONFIG: file }, /LANGGRAPH_CONFIG.*not valid JSON/);
  });

  it("rejects a WEBHOOK_ALLOW entry that is no host, address or CIDR", async ({ expect }) => {
    await expectStartupFailure(expect, { WEBHOOK_ALLOW: "10.0.0.0/8,10.0.0.0/40" }, /WEBHOOK_ALLOW entry "10\.0\.0\.0\/40"/);
  });

  it("rejects a LOG_LEVEL pino does not know, saying what the setting is for", async ({ expect }) => {
    const line = await expectStartupFailure(
      expect,
      { LOG_LEVEL: "verbose" },
      /LOG_LEVEL "verbose" is not valid: use one of fatal, error, warn, info, debug, trace, silent/,
    );
    // the meaning and default come from the settings list, as --help and the README tables do
    expect(line).toContain("(LOG_LEVEL: fatal, error, warn, info (a line per request and run step)");
    expect(line).toContain("default: info; every setting: --help)");
  });

  it("rejects a METRICS_PORT that is no port, and an OTLP endpoint that is no URL", async ({ expect }) => {
    await expectStartupFailure(expect, { METRICS_PORT: "metrics" }, /METRICS_PORT "metrics" is not a valid port/);
    await expectStartupFailure(
      expect,
      { OTEL_EXPORTER_OTLP_ENDPOINT: "collector:4318" },
      /OTEL_EXPORTER_OTLP_ENDPOINT .* is not an http\(s\) URL/,
    );
  });

  it("rejects a bad PORT", async ({ expect }) => {
    await expectStartupFailure(expect, { PORT: "http" }, /PORT "http"/);
  });

  it("rejects REDIS_URL with SQLite: fleet mode needs PostgreSQL", async ({ expect }) => {
    await expectStartupFailure(expect, { REDIS_URL: "redis://127.0.0.1:6379" }, /REDIS_URL.*needs a PostgreSQL DATABASE_URL/);
  });

  it("rejects a malformed REDIS_URL without printing its password", async ({ expect }) => {
    const line = await expectStartupFailure(
      expect,
      { DATABASE_URL: "postgresql://postgres@127.0.0.1:1/x", REDIS_URL: "http://:secret@cache:6379" },
      /REDIS_URL.*not a Redis URL/,
    );
    expect(line).not.toContain("secret");
  });

  it("rejects RUN_WORKERS=0 without REDIS_URL: nothing would execute runs", async ({ expect }) => {
    await expectStartupFailure(expect, { RUN_WORKERS: "0" }, /RUN_WORKERS=0 serves HTTP only/);
  });

  it("a worker without REDIS_URL stops at once", async ({ expect }) => {
    await expectStartupFailure(
      expect,
      { DATABASE_URL: "postgresql://postgres@127.0.0.1:1/x" },
      /`npm run worker` executes runs for a fleet and needs REDIS_URL/,
      { entry: "worker.ts" },
    );
  });
});

// Start-up against a real PostgreSQL (migrated on start) and Redis: skipped when
// PostgreSQL is not reachable (testTargets fails the file instead under CI=true).
const postgres = testTargets.find((t) => t.provider === "postgresql");

describe.skipIf(!postgres)("fleet start-up on PostgreSQL", () => {
  const databases: TestDatabase[] = [];
  afterAll(async () => {
    for (const d of databases) await d.drop();
  });
  async function database(): Promise<string> {
    const created = await postgres!.create();
    databases.push(created);
    return created.config.url;
  }

  for (const entry of ["server.ts", "worker.ts"]) {
    it(`${entry} stops on an unreachable Redis with one line, after migrating`, async ({ expect }) => {
      const line = await expectStartupFailure(
        expect,
        { DATABASE_URL: await database(), REDIS_URL: "redis://:secret@127.0.0.1:1" },
        /Redis.*127\.0\.0\.1:1.*not reachable/,
        { entry },
      );
      expect(line).not.toContain("secret");
    });
  }

  it("a worker starts, says it is in the fleet, and stops cleanly on SIGTERM", async ({ expect }) => {
    const prefix = `lgrs-test-${Math.random().toString(36).slice(2, 10)}:`;
    const worker = startServer({ DATABASE_URL: await database(), REDIS_URL: "redis://127.0.0.1:6379", REDIS_KEY_PREFIX: prefix }, [], {
      entry: "worker.ts",
    });
    await worker.listening;
    worker.child.kill("SIGTERM");
    const result = await worker.exited;
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain(`fleet: redis redis://127.0.0.1:6379 prefix ${prefix}, worker yes`);
    expect(result.stdout).toMatch(/worker ready[\s\S]*SIGTERM received[\s\S]*stopped/);
    expect(result.stdout).not.toMatch(/listening|next/i);
  }, 60_000);

  it.skipIf(!HAS_BUILD)(
    "an HTTP-only instance (RUN_WORKERS=0) reports the fleet and Redis in its health",
    async ({ expect }) => {
      const prefix = `lgrs-test-${Math.random().toString(36).slice(2, 10)}:`;
      const port = await freePort();
      const server = startServer({
        PORT: String(port),
        INIT_CWD: path.join(tmp, "fleet-home"),
        DATABASE_URL: await database(),
        REDIS_URL: "redis://127.0.0.1:6379",
        REDIS_KEY_PREFIX: prefix,
        RUN_WORKERS: "0",
        AUTH_SECRET: "s".repeat(40),
      });
      try {
        await server.listening;
        const health = await fetch(`http://127.0.0.1:${port}/api/health`);
        expect(health.status).toBe(200);
        expect(await health.json()).toMatchObject({
          status: "ok",
          runtime: { mode: "fleet", worker: false, running: 0, redis: { reachable: true } },
        });
        const ready = await fetch(`http://127.0.0.1:${port}/api/health/ready`);
        expect(ready.status).toBe(200);
        expect(await ready.json()).toMatchObject({ status: "ready", reasons: [], redis: { reachable: true } });
      } finally {
        server.child.kill("SIGTERM");
      }
      const result = await server.exited;
      expect(result.code, result.stderr).toBe(0);
      expect(result.stdout).toContain(`fleet: redis redis://127.0.0.1:6379 prefix ${prefix}, worker no`);
      expect(result.stdout).toMatch(/SIGTERM received[\s\S]*stopped/);
    },
    60_000,
  );
});

describe(`server good start (${HAS_BUILD ? "production build" : "no build found: dev mode"})`, () => {
  it(
    "migrates a new SQLite file under INIT_CWD, answers /api/health and stops cleanly on SIGTERM, even sent twice",
    async () => {
      // Relative paths resolve against INIT_CWD, the folder `npm start` was run from.
      const home = path.join(tmp, "home");
      const dbFile = path.join(home, "data", "test.db");
      const port = await freePort();
      // one graph that loads (the bundled agent, by absolute path) and one whose file is missing
      const agentFile = path.resolve(import.meta.dirname, "../../../packages/graphs/src/agent.ts");
      writeFileSync(
        path.join(tmp, "langgraph.json"),
        JSON.stringify({ graphs: { agent: `${agentFile}:graph`, ghost: "./ghost.ts:graph" } }),
      );
      const server = startServer(
        {
          PORT: String(port),
          INIT_CWD: home,
          DATABASE_URL: "file:./data/test.db",
          LANGGRAPH_CONFIG: "../langgraph.json",
        },
        HAS_BUILD ? [] : ["--dev"],
      );
      try {
        await server.listening;
        expect(existsSync(dbFile)).toBe(true);

        const res = await fetch(`http://127.0.0.1:${port}/api/health`);
        expect(res.status).toBe(200);
        const body = (await res.json()) as {
          status: string;
          version: string;
          database: { provider: string; reachable: boolean; migrated: boolean; pendingMigrations: string[] };
        };
        expect(body.status).toBe("ok");
        expect(body.version).toMatch(/^\d+\.\d+\.\d+/);
        expect(body.database).toMatchObject({ provider: "sqlite", reachable: true, migrated: true, pendingMigrations: [] });

        expect(body).toMatchObject({ runtime: { mode: "embedded", worker: true, running: 0, redis: null } });

        const live = await fetch(`http://127.0.0.1:${port}/api/health/live`);
        expect(live.status).toBe(200);
        expect(await live.json()).toMatchObject({ status: "ok", version: body.version });
        const ready = await fetch(`http://127.0.0.1:${port}/api/health/ready`);
        expect(ready.status).toBe(200);
        expect(await ready.json()).toEqual({
          status: "ready",
          reasons: [],
          runtime: "started",
          database: { reachable: true, migrated: true },
          redis: null,
        });

        const page = await fetch(`http://127.0.0.1:${port}/health`);
        expect(page.status).toBe(200);
        expect(await page.text()).toContain("LangGraph Run Server");
      } finally {
        // A client in the middle of a request holds shutdown open (up to its 5 s grace);
        // a second signal then (an impatient operator, a supervisor) must not abandon it.
        const client = connect(port, "127.0.0.1");
        await new Promise((resolve) => client.once("connect", resolve));
        client.write("GET / HTTP/1.1\r\nHost: localhost\r\n");
        client.on("error", () => {});
        server.child.stdout.on("data", (d: Buffer) => {
          if (d.toString().includes("SIGTERM received")) server.child.kill("SIGTERM");
        });
        server.child.kill("SIGTERM");
      }
      const result = await server.exited;
      expect(result.code, result.stderr).toBe(0);
      expect(result.stderr).toContain("SIGTERM again: still shutting down");
      expect(result.stdout).toContain(`warning: graph ghost failed to load from ${path.join(tmp, "ghost.ts")}`);
      expect(result.stdout).toContain(`graphs: agent (${path.join(tmp, "langgraph.json")})`);
      expect(result.stdout).toMatch(/SIGTERM received[\s\S]*stopped/);
    },
    HAS_BUILD ? 60_000 : 180_000,
  );
});
