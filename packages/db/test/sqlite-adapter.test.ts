import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { parseDatabaseUrl, startDatabase, type Database } from "../src/index.ts";

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
});
