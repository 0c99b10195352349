/**
 * Spawns the real server (server.ts through tsx) and checks what a user sees at
 * start-up. The failure cases stop before Next.js is loaded, so they need no
 * build and take well under a second each. The good start serves the production
 * build when apps/web/.next holds one (`pnpm build`), else it starts in dev mode.
 */
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { connect, createServer } from "node:net";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it, type ExpectStatic } from "vitest";

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

function startServer(env: Record<string, string>, args: string[] = []) {
  const base = { ...process.env };
  // Only what the test sets: nothing inherited from the shell or from pnpm.
  for (const key of ["PORT", "DATABASE_URL", "LANGGRAPH_CONFIG", "INIT_CWD", "NODE_ENV"]) delete base[key];
  // node with tsx's loader, as `pnpm start` runs it: one process receives the signals
  const child = spawn(process.execPath, ["--import", "tsx", "server.ts", ...args], {
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
  /** Resolves once the server says it listens; rejects if it exits first. */
  const listening = new Promise<void>((resolve, reject) => {
    listeners.push(() => {
      if (/listening on http/.test(stdout)) resolve();
    });
    void exited.then((e) => reject(new Error(`server exited (${e.code}) before listening:\n${e.stdout}\n${e.stderr}`)));
  });
  listening.catch(() => {}); // the failure tests never wait for it
  return { child, exited, listening };
}

function stderrLines(e: Exit): string[] {
  return e.stderr.split("\n").filter((l) => l.trim() !== "");
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

/** A start-up failure: exit 1, one `error:` line, no stack, Next never loaded. */
async function expectStartupFailure(expect: ExpectStatic, env: Record<string, string>, mentions: RegExp): Promise<string> {
  const result = await startServer({ DATABASE_URL: `file:${path.join(tmp, "unused", "x.db")}`, ...env }).exited;
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

  it("rejects a bad PORT", async ({ expect }) => {
    await expectStartupFailure(expect, { PORT: "http" }, /PORT "http"/);
  });
});

describe(`server good start (${HAS_BUILD ? "production build" : "no build found: dev mode"})`, () => {
  it(
    "migrates a new SQLite file under INIT_CWD, answers /api/health and stops cleanly on SIGTERM, even sent twice",
    async () => {
      // Relative paths resolve against INIT_CWD, the folder `pnpm start` was run from.
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
