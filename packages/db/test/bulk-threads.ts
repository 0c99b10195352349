// Fills a database with many threads at once, for benchmarks and tests of search
// over large tables: one INSERT ... SELECT over a JSON array per chunk, because
// Prisma's createMany spends about a second per thousand rows on interpretation.
import type { Database } from "../src/client.ts";
import type { ThreadStatus } from "../src/repositories/threads.ts";

export interface BulkThread {
  id: string;
  ownerId: string;
  status: ThreadStatus;
  metadata: Record<string, unknown>;
  values: unknown;
  createdAt: Date;
  updatedAt: Date;
}

const CHUNK = 5_000;

/** Prisma's text form of a DateTime on SQLite (what it writes and compares as text). */
function sqliteDate(d: Date): string {
  return d.toISOString().replace("Z", "+00:00");
}

export async function insertThreads(db: Database, threads: BulkThread[]): Promise<void> {
  for (let i = 0; i < threads.length; i += CHUNK) {
    const chunk = threads.slice(i, i + CHUNK);
    if (db.provider === "sqlite") {
      const rows = chunk.map((t) => ({ ...t, createdAt: sqliteDate(t.createdAt), updatedAt: sqliteDate(t.updatedAt) }));
      await db.prisma.$executeRawUnsafe(
        `INSERT INTO "thread" ("id", "ownerId", "status", "metadata", "values", "createdAt", "updatedAt")
         SELECT value ->> '$.id', value ->> '$.ownerId', value ->> '$.status', value -> '$.metadata', value -> '$.values',
                value ->> '$.createdAt', value ->> '$.updatedAt'
           FROM json_each(?)`,
        JSON.stringify(rows),
      );
    } else {
      await db.prisma.$executeRawUnsafe(
        `INSERT INTO "thread" ("id", "ownerId", "status", "metadata", "values", "createdAt", "updatedAt")
         SELECT r."id", r."ownerId", r."status"::"ThreadStatus", r."metadata", r."values", r."createdAt", r."updatedAt"
           FROM jsonb_to_recordset($1::jsonb)
             AS r("id" text, "ownerId" text, "status" text, "metadata" jsonb, "values" jsonb, "createdAt" timestamptz, "updatedAt" timestamptz)`,
        JSON.stringify(chunk),
      );
    }
  }
}
