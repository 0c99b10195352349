// `npm run bench:search`: thread search over 100,000 threads, answered by the database.
// Fills a fresh SQLite database (and a fresh PostgreSQL one when TEST_DATABASE_URL,
// or the local server at 127.0.0.1:5432, answers) with 100,000 threads of two owners,
// then times ThreadService.search/count for one owner as a request pays them
// (Prisma included): the median of BENCH_REPEAT calls after a warm-up.
import { migrate, newId, openDatabase, repositories, type Database } from "@lgrs/db";
import { insertThreads, testTargets, type BulkThread, type TestTarget } from "@lgrs/db/testing";
import { createRuntime, type Actor, type GraphSource, type ThreadSearch } from "../src/index.ts";

const THREADS = Number(process.env.BENCH_THREADS ?? 100_000);
const REPEAT = Number(process.env.BENCH_REPEAT ?? 20);
const STATUSES = ["idle", "busy", "interrupted", "error"] as const;
const NAMES = { sqlite: "SQLite", postgresql: "PostgreSQL" } as const;

/** Search needs no graph: a source with none. */
const noGraphs: GraphSource = {
  ids: () => [],
  has: () => false,
  compile: () => Promise.reject(new Error("no graphs in this benchmark")),
};

/** Two owners, every status, metadata and values that repeat every 100 and 1,000 threads, update times shuffled. */
function threads(owners: [string, string]): BulkThread[] {
  const start = Date.now() - THREADS * 1000;
  return Array.from({ length: THREADS }, (_, i) => ({
    id: newId(),
    ownerId: owners[i % 2]!,
    status: STATUSES[Math.floor(i / 2) % 4]!,
    metadata: { graph_id: "agent", team: `team-${i % 100}`, n: i },
    values: { count: i % 1000, messages: [{ type: "human", content: `message ${i}` }] },
    createdAt: new Date(start + i * 1000),
    updatedAt: new Date(start + ((i * 7919) % THREADS) * 1000),
  }));
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

async function timed(call: () => Promise<unknown>): Promise<number> {
  await call();
  const times: number[] = [];
  for (let i = 0; i < REPEAT; i++) {
    const t0 = performance.now();
    await call();
    times.push(performance.now() - t0);
  }
  return median(times);
}

async function bench(target: TestTarget): Promise<void> {
  const created = await target.create();
  await migrate(created.config);
  const db: Database = openDatabase(created.config);
  try {
    const users = repositories(db).users;
    const owners: [string, string] = [
      (await users.createUser({ email: "bench-a@example.com", name: "a" })).id,
      (await users.createUser({ email: "bench-b@example.com", name: "b" })).id,
    ];
    const t0 = performance.now();
    await insertThreads(db, threads(owners));
    // what autovacuum does after a bulk load; SQLite plans these queries without statistics
    if (db.provider === "postgresql") await db.prisma.$executeRawUnsafe(`VACUUM ANALYZE "thread"`);
    console.log(
      `\n${NAMES[target.provider]}: ${THREADS.toLocaleString("en")} threads of two owners in ${((performance.now() - t0) / 1000).toFixed(1)} s`,
    );

    const { threads: service } = createRuntime({ db, graphs: noGraphs });
    const actor: Actor = { userId: owners[0], scope: { ownerId: owners[0] } };
    const search = (s: ThreadSearch) => () => service.search(actor, s);
    const cases: [string, () => Promise<unknown>][] = [
      ["newest-first page (10)", search({})],
      ["page at offset 5,000", search({ offset: 5_000 })],
      ["count of the owner's threads", () => service.count(actor)],
      ["metadata filter, 1 in 100 (newest 10)", search({ metadata: { team: "team-42" } })],
      ["metadata filter, 1 in 100,000", search({ metadata: { n: 4_242 } })],
      ["count with a metadata filter", () => service.count(actor, { metadata: { team: "team-42" } })],
      ["values filter, 1 in 1,000 (newest 10)", search({ values: { count: 42 } })],
      ["sort by updatedAt (newest 10)", search({ sortBy: "updatedAt" })],
      ["status filter + sort by updatedAt asc", search({ status: "error", sortBy: "updatedAt", sortOrder: "asc" })],
      ["every owner's newest (admin)", () => service.search({ userId: owners[0], scope: { all: true } }, {})],
    ];
    for (const [name, call] of cases) console.log(`  ${name.padEnd(40)} ${(await timed(call)).toFixed(2).padStart(8)} ms`);
  } finally {
    await db.close();
    await created.drop();
  }
}

console.log(`thread search: median of ${REPEAT} calls through ThreadService (Prisma included)`);
for (const target of testTargets) await bench(target);
