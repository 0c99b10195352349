import { spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { migrate, markRolledBack, migrationStatus, readMigrations, PRISMA_DIR } from "../src/migrate.ts";
import { openRawConnection, type RawConnection } from "../src/connection.ts";
import { DatabaseStartupError } from "../src/errors.ts";
import type { Provider } from "../src/config.ts";
import { testTargets, type TestDatabase } from "./databases.ts";
import { readSchemaModel } from "./schema-model.ts";

const COLUMNS: Record<Provider, string> = {
  sqlite: `SELECT name AS "column", CASE WHEN "notnull" = 1 OR pk > 0 THEN 0 ELSE 1 END AS "nullable" FROM pragma_table_info(?)`,
  postgresql: `SELECT column_name AS "column", CASE WHEN is_nullable = 'YES' THEN 1 ELSE 0 END AS "nullable" FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = ?`,
};

/** Column lists of a table's indexes other than its primary key, as "a,b". */
async function indexesOf(conn: RawConnection, table: string): Promise<Set<string>> {
  if (conn.provider === "sqlite") {
    const list = await conn.query<{ name: string; origin: string }>(`SELECT name, origin FROM pragma_index_list(?)`, [table]);
    const out = new Set<string>();
    for (const idx of list.filter((i) => i.origin !== "pk")) {
      const cols = await conn.query<{ name: string }>(`SELECT name FROM pragma_index_info(?) ORDER BY seqno`, [idx.name]);
      out.add(cols.map((c) => c.name).join(","));
    }
    return out;
  }
  const rows = await conn.query<{ cols: string }>(
    `SELECT string_agg(a.attname, ',' ORDER BY k.ord) AS cols
       FROM pg_index i
       JOIN pg_class t ON t.oid = i.indrelid
       JOIN pg_namespace n ON n.oid = t.relnamespace
       CROSS JOIN LATERAL unnest(i.indkey) WITH ORDINALITY AS k(attnum, ord)
       JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = k.attnum
      WHERE n.nspname = current_schema() AND t.relname = ? AND NOT i.indisprimary
      GROUP BY i.indexrelid`,
    [table],
  );
  return new Set(rows.map((r) => r.cols));
}

const PACKAGE_DIR = path.resolve(import.meta.dirname, "..");

/** `npm run db:migrate` as a separate process, the way each server instance migrates at start-up. */
function runMigrateCommand(databaseUrl: string): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve) => {
    const child = spawn(path.join(PACKAGE_DIR, "node_modules/.bin/tsx"), ["scripts/migrate.ts"], {
      cwd: PACKAGE_DIR,
      env: { ...process.env, DATABASE_URL: databaseUrl },
    });
    let output = "";
    child.stdout.on("data", (d) => (output += d));
    child.stderr.on("data", (d) => (output += d));
    child.on("close", (code) => resolve({ code, output }));
  });
}

function copyPrismaDir(): string {
  const dir = mkdtempSync(path.join(tmpdir(), "lgrs-prisma-"));
  cpSync(PRISMA_DIR, dir, { recursive: true });
  return dir;
}

