// `pnpm bench:fleet`: how a fleet scales with its workers. On a fresh PostgreSQL
// database (on TEST_DATABASE_URL's server, default the local one) and Redis (REDIS_URL,
// default the local one, under a prefix of its own), it runs BENCH_FLEET_RUNS
// (default 120) runs of a graph that only sleeps (BENCH_SLEEP_MS, default 200 ms),
// so the CPUs are not the limit, with 1, 2 and 3 worker processes of
// BENCH_CONCURRENCY (default 4) runs each, created from this process (a serve-only
// member, as an API instance), and prints runs/s side by side with the scaling
// ratio. Then it SIGKILLs a worker executing a run and times how long the run
// takes to be running again on another worker, with the default lease (10 s) or
// RUN_LEASE_MS.
import { randomBytes } from "node:crypto";
import { ALL, migrate, openDatabase, repositories, type Database } from "@lgrs/db";
import { testTargets } from "@lgrs/db/testing";
import { connectRedis, createRuntime, isFinal, type Runtime } from "../src/index.ts";
import { fleetGraphs, CREATE_EFFECTS_TABLE, readEffects } from "../test/fixtures/fleet-graphs.ts";
import { actorOf, deleteKeys, pidOf, REDIS_URL, startMember, until, type Member } from "../test/fixtures/fleet-processes.ts";

const RUNS = Number(process.env["BENCH_FLEET_RUNS"] ?? 120);
const SLEEP_MS = Number(process.env["BENCH_SLEEP_MS"] ?? 200);
const CONCURRENCY = Number(process.env["BENCH_CONCURRENCY"] ?? 4);
const LEASE_MS = process.env["RUN_LEASE_MS"] ? Number(process.env["RUN_LEASE_MS"]) : undefined;

interface Bench {
  db: Database;
  url: string;
  prefix: string;
  api: Runtime;
  ownerId: string;
}

/** Runs RUNS sleeping runs on `workers` fresh worker processes; returns runs per second. */
async function throughput(bench: Bench, workers: number): Promise<{ runsPerSecond: number; perWorker: number[] }> {
  const members = await Promise.all(
    Array.from({ length: workers }, () =>
      startMember({ databaseUrl: bench.url, redisUrl: REDIS_URL, prefix: bench.prefix, concurrency: CONCURRENCY }),
    ),
  );
  const actor = actorOf(bench.ownerId);
  const done = new AbortController();
  const ended = new Set<string>();
  const created = new Set<string>();
  const workerOf = new Map<string, number>();
  let allEnded: () => void = () => {};
  const finished = new Promise<void>((resolve) => (allEnded = resolve));
  const watching = (async () => {
    for await (const { run } of bench.api.runs.watch(actor, done.signal)) {
      if (run.status === "running") workerOf.set(run.id, pidOf(run) ?? 0);
      if (isFinal(run.status)) {
        if (run.status !== "success") throw new Error(`run ${run.id} ended ${run.status}: ${JSON.stringify(run.error)}`);
        ended.add(run.id);
        if (created.size === RUNS && [...created].every((id) => ended.has(id))) allEnded();
      }
    }
  })().catch((err: unknown) => {
    if (!done.signal.aborted) throw err;
  });

  const t0 = performance.now();
  let next = 0;
  await Promise.all(
    Array.from({ length: 16 }, async () => {
      while (next < RUNS) {
        next++;
        const run = await bench.api.runs.create(actor, {
          threadId: null,
          onCompletion: "keep",
          assistantId: "sleep",
          input: {},
          config: { configurable: { sleep_ms: SLEEP_MS } },
        });
        created.add(run.id);
      }
    }),
  );
  if ([...created].every((id) => ended.has(id))) allEnded();
  await finished;
  const seconds = (performance.now() - t0) / 1000;
  done.abort();
  await watching;
  await Promise.all(members.map((m) => m.shutdown(5000)));
  const perWorker = members.map((m) => [...workerOf.values()].filter((pid) => pid === m.pid).length);
  return { runsPerSecond: RUNS / seconds, perWorker };
}

