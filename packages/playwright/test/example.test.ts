/**
 * examples/agent-ui-tests as a team gets it: @lgrs/client and @lgrs/playwright packed
 * with npm (as the example's `npm run vendor` does), the example copied outside the
 * workspace and installed with plain npm, type-checked by tsc against the packed
 * declarations, then its Playwright specs run against this checkout's built server.
 */
import { execFileSync, spawnSync } from "node:child_process";
import { cpSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";

const repo = path.resolve(import.meta.dirname, "../../..");
const example = path.join(repo, "examples", "agent-ui-tests");
// npm's downloads are kept between runs here, and nowhere else
const npmCache = path.join(os.tmpdir(), "lgrs-playwright-example-npm-cache");
const LEFT_OUT = new Set(["node_modules", "vendor", "test-results", "playwright-report"]);

let app: string;

beforeAll(() => {
  app = path.join(mkdtempSync(path.join(os.tmpdir(), "lgrs-playwright-example-")), "agent-ui-tests");
  cpSync(example, app, { recursive: true, filter: (src) => !LEFT_OUT.has(path.basename(src)) });
  const vendor = path.join(app, "vendor");
  mkdirSync(vendor);
  // each is built first, as for a publish (the client by its prepack, the fixtures by their pack script)
  execFileSync("npm", ["pack", path.join(repo, "packages", "client"), "--pack-destination", vendor, "--silent"], { stdio: "pipe" });
  execFileSync(process.execPath, [path.join(repo, "packages", "playwright", "scripts", "pack.mjs"), vendor], { stdio: "pipe" });
  execFileSync("npm", ["install", "--prefer-offline", "--no-audit", "--no-fund", "--cache", npmCache], { cwd: app, stdio: "pipe" });
}, 300_000);

afterAll(() => {
  if (app) rmSync(path.dirname(app), { recursive: true, force: true });
});

it("type-checks against the packed declarations, with none of the server's source", () => {
  const tsc = spawnSync(process.execPath, [path.join(app, "node_modules/typescript/bin/tsc"), "-p", "."], { cwd: app, encoding: "utf8" });
  expect(tsc.stdout + tsc.stderr).toBe("");
  expect(tsc.status).toBe(0);
});

it("runs its Playwright specs against its own graph on a server per worker", () => {
  const run = spawnSync(process.execPath, [path.join(app, "node_modules/@playwright/test/cli.js"), "test", "--workers=2"], {
    cwd: app,
    encoding: "utf8",
    env: { ...process.env, LGRS_SERVER_DIR: path.join(repo, "apps/web"), CI: "1" },
    timeout: 240_000,
  });
  const output = run.stdout + run.stderr;
  expect(output, output).toMatch(/\b4 passed\b/);
  expect(run.status, output).toBe(0);
}, 300_000);
