import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { parseDatabaseUrl, repositories, startDatabase, type Database } from "../src/index.ts";

const dirs: string[] = [];
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

async function sqlite(synchronous?: string): Promise<Database> {
  const dir = mkdtempSync(path.join(tmpdir(), "lgrs-sqlite-adapter-"));
  dirs.push(dir);
  return startDatabase(parseDatabaseUrl(`file:${path.join(dir, "app.db")}`, dir, synchronous));
}

async function synchronousMode(db: Database): Promise<number> {
  const [row] = await db.prisma.$queryRawUnsafe<{ synchronous: bigint | number }[]>("PRAGMA synchronous");
  return Number(row!.synchronous);
}

describe("the SQLite connection", () => {
  it("commits with synchronous=NORMAL by default and FULL when SQLITE_SYNCHRONOUS=full", async () => {
    const normal = await sqlite();
    const full = await sqlite("full");
    try {
      // SQLite's numbering: 1 NORMAL, 2 FULL
      expect(await synchronousMode(normal)).toBe(1);
      expect(await synchronousMode(full)).toBe(2);
    } finally {
      await normal.close();
      await full.close();
    }
  });

  it("answers the same query with new parameters each time (statements are reused, never their parameters)", async () => {
    const db = await sqlite();
    try {
      const owner = await db.prisma.user.create({ data: { id: "u1", name: "u", email: "u@example.com" } });
      for (let i = 0; i < 20; i++) {
        await db.prisma.thread.create({ data: { id: `t${i}`, ownerId: owner.id, metadata: { i } } });
      }
      for (let i = 0; i < 20; i++) {
        const thread = await db.prisma.thread.findUnique({ where: { id: `t${i}` } });
        expect(thread?.id).toBe(`t${i}`);
      }
      // a failed statement (duplicate key) leaves the reused statement usable
      await expect(db.prisma.thread.create({ data: { id: "t3", ownerId: owner.id, metadata: {} } })).rejects.toThrow();
      expect(await db.prisma.thread.count({ where: { ownerId: owner.id } })).toBe(20);
      // and transactions (BEGIN/COMMIT through the same cache) still commit and roll back
      await db.prisma
        .$transaction(async (tx) => {
          await tx.thread.delete({ where: { id: "t0" } });
          throw new Error("roll back");
        })
        .catch(() => {});
      expect(await db.prisma.thread.findUnique({ where: { id: "t0" } })).not.toBeNull();
    } finally {
      await db.close();
    }
  });

  it("stores the rows it writes directly (events) exactly as Prisma stores its own", async () => {
    const db = await sqlite();
    try {
      const repos = repositories(db);
      const owner = await db.prisma.user.create({ data: { id: "u1", name: "u", email: "u@example.com" } });
      const thread = await db.prisma.thread.create({ data: { id: "t1", ownerId: owner.id, metadata: {} } });
      const assistant = await repos.assistants.create({ graphId: "agent", name: "agent" });
      const run = await repos.runs.create({ threadId: thread.id, ownerId: owner.id, assistantId: assistant.id, kwargs: {} });
      const at = new Date("2026-11-30T01:02:03.456Z");
      await repos.events.append(run.id, [
        { seq: 1, event: "metadata", data: { run_id: run.id }, createdAt: at },
        { seq: 2, event: "values", data: { text: "naïve ✓" }, createdAt: at },
      ]);
      const { items } = await repos.events.list(run.id);
      expect(items.map((e) => [e.seq, e.event, e.data, e.createdAt])).toEqual([
        [1, "metadata", { run_id: run.id }, at],
        [2, "values", { text: "naïve ✓" }, at],
      ]);
      // the stored text of a date is the adapter's own format (ordering and filters compare it as text)
      const stored = await db.prisma.$queryRawUnsafe<{ event: string; thread: string }[]>(
        `SELECT (SELECT CAST("createdAt" AS TEXT) FROM "run_event" LIMIT 1) AS event, (SELECT CAST("createdAt" AS TEXT) FROM "thread" LIMIT 1) AS thread`,
      );
      expect(String(stored[0]!.event)).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}\+00:00$/);
      expect(String(stored[0]!.thread)).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}\+00:00$/);
    } finally {
      await db.close();
    }
  });

  it("keeps writes made outside a transaction out of another request's transaction that rolls back", async () => {
    const db = await sqlite();
    try {
      const repos = repositories(db);
      const owner = await db.prisma.user.create({ data: { id: "u1", name: "u", email: "u@example.com" } });
      const assistant = await repos.assistants.create({ graphId: "agent", name: "agent" });
      await db.prisma.thread.create({ data: { id: "t1", ownerId: owner.id, metadata: {} } });
      const run = await repos.runs.create({ threadId: "t1", ownerId: owner.id, assistantId: assistant.id, kwargs: {} });
      const outside: Promise<unknown>[] = [];
      let outsideDone = 0;
      await db.prisma
        .$transaction(async (tx) => {
          await tx.thread.create({ data: { id: "inside", ownerId: owner.id, metadata: {} } });
          // other requests write while this transaction is open: a Prisma query, and a
          // run's event, which is written on the connection directly
          outside.push(db.prisma.thread.create({ data: { id: "outside", ownerId: owner.id, metadata: {} } }));
          outside.push(repos.events.append(run.id, [{ seq: 1, event: "metadata", data: {} }]));
          for (const write of outside) void write.then(() => outsideDone++);
          // the transaction goes on until those writes are done (they must not be, inside) or 50 statements later
          for (let i = 0; i < 50 && outsideDone < outside.length; i++) await tx.thread.count();
          throw new Error("roll back");
        })
        .catch(() => {});
      await Promise.all(outside);
      expect((await db.prisma.thread.findMany({ orderBy: { id: "asc" } })).map((t) => t.id)).toEqual(["outside", "t1"]);
      expect((await repos.events.list(run.id)).items.map((e) => e.seq)).toEqual([1]);
    } finally {
      await db.close();
    }
  });
});
