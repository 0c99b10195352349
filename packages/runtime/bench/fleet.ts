// `npm run bench:fleet`: how a fleet scales with its workers. On a fresh PostgreSQL
// database (on TEST_DATABASE_URL's server, default the local one) and Redis
// (TEST_REDIS_URL, default the local one, under a prefix of its own), it runs
// BENCH_FLEET_RUNS (default 120) runs of a graph that only sleeps (BENCH_SLEEP_MS,
// default 2 s), so the CPUs are not the limit, with 1, 2 and 3 worker processes
// of BENCH_CONCURRENCY (default 4) runs each, and prints runs/s side by side with
// the scaling ratio. The runs are created beforehand from this process (a
// serve-only member, as an API instance) and released together: runs/s counts
// claiming and executing them, not creating them. Then it SIGKILLs a worker
// executing a run and times how long the run takes to be running again on another
// worker, with the default lease (10 s) or RUN_LEASE_MS.
import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import { ALL, migrate, openDatabase, repositories, type Database } from "@lgrs/db";
import { testTargets } from "@lgrs/db/testing";
import { connectRedis, createRuntime, isFinal, type RedisConnection, type Runtime } from "../src/index.ts";
import { fleetGraphs, CREATE_EFFECTS_TABLE, readEffects } from "../test/fixtures/fleet-graphs.ts";
import { actorOf, deleteKeys, pidOf, REDIS_URL, startMember, until, type Member } from "../test/fixtures/fleet-processes.ts";

const RUNS = Number(process.env["BENCH_FLEET_RUNS"] ?? 120);
/**
 * Long enough that the runs' own CPU (about 0.1 s of a worker's per run, plus
 * PostgreSQL's) stays well under two cores at three workers: with 200 ms the
 * machine, not the fleet, is what is measured.
 */
const SLEEP_MS = Number(process.env["BENCH_SLEEP_MS"] ?? 2000);
const CONCURRENCY = Number(process.env["BENCH_CONCURRENCY"] ?? 4);
const LEASE_MS = process.env["RUN_LEASE_MS"] ? Number(process.env["RUN_LEASE_MS"]) : undefined;

interface Bench {
  db: Database;
  redis: RedisConnection;
  url: string;
  prefix: string;
  api: Runtime;
  ownerId: string;
}

interface Throughput {
  runsPerSecond: number;
  /** runs each worker executed */
  perWorker: number[];
  /** CPU the workers spent per run (user + system) */
  workerCpuMsPerRun: number;
  /** CPU this process (the serve-only member following the runs) spent per run */
  apiCpuMsPerRun: number;
}

/** CPU time (user + system) a process has used, in ms (Linux /proc; 0 elsewhere). */
function cpuMs(pid: number): number {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]!.split(" ");
    // utime and stime, fields 14 and 15 of stat (11 and 12 after the command), in clock ticks of 10 ms
    return (Number(fields[11]) + Number(fields[12])) * 10;
  } catch {
    return 0;
  }
}

/**
 * Runs RUNS sleeping runs on `workers` fresh worker processes; returns runs per
 * second from their release to the end of the last. The runs are created first,
 * held back by a not-before time an hour away, then released together (not-before
 * cleared, a wake-up published), so creating them is not part of what is measured.
 */
async function throughput(bench: Bench, workers: number): Promise<Throughput> {
  const actor = actorOf(bench.ownerId);
  const ids: string[] = [];
  let next = 0;
  await Promise.all(
    Array.from({ length: 8 }, async () => {
      while (next++ < RUNS) {
        const run = await bench.api.runs.create(actor, {
          threadId: null,
          onCompletion: "keep",
          assistantId: "sleep",
          input: {},
          afterSeconds: 3600,
          config: { configurable: { sleep_ms: SLEEP_MS } },
        });
        ids.push(run.id);
      }
    }),
  );
  const members = await Promise.all(
    Array.from({ length: workers }, () =>
      startMember({ databaseUrl: bench.url, redisUrl: REDIS_URL, prefix: bench.prefix, concurrency: CONCURRENCY }),
    ),
  );
  const pending = new Set(ids);
  const workerOf = new Map<string, number>();
  const done = new AbortController();
  let allEnded: () => void = () => {};
  const finished = new Promise<void>((resolve) => (allEnded = resolve));
  let failure: Error | undefined;
  const changes = bench.api.runs.watch(actor, done.signal);
  const watching = (async () => {
    for await (const { run } of changes) {
      if (run.status === "running") workerOf.set(run.id, pidOf(run) ?? 0);
      if (isFinal(run.status) && pending.delete(run.id)) {
        if (run.status !== "success") failure ??= new Error(`run ${run.id} ended ${run.status}: ${JSON.stringify(run.error)}`);
        if (pending.size === 0) allEnded();
      }
    }
  })().catch(() => {});

  const cpu0 = members.map((m) => cpuMs(m.pid));
  const self0 = process.cpuUsage();
  const t0 = performance.now();
  await bench.db.prisma.run.updateMany({ where: { id: { in: ids } }, data: { notBefore: null } });
  await bench.redis.client.publish(`${bench.prefix}wake`, "");
  await finished;
  const seconds = (performance.now() - t0) / 1000;
  const workerCpu = members.reduce((sum, m, i) => sum + cpuMs(m.pid) - cpu0[i]!, 0);
  const self = process.cpuUsage(self0);
  done.abort();
  await watching;
  await Promise.all(members.map((m) => m.shutdown(5000)));
  if (failure) throw failure;
  const perWorker = members.map((m) => [...workerOf.values()].filter((pid) => pid === m.pid).length);
  return {
    runsPerSecond: RUNS / seconds,
    perWorker,
    workerCpuMsPerRun: workerCpu / RUNS,
    apiCpuMsPerRun: (self.user + self.system) / 1000 / RUNS,
  };
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
  const bench: Bench = { db, redis, url: config.url, prefix, api, ownerId };
  try {
    console.log(
      `fleet benchmark: ${RUNS} runs of a ${SLEEP_MS} ms sleep, ${CONCURRENCY} at a time per worker (ideal: ${((1000 / SLEEP_MS) * CONCURRENCY).toFixed(0)} runs/s per worker)`,
    );
    const results: ({ workers: number } & Throughput)[] = [];
    for (const workers of [1, 2, 3]) {
      const r = await throughput(bench, workers);
      results.push({ workers, ...r });
      console.log(
        `  ${workers} worker${workers > 1 ? "s" : " "}: ${r.runsPerSecond.toFixed(1).padStart(6)} runs/s  (runs per worker: ${r.perWorker.join(", ")}; CPU per run: workers ${r.workerCpuMsPerRun.toFixed(0)} ms, this process ${r.apiCpuMsPerRun.toFixed(0)} ms)`,
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
