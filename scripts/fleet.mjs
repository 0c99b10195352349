#!/usr/bin/env node
// `npm run fleet -- [--instances N] [--workers M]`: a local fleet on one PostgreSQL and one
// Redis, to try fleet mode on one machine. N HTTP instances (server.ts with
// RUN_WORKERS=0) on ports PORT, PORT+1, ... and M worker processes (worker.ts).
// DATABASE_URL and REDIS_URL come from the environment, with local defaults; the
// database is created when missing. Every child's output is prefixed with its
// name; SIGINT/SIGTERM are forwarded, and the command exits once all have stopped.
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const webDir = path.join(root, "apps", "web");
const DEFAULT_DATABASE_URL = "postgresql://postgres@127.0.0.1:5432/lgrs_fleet";
const DEFAULT_REDIS_URL = "redis://127.0.0.1:6379";

function fail(message) {
  console.error(`error: ${message}`);
  process.exit(1);
}

function usage() {
  return "usage: npm run fleet -- [--instances N] [--workers M]   (defaults: 2 instances, 2 workers)";
}

function parseArgs(argv) {
  const counts = { instances: 2, workers: 2 };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === "--") continue;
    if (arg === "--help" || arg === "-h") {
      console.log(usage());
      process.exit(0);
    }
    const match = /^--(instances|workers)(?:=(.*))?$/.exec(arg);
    if (!match) fail(`unknown argument "${arg}": ${usage()}`);
    const value = match[2] ?? argv[++i];
    if (value === undefined || !/^\d+$/.test(value)) fail(`--${match[1]} needs a whole number: ${usage()}`);
    counts[match[1]] = Number(value);
  }
  if (counts.instances < 1) fail("--instances must be 1 or more: the fleet needs an HTTP instance to serve the API and the dashboard.");
  if (counts.workers < 1)
    fail("--workers must be 1 or more: the instances serve HTTP only (RUN_WORKERS=0), so no process would execute runs.");
  return counts;
}

function redact(url) {
  try {
    const u = new URL(url);
    if (u.password) u.password = "***";
    return u.toString();
  } catch {
    return url;
  }
}

/** Creates the database of `url` when it does not exist (pg is a dependency of apps/web). */
async function ensureDatabase(url) {
  const pg = createRequire(path.join(webDir, "package.json"))("pg");
  const tryConnect = async (connectionString) => {
    const client = new pg.Client({ connectionString, connectionTimeoutMillis: 3000 });
    client.on("error", () => {});
    await client.connect();
    return client;
  };
  try {
    await (await tryConnect(url)).end();
    return false;
  } catch (err) {
    if (err?.code !== "3D000") {
      fail(`PostgreSQL at ${redact(url)} is not reachable (${err?.code ?? err?.message ?? err}): start it or set DATABASE_URL.`);
    }
  }
  const target = new URL(url);
  const name = decodeURIComponent(target.pathname.slice(1));
  const admin = new URL(url);
  admin.pathname = "/postgres";
  const client = await tryConnect(admin.toString()).catch((err) =>
    fail(`cannot create database "${name}" at ${redact(url)} (${err?.message ?? err}): create it yourself or set DATABASE_URL.`),
  );
  try {
    await client.query(`CREATE DATABASE "${name.replaceAll('"', '""')}"`);
  } catch (err) {
    if (err?.code !== "42P04") fail(`cannot create database "${name}" (${err?.message ?? err}): create it yourself or set DATABASE_URL.`);
  } finally {
    await client.end();
  }
  return true;
}

