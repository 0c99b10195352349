/**
 * `npm run bench`: the end-to-end benchmark of issue 14. In one run it measures
 * `graph.stream` in this process (the baseline), then the production server
 * driven by the official SDK over HTTP on a fresh SQLite database, on a fresh
 * PostgreSQL database when one answers, and in fleet mode (PostgreSQL + Redis)
 * when Redis answers too, and prints every figure with its ratio to in-process
 * and the targets. Side by side in one run, because the machine's load
 * moves every figure: only ratios taken together compare.
 *
 * Every server is stopped (SIGTERM) and every database and Redis key removed at
 * the end, also when a step fails or the bench is interrupted.
 */
import { randomBytes } from "node:crypto";
import { writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { connectRedis } from "@lgrs/runtime";
import { benchInProcess } from "./in-process.ts";
import { renderNotes, renderTable, toJson, type BenchResults, type Mode } from "./report.ts";
import { benchServer, type ServerResults } from "./server-load.ts";
import {
  BUILD_ID_FILE,
  createApiKey,
  hasBuild,
  postgresDatabase,
  sqliteDatabase,
  startServer,
  type BenchDatabase,
} from "./server-process.ts";
import { settings } from "./settings.ts";

/** What must be undone on the way out, newest first: servers before their databases. */
const cleanups = new Set<() => Promise<void>>();

async function undoing<T>(cleanup: () => Promise<void>, body: () => Promise<T>): Promise<T> {
  cleanups.add(cleanup);
  try {
    return await body();
  } finally {
    cleanups.delete(cleanup);
    await cleanup();
  }
}

async function cleanUpAll(): Promise<void> {
  for (const cleanup of [...cleanups].reverse()) {
    cleanups.delete(cleanup);
    await cleanup().catch((err: unknown) => console.error("cleanup failed:", err));
  }
}

for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.once(signal, () => {
    console.error(`\n${signal}: stopping the server and removing the databases`);
    void cleanUpAll().finally(() => process.exit(130));
  });
}

/** One server on `database` (with `env` on top), measured from start to stop. */
async function measureServer(mode: Mode, database: BenchDatabase, env: Record<string, string> = {}): Promise<ServerResults> {
  return undoing(database.drop, async () => {
    console.error(`${mode}: starting the server`);
    let stopServer = async () => {};
    return undoing(
      () => stopServer(),
      async () => {
        const server = await startServer({ DATABASE_URL: database.config.url, ...env }, (stop) => (stopServer = stop));
        const key = await createApiKey(database.config);
        // the long memory run on SQLite only, the server's default: elsewhere the issue asks for the latencies
        return benchServer(server.apiUrl, key, server.pid, mode === "sqlite" ? settings.memoryRuns : 0).catch((err: unknown) => {
          throw new Error(
            `${mode}: ${err instanceof Error ? err.message : String(err)}\nserver output (last 2,000 characters):\n${server.output().slice(-2000)}`,
          );
        });
      },
    );
  });
}

/** Redis for fleet mode when it answers: its URL and a key prefix of this run's own, deleted after. */
async function redisPrefix(): Promise<{ prefix: string; drop(): Promise<void> } | string> {
  const prefix = `lgrs-bench-${randomBytes(4).toString("hex")}:`;
  const redis = await connectRedis(settings.redisUrl, { keyPrefix: prefix, connectTimeoutMs: 1000, log: () => {} }).catch((err: unknown) =>
    err instanceof Error ? err.message : String(err),
  );
  if (typeof redis === "string") return redis;
  return {
    prefix,
    async drop() {
      let cursor = "0";
      do {
        const [next, keys] = await redis.client.scan(cursor, "MATCH", `${prefix}*`, "COUNT", 500);
        cursor = next;
        if (keys.length > 0) await redis.client.del(...keys);
      } while (cursor !== "0");
      await redis.close();
    },
  };
}

async function main(): Promise<void> {
  if (!hasBuild()) {
    console.error(`no production build (${BUILD_ID_FILE} is missing): run \`npm run build\` first.`);
    process.exit(1);
  }
  // the offline model everywhere, in this process too (the server's environment drops it as well)
  delete process.env["OPENAI_API_KEY"];
  const startedAt = new Date();
  console.error("in-process: graph.stream with MemorySaver");
  const results: BenchResults = { inProcess: await benchInProcess(), servers: {}, skipped: {} };

  results.servers.sqlite = await measureServer("sqlite", sqliteDatabase());

  if (settings.sqliteOnly) {
    results.skipped.postgresql = results.skipped.fleet = "BENCH_SQLITE_ONLY=1";
  } else {
    const postgres = await postgresDatabase();
    if (!postgres) {
      results.skipped.postgresql = results.skipped.fleet = "PostgreSQL does not answer (TEST_DATABASE_URL, default 127.0.0.1:5432)";
    } else {
      results.servers.postgresql = await measureServer("postgresql", postgres);
      const redis = await redisPrefix();
      if (typeof redis === "string") {
        results.skipped.fleet = redis;
      } else {
        await undoing(redis.drop, async () => {
          const fleetDb = await postgresDatabase();
          if (!fleetDb) throw new Error("PostgreSQL stopped answering");
          results.servers.fleet = await measureServer("fleet", fleetDb, { REDIS_URL: settings.redisUrl, REDIS_KEY_PREFIX: redis.prefix });
        });
      }
    }
  }

  const out = settings.out ?? path.join(os.tmpdir(), `lgrs-bench-${startedAt.toISOString().replace(/[:.]/g, "-")}.json`);
  writeFileSync(out, `${JSON.stringify(toJson(results, startedAt), null, 2)}\n`);
  console.log(
    `\nend-to-end benchmark: "agent" graph (fake model, no token delay), stream modes values + messages-tuple, node ${process.version}, ${os.cpus().length} CPUs`,
  );
  console.log(renderTable(results));
  console.log(renderNotes(results));
  console.log(`results written to ${out}`);
}

try {
  await main();
} catch (err) {
  console.error(err);
  process.exitCode = 1;
} finally {
  await cleanUpAll();
}
