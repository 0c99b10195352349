// `npm run bench:runtime`: what the run server adds on top of running a graph yourself.
// For the bundled `trivial` graph (one node that returns at once) it measures, on a
// fresh SQLite database (or BENCH_DATABASE_URL):
//   - latency: create -> first event, create -> end (median and p95 over sequential runs)
//   - throughput: runs per second with 1 and 16 runs in flight
// and the same graph run directly with graph.stream() in this process, with the same
// Prisma checkpointer, as the baseline; then the ratios.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { migrate, openDatabase, parseDatabaseUrl, PrismaCheckpointSaver, repositories, type Database } from "@lgrs/db";
import { createRuntime, GraphRegistry, type RunnableGraph, type Runtime } from "../src/index.ts";
import { InMemoryStore } from "@langchain/langgraph";

const LATENCY_RUNS = Number(process.env.BENCH_LATENCY_RUNS ?? 200);
const THROUGHPUT_RUNS = Number(process.env.BENCH_THROUGHPUT_RUNS ?? 400);

function quantile(values: number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
}

const actorOf = (ownerId: string) => ({ userId: ownerId, scope: { ownerId } });

const ms = (n: number) => `${n.toFixed(2)} ms`;

async function serverLatency(runtime: Runtime, owner: string): Promise<{ first: number[]; end: number[] }> {
  const first: number[] = [];
  const end: number[] = [];
  for (let i = 0; i < LATENCY_RUNS; i++) {
    const t0 = performance.now();
    const { items } = await runtime.runs.createAndStream(actorOf(owner), { threadId: null, assistantId: "trivial", input: {} });
    let sawFirst = false;
    for await (const item of items) {
      if (!sawFirst) {
        first.push(performance.now() - t0);
        sawFirst = true;
      }
      if (item.type === "end") end.push(performance.now() - t0);
    }
  }
  return { first, end };
}

async function directLatency(graph: RunnableGraph): Promise<{ first: number[]; end: number[] }> {
  const first: number[] = [];
  const end: number[] = [];
  for (let i = 0; i < LATENCY_RUNS; i++) {
    const t0 = performance.now();
    let sawFirst = false;
    for await (const _ of await graph.stream({}, { configurable: { thread_id: `direct-${i}` }, streamMode: ["values"] })) {
      if (!sawFirst) {
        first.push(performance.now() - t0);
        sawFirst = true;
      }
    }
    end.push(performance.now() - t0);
  }
  return { first, end };
}

/** Runs `total` jobs with `inFlight` at a time; returns jobs per second. */
async function throughput(total: number, inFlight: number, job: (i: number) => Promise<void>): Promise<number> {
  let next = 0;
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: inFlight }, async () => {
      while (next < total) await job(next++);
    }),
  );
  return total / ((performance.now() - t0) / 1000);
}

async function main(): Promise<void> {
  const dir = mkdtempSync(path.join(tmpdir(), "lgrs-bench-"));
  const config = parseDatabaseUrl(process.env.BENCH_DATABASE_URL ?? `file:${path.join(dir, "bench.db")}`);
  await migrate(config);
  const db: Database = openDatabase(config);
  const graphs = await GraphRegistry.load();
  const runtime = createRuntime({ db, graphs, concurrency: 16 });
  await runtime.start();
  const owner = (await repositories(db).users.createUser({ email: `bench-${Date.now()}@example.com`, name: "bench" })).id;

  // warm up both paths (module loading, prepared statements, JIT)
  // the same Prisma checkpointer for both sides: the difference is the server, not the storage
  const graph = await graphs.compile("trivial", { checkpointer: new PrismaCheckpointSaver(db.prisma), store: new InMemoryStore() });
  await serverLatency(runtime, owner)
    .then(() => directLatency(graph))
    .catch(() => {});
  const server = await serverLatency(runtime, owner);
  const direct = await directLatency(graph);

  const serverJob = async () => {
    await runtime.runs.createAndWait(actorOf(owner), { threadId: null, assistantId: "trivial", input: {} });
  };
  let directThread = 0;
  const directJob = async () => {
    for await (const _ of await graph.stream({}, { configurable: { thread_id: `tp-${directThread++}` }, streamMode: ["values"] }));
  };
  const rps = {
    server1: await throughput(THROUGHPUT_RUNS, 1, serverJob),
    direct1: await throughput(THROUGHPUT_RUNS, 1, directJob),
    server16: await throughput(THROUGHPUT_RUNS, 16, serverJob),
    direct16: await throughput(THROUGHPUT_RUNS, 16, directJob),
  };

  console.log(`runtime benchmark: trivial graph on ${config.provider}, node ${process.version}`);
  console.log(`latency over ${LATENCY_RUNS} sequential runs (median / p95)`);
  console.log(`  server  create -> first event  ${ms(quantile(server.first, 0.5))} / ${ms(quantile(server.first, 0.95))}`);
  console.log(`  server  create -> end          ${ms(quantile(server.end, 0.5))} / ${ms(quantile(server.end, 0.95))}`);
  console.log(`  direct  stream -> first chunk  ${ms(quantile(direct.first, 0.5))} / ${ms(quantile(direct.first, 0.95))}`);
  console.log(`  direct  stream -> done         ${ms(quantile(direct.end, 0.5))} / ${ms(quantile(direct.end, 0.95))}`);
  console.log(`throughput over ${THROUGHPUT_RUNS} runs (runs per second)`);
  console.log(`  1 in flight    server ${rps.server1.toFixed(1)}   direct ${rps.direct1.toFixed(1)}`);
  console.log(`  16 in flight   server ${rps.server16.toFixed(1)}   direct ${rps.direct16.toFixed(1)}`);
  console.log("ratios (server / direct)");
  console.log(`  median time to end      ${(quantile(server.end, 0.5) / quantile(direct.end, 0.5)).toFixed(2)}x`);
  console.log(`  throughput, 1 in flight  ${(rps.server1 / rps.direct1).toFixed(2)}x`);
  console.log(`  throughput, 16 in flight ${(rps.server16 / rps.direct16).toFixed(2)}x`);

  await runtime.shutdown(1000);
  await db.close();
  rmSync(dir, { recursive: true, force: true });
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
