/**
 * `npm run quickstart` under a supervisor: SIGTERM to the bootstrap process reaches the
 * server it started (a grandchild, behind npm), which drains and exits, and the command
 * exits with the server's status instead of leaving it running. Install and build are
 * skipped (QUICKSTART_PREBUILT=1, the tree is built before the tests); the start and the
 * signal path are the real ones.
 */
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import os from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";

const root = path.resolve(import.meta.dirname, "../..");

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once("error", reject);
    srv.listen(0, () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
  });
}

async function healthStatus(port: number): Promise<number | "refused"> {
  try {
    return (await fetch(`http://127.0.0.1:${port}/api/health/live`, { signal: AbortSignal.timeout(2000) })).status;
  } catch {
    return "refused";
  }
}

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe("npm run quickstart", () => {
  it("passes SIGTERM on to the server and exits once the server has stopped", async () => {
    if (!existsSync(path.join(root, "apps/web/.next/BUILD_ID"))) throw new Error("needs the production build: run `npm run build` first");
    const dir = mkdtempSync(path.join(os.tmpdir(), "lgrs-quickstart-"));
    dirs.push(dir);
    const port = await freePort();
    // what a user's shell would have: nothing of the test runner or of the npm that started it
    const env: Record<string, string | undefined> = Object.fromEntries(
      Object.entries(process.env).filter(([key]) => !/^(npm_|INIT_CWD$|VITEST|TEST$|NODE_ENV$|NODE_OPTIONS$)/.test(key)),
    );
    Object.assign(env, {
      PORT: String(port),
      DATABASE_URL: `file:${path.join(dir, "quickstart.db")}`,
      SHUTDOWN_DRAIN_MS: "2000",
      QUICKSTART_PREBUILT: "1",
    });
    const bootstrap = spawn(process.execPath, ["scripts/bootstrap.mjs", "start"], {
      cwd: root,
      env: env as NodeJS.ProcessEnv,
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    bootstrap.stdout.on("data", (d: Buffer) => (output += d.toString()));
    bootstrap.stderr.on("data", (d: Buffer) => (output += d.toString()));
    const exited = new Promise<{ code: number | null; signal: string | null }>((resolve) =>
      bootstrap.on("exit", (code, signal) => resolve({ code, signal })),
    );

    for (const deadline = Date.now() + 60_000; (await healthStatus(port)) !== 200; ) {
      if (bootstrap.exitCode !== null || Date.now() > deadline) throw new Error(`the server did not come up:\n${output}`);
      await new Promise((resolve) => setTimeout(resolve, 250));
    }

    bootstrap.kill("SIGTERM");
    const exit = await Promise.race([exited, new Promise((resolve) => setTimeout(() => resolve("still running"), 20_000))]);
    expect(exit, output).toEqual({ code: 0, signal: null });
    expect(output).toMatch(/SIGTERM received: shutting down/);
    expect(await healthStatus(port)).toBe("refused");
  }, 90_000);
});
