#!/usr/bin/env node
// The two README commands: `npm run quickstart` (install, build, serve on SQLite) and
// `npm run test:all` (install, run every test). Needs only Node 20.19+ and npm:
// pnpm is fetched through npx at the version the lockfile was written with.
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import path from "node:path";

const PNPM = "pnpm@12.21.0";
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const mode = process.argv[2];

function fail(message) {
  console.error(`error: ${message}`);
  process.exit(1);
}

const [major, minor] = process.versions.node.split(".").map(Number);
if (major < 20 || (major === 20 && minor < 19)) {
  fail(`Node ${process.versions.node} is too old: install Node 20.19 or newer.`);
}
if (mode !== "start" && mode !== "test") fail("usage: node scripts/bootstrap.mjs start|test");

const env = { ...process.env };
// better-sqlite3 may compile from source; node-gyp then needs Node's headers. Where the
// system ships headers for this very Node (as Debian's nodejs does), use them instead
// of downloading them.
const systemHeaders = "/usr/include/node/node_version.h";
if (!env.npm_config_nodedir && existsSync(systemHeaders)) {
  const header = readFileSync(systemHeaders, "utf8");
  if (new RegExp(`#define NODE_MAJOR_VERSION ${major}\\b`).test(header)) env.npm_config_nodedir = "/usr";
}

function pnpm(...args) {
  const result = spawnSync("npx", ["--yes", PNPM, ...args], { cwd: root, env, stdio: "inherit", shell: process.platform === "win32" });
  if (result.status !== 0) process.exit(result.status ?? 1);
}

pnpm("install", "--frozen-lockfile");

if (mode === "test") {
  // Playwright's own Chromium unless a system one is there (offline machines install Debian's).
  if (!env.CHROMIUM_PATH && !existsSync("/usr/bin/chromium")) pnpm("exec", "playwright", "install", "chromium");
  pnpm("test");
} else {
  pnpm("build");
  pnpm("start");
}