describe.each(testTargets)("migrations on $provider", (target) => {
  const created: TestDatabase[] = [];
  async function freshDatabase(): Promise<TestDatabase> {
    const db = await target.create();
    created.push(db);
    return db;
  }
  afterEach(async () => {
    for (const db of created.splice(0)) await db.drop();
  });

  it("records every applied migration in _prisma_migrations as Prisma does, and a second run changes nothing", async () => {
    const db = await freshDatabase();
    const status = await migrate(db.config);
    const files = readMigrations(target.provider);
    expect(status.applied).toEqual(files.map((f) => f.name));
    expect(status.pending).toEqual([]);

    const conn = await openRawConnection(db.config);
    try {
      const rows = await conn.query<Record<string, unknown>>(`SELECT * FROM "_prisma_migrations" ORDER BY "migration_name"`);
      expect(rows.map((r) => r.migration_name)).toEqual(files.map((f) => f.name));
      for (const [i, row] of rows.entries()) {
        const sha = createHash("sha256").update(readFileSync(files[i]!.file)).digest("hex");
        expect(row.checksum).toBe(sha);
        expect(String(row.id)).toMatch(/^[0-9a-f-]{36}$/);
        expect(row.finished_at).not.toBeNull();
        expect(row.rolled_back_at).toBeNull();
        expect(row.logs).toBeNull();
        expect(Number(row.applied_steps_count)).toBe(1);
      }
      await migrate(db.config);
      const again = await conn.query(`SELECT * FROM "_prisma_migrations" ORDER BY "migration_name"`);
      expect(again).toEqual(rows);
    } finally {
      await conn.close();
    }
  });

  it("produces exactly the tables, columns, nullability and indexes of the Prisma schema", async () => {
    const db = await freshDatabase();
    await migrate(db.config);
    const conn = await openRawConnection(db.config);
    try {
      for (const model of readSchemaModel(target.provider)) {
        const cols = await conn.query<{ column: string; nullable: number | string }>(COLUMNS[target.provider], [model.table]);
        const actual = Object.fromEntries(cols.map((c) => [c.column, Number(c.nullable) === 1]));
        const wanted = Object.fromEntries([...model.columns].map(([name, c]) => [name, c.nullable]));
        expect({ table: model.table, columns: actual }).toEqual({ table: model.table, columns: wanted });
        expect({ table: model.table, indexes: await indexesOf(conn, model.table) }).toEqual({ table: model.table, indexes: model.indexes });
      }
    } finally {
      await conn.close();
    }
  });

  it("stops on a failing migration with the file and the database error, records it, and refuses to go on until it is resolved", async () => {
    const db = await freshDatabase();
    const prismaDir = copyPrismaDir();
    const brokenDir = path.join(prismaDir, target.provider, "migrations", "29990101000000_broken");
    mkdirSync(brokenDir);
    const brokenFile = path.join(brokenDir, "migration.sql");
    writeFileSync(brokenFile, `CREATE TABLE "half_done" ("id" INTEGER);\nSELECT * FROM "no_such_table";\n`);

    const first = await migrate(db.config, { prismaDir }).catch((e: unknown) => e);
    expect(first).toBeInstanceOf(DatabaseStartupError);
    expect((first as Error).message).toContain("29990101000000_broken");
    expect((first as Error).message).toContain(brokenFile);
    expect((first as Error).message).toContain("no_such_table");
    expect((first as Error).message).not.toContain("\n");

    const status = await migrationStatus(db.config, prismaDir);
    expect(status.failed.map((f) => f.name)).toEqual(["29990101000000_broken"]);
    expect(status.failed[0]?.logs).toContain("no_such_table");
    const conn = await openRawConnection(db.config);
    try {
      // the failed migration ran in a transaction: nothing of it is left behind
      const probe = await conn.query(
        target.provider === "sqlite"
          ? `SELECT name FROM sqlite_master WHERE name = 'half_done'`
          : `SELECT tablename FROM pg_tables WHERE tablename = 'half_done'`,
      );
      expect(probe).toEqual([]);
    } finally {
      await conn.close();
    }

    // a half-applied migration blocks start-up until someone resolves it
    const second = await migrate(db.config, { prismaDir }).catch((e: unknown) => e);
    expect((second as Error).message).toMatch(
      /29990101000000_broken failed earlier.*npm run db:migrate -- --rolled-back 29990101000000_broken/,
    );

    writeFileSync(brokenFile, `CREATE TABLE "half_done" ("id" INTEGER);\n`);
    expect(await markRolledBack(db.config, "29990101000000_broken")).toBe(true);
    const fixed = await migrate(db.config, { prismaDir });
    expect(fixed.pending).toEqual([]);
    expect(fixed.failed).toEqual([]);
    expect(fixed.applied).toContain("29990101000000_broken");
    rmSync(prismaDir, { recursive: true, force: true });
  });

  it("lets several processes start on one empty database at once and applies each migration once", async () => {
    const db = await freshDatabase();
    const url = db.config.provider === "sqlite" ? `file:${db.config.file}` : db.config.url;
    const results = await Promise.all([1, 2, 3].map(() => runMigrateCommand(url)));
    expect(results.map((r) => r.code)).toEqual([0, 0, 0]);
    const conn = await openRawConnection(db.config);
    try {
      const rows = await conn.query(`SELECT "migration_name" FROM "_prisma_migrations"`);
      expect(rows).toHaveLength(readMigrations(target.provider).length);
    } finally {
      await conn.close();
    }
  });
});