/** SIGKILLs the worker executing a six-step run; returns the ms until the run runs again elsewhere. */
async function killToResume(bench: Bench): Promise<number> {
  const members: Member[] = await Promise.all(
    [0, 1].map(() => startMember({ databaseUrl: bench.url, redisUrl: REDIS_URL, prefix: bench.prefix, leaseMs: LEASE_MS })),
  );
  const actor = actorOf(bench.ownerId);
  const threadId = (await repositories(bench.db).threads.create({ ownerId: bench.ownerId })).id;
  const run = await bench.api.runs.create(actor, {
    threadId,
    assistantId: "effects6",
    input: {},
    config: { configurable: { step_delay_ms: 1000 } },
  });
  const watching = new AbortController();
  let killedAt = 0;
  const resumed = new Promise<number>((resolve) => {
    void (async () => {
      for await (const change of bench.api.runs.watch(actor, watching.signal)) {
        if (change.run.id === run.id && change.run.status === "running" && change.run.attempt > 1) resolve(Date.now() - killedAt);
      }
    })().catch(() => {});
  });
  await until("the first node to have run", async () => (await readEffects(bench.db, [run.id])).length >= 1, 30_000);
  const executing = await repositories(bench.db).runs.get(ALL, run.id);
  const victim = members.find((m) => m.pid === pidOf(executing!));
  if (!victim) throw new Error(`run ${run.id} is executed by ${executing?.workerId}, not one of the bench's workers`);
  killedAt = Date.now();
  await victim.kill();
  const ms = await resumed;
  await bench.api.runs.join(actor, run.id);
  watching.abort();
  await Promise.all(members.map((m) => m.shutdown(5000)));
  return ms;
}

async function main(): Promise<void> {
  const postgres = testTargets.find((t) => t.provider === "postgresql");
  if (!postgres) throw new Error("the fleet benchmark needs PostgreSQL (TEST_DATABASE_URL, default the local server)");
  const created = await postgres.create();
  const config = created.config;
  const prefix = `lgrs-bench-${randomBytes(4).toString("hex")}:`;
  await migrate(config);
  const db = openDatabase(config);
  await db.prisma.$executeRawUnsafe(CREATE_EFFECTS_TABLE);
  const redis = await connectRedis(REDIS_URL, { keyPrefix: prefix });
  const api = createRuntime({ db, graphs: fleetGraphs(db), fleet: { redis, worker: false } });
  await api.start();
  const ownerId = (await repositories(db).users.createUser({ email: `bench-${Date.now()}@x.dev`, name: "bench" })).id;
  const bench: Bench = { db, url: config.url, prefix, api, ownerId };
  try {
    console.log(
      `fleet benchmark: ${RUNS} runs of a ${SLEEP_MS} ms sleep, ${CONCURRENCY} at a time per worker (ideal: ${((1000 / SLEEP_MS) * CONCURRENCY).toFixed(0)} runs/s per worker)`,
    );
    const results: { workers: number; runsPerSecond: number; perWorker: number[] }[] = [];
    for (const workers of [1, 2, 3]) {
      const r = await throughput(bench, workers);
      results.push({ workers, ...r });
      console.log(
        `  ${workers} worker${workers > 1 ? "s" : " "}: ${r.runsPerSecond.toFixed(1).padStart(6)} runs/s  (runs per worker: ${r.perWorker.join(", ")})`,
      );
    }
    const one = results[0]!.runsPerSecond;
    console.log(
      `  scaling: ${results.map((r) => `${r.workers}w ${(r.runsPerSecond / one).toFixed(2)}x`).join("  ")}  (3 vs 1: ${(results[2]!.runsPerSecond / one).toFixed(2)})`,
    );
    const ms = await killToResume(bench);
    console.log(`SIGKILL of the executing worker to the run running again on another: ${ms} ms (lease ${LEASE_MS ?? 10_000} ms)`);
  } finally {
    await api.shutdown(2000);
    await deleteKeys(redis, prefix).catch(() => {});
    await redis.close();
    await db.close();
    await created.drop();
  }
}

await main();
