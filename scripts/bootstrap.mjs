#!/usr/bin/env node
// The two README commands: `npm run quickstart` (install, build, serve on SQLite) and
// `npm run test:all` (install, run every test). Needs only Node 20.19+ and npm: pnpm,
// which installs the workspace, is fetched through npx at the version the lockfile was
// written with; every later step is an npm script.
//
// SIGINT and SIGTERM are passed on to the step running (the server, for quickstart),
// and the command exits with its status once it and everything it started have
// stopped: a supervisor that stops `npm run quickstart` stops the server with it.
import { spawn } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { constants } from "node:os";

const PNPM = "pnpm@12.21.0";
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const mode = process.argv[2];
const WINDOWS = process.platform === "win32";
/** How long the processes a step started may outlive it before they are killed. */
const STRAGGLER_WAIT_MS = 30_000;

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

const groupAlive = (pid) => {
  try {
    process.kill(-pid, 0);
    return true;
  } catch {
    return false;
  }
};
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Runs one step and resolves with its exit status. The step gets a process group of its
 * own (npx -> pnpm -> sh -> node is a chain in which a shell does not pass signals on),
 * and a signal to this process goes to that whole group, as Ctrl-C in a terminal does.
 */
async function step(command, args) {
  const child = spawn(command, args, { cwd: root, env, stdio: "inherit", detached: !WINDOWS, shell: WINDOWS });
  const forward = (signal) => {
    if (WINDOWS) child.kill(signal);
    else if (groupAlive(child.pid)) process.kill(-child.pid, signal);
  };
  process.on("SIGINT", forward);
  process.on("SIGTERM", forward);
  const status = await new Promise((resolve) => {
    child.on("error", (err) => fail(`${command} could not start: ${err.message}`));
    child.on("exit", (code, signal) => resolve(code ?? 128 + (constants.signals[signal] ?? 1)));
  });
  // The server is a grandchild: wait until it, too, is gone before this command ends.
  for (const deadline = Date.now() + STRAGGLER_WAIT_MS; !WINDOWS && groupAlive(child.pid); await sleep(100)) {
    if (Date.now() > deadline) {
      console.error(`error: processes of \`${command} ${args.join(" ")}\` still ran ${STRAGGLER_WAIT_MS / 1000} s after it ended: killed`);
      process.kill(-child.pid, "SIGKILL");
    }
  }
  process.off("SIGINT", forward);
  process.off("SIGTERM", forward);
  return status;
}

async function must(command, ...args) {
  const status = await step(command, args);
  if (status !== 0) process.exit(status);
}

// QUICKSTART_PREBUILT=1: the tree is installed and built already (tests of this script)
if (env.QUICKSTART_PREBUILT !== "1") {
  // never a prompt: the steps run in a process group of their own, which cannot read the terminal
  await must("npx", "--yes", PNPM, "install", "--frozen-lockfile", "--config.confirmModulesPurge=false");
}

if (mode === "test") {
  // Playwright's own Chromium unless a system one is there (offline machines install Debian's).
  if (!env.CHROMIUM_PATH && !existsSync("/usr/bin/chromium")) await must("npm", "exec", "--", "playwright", "install", "chromium");
  process.exit(await step("npm", ["test"]));
} else {
  if (env.QUICKSTART_PREBUILT !== "1") await must("npm", "run", "build");
  // The web app's own start script, not the root's (which runs it through a second npm):
  // npm forwards a signal to its script and drops its handlers once the script has exited,
  // so an outer npm forwarding late could find the inner one without them and kill it,
  // and the command would exit 143 after a clean stop. One npm catches the group's signal
  // itself, at once.
  process.exit(await step("npm", ["--prefix", "apps/web", "run", "start"]));
}