const { instances, workers } = parseArgs(process.argv.slice(2));
const basePort = Number(process.env.PORT?.trim() || 3000);
if (!Number.isInteger(basePort) || basePort < 1 || basePort + instances - 1 > 65535) {
  fail(`PORT "${process.env.PORT}" is not valid: use a whole number so that PORT..PORT+${instances - 1} are ports, e.g. PORT=3000.`);
}
const databaseUrl = process.env.DATABASE_URL?.trim() || DEFAULT_DATABASE_URL;
const redisUrl = process.env.REDIS_URL?.trim() || DEFAULT_REDIS_URL;
if (!/^postgres(ql)?:\/\//.test(databaseUrl))
  fail("DATABASE_URL must be a PostgreSQL URL for a fleet, e.g. postgresql://postgres@127.0.0.1:5432/lgrs_fleet.");
if (!existsSync(path.join(webDir, ".next", "BUILD_ID"))) fail("no production build in apps/web/.next: run `npm run build` first.");

if (await ensureDatabase(databaseUrl)) console.log(`fleet: created database ${redact(databaseUrl)}`);

/** name -> { child, exited } */
const children = new Map();
let stopping = false;
let exitCode = 0;
const width = Math.max(`instance-${instances}`.length, `worker-${workers}`.length);

function start(name, entry, env) {
  // detached: a terminal's Ctrl-C reaches only this process, which forwards it once.
  const child = spawn(process.execPath, ["--import", "tsx", entry], {
    cwd: webDir,
    // INIT_CWD: relative paths (./data, LANGGRAPH_CONFIG) resolve where the command was run, as with `npm start`
    // MALLOC_ARENA_MAX: two malloc arenas, as `npm start` and `npm run worker` set it (see apps/web/README.md)
    env: { INIT_CWD: process.cwd(), MALLOC_ARENA_MAX: "2", ...process.env, DATABASE_URL: databaseUrl, REDIS_URL: redisUrl, ...env },
    stdio: ["ignore", "pipe", "pipe"],
    detached: true,
  });
  const label = `[${name.padEnd(width)}]`;
  /** [pattern, resolve] pairs waiting for a line of stdout */
  const waiters = [];
  for (const [stream, out] of [
    [child.stdout, process.stdout],
    [child.stderr, process.stderr],
  ]) {
    createInterface({ input: stream }).on("line", (line) => {
      out.write(`${label} ${line}\n`);
      if (stream !== child.stdout) return;
      for (const [pattern, resolve] of waiters) if (pattern.test(line)) resolve(true);
    });
  }
  const exited = new Promise((resolve) => {
    // "close": the process has exited and its output has been read to the end
    child.on("close", (code, signal) => {
      children.delete(name);
      for (const [, resolveWaiter] of waiters) resolveWaiter(false);
      if (code !== 0) exitCode = 1;
      if (!stopping) {
        process.stderr.write(`${label} exited (${signal ?? code}): stopping the fleet\n`);
        stopAll("SIGTERM");
      }
      if (children.size === 0) finish();
      resolve(code);
    });
  });
  children.set(name, { child, exited });
  /** Resolves true once the child prints a line matching `pattern`, false when it exits first. */
  return { ready: (pattern) => new Promise((resolve) => waiters.push([pattern, resolve])) };
}

function stopAll(signal) {
  stopping = true;
  for (const { child } of children.values()) child.kill(signal);
}

function finish() {
  console.log(`fleet: stopped${exitCode === 0 ? "" : " (a process failed)"}`);
  process.exit(exitCode);
}

// The children are detached: never leave one behind when this process ends some other way.
process.on("exit", () => {
  for (const { child } of children.values()) child.kill("SIGTERM");
});

for (const signal of ["SIGINT", "SIGTERM"]) {
  process.on(signal, () => {
    if (stopping) console.log(`fleet: ${signal} again, forwarded: the processes finish their drain (SHUTDOWN_DRAIN_MS)`);
    else console.log(`fleet: ${signal}, stopping ${children.size} processes`);
    stopAll(signal);
    if (children.size === 0) finish();
  });
}

console.log(
  `fleet: ${instances} instance(s) on ports ${basePort}-${basePort + instances - 1} (HTTP only), ${workers} worker(s); database ${redact(databaseUrl)}; redis ${redact(redisUrl)}`,
);

// The first instance starts alone: it migrates the database and creates the first
// admin (printed once) and the auth secret; the others then start on what it made.
const first = start("instance-1", "server.ts", { PORT: String(basePort), RUN_WORKERS: "0" });
if (await first.ready(/listening on http/)) {
  const rest = [];
  for (let i = 2; i <= instances && !stopping; i++) {
    rest.push(start(`instance-${i}`, "server.ts", { PORT: String(basePort + i - 1), RUN_WORKERS: "0" }).ready(/listening on http/));
  }
  for (let i = 1; i <= workers && !stopping; i++) rest.push(start(`worker-${i}`, "worker.ts", {}).ready(/worker ready/));
  if ((await Promise.all(rest)).every(Boolean) && !stopping) {
    const urls = Array.from({ length: instances }, (_, i) => `http://localhost:${basePort + i}`).join(", ");
    console.log(`fleet: ready: ${urls} (any instance serves any run); Ctrl-C stops them all`);
  }
}
