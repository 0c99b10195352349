import { createHash, randomUUID } from "node:crypto";
import { readdirSync, readFileSync, existsSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import type { DatabaseConfig, Provider } from "./config.ts";
import { openRawConnection, type RawConnection } from "./connection.ts";
import { DatabaseStartupError } from "./errors.ts";

/** The checked-in migrations: prisma/<provider>/migrations/<name>/migration.sql. */
export const PRISMA_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../../prisma");

/** The lock Prisma Migrate itself takes on PostgreSQL, so we never migrate alongside it. */
const PRISMA_ADVISORY_LOCK = 72707369;

const CREATE_TABLE: Record<Provider, string> = {
  sqlite: `CREATE TABLE IF NOT EXISTS "_prisma_migrations" ("id" TEXT PRIMARY KEY NOT NULL, "checksum" TEXT NOT NULL, "finished_at" DATETIME, "migration_name" TEXT NOT NULL, "logs" TEXT, "rolled_back_at" DATETIME, "started_at" DATETIME NOT NULL DEFAULT current_timestamp, "applied_steps_count" INTEGER UNSIGNED NOT NULL DEFAULT 0)`,
  postgresql: `CREATE TABLE IF NOT EXISTS "_prisma_migrations" ("id" VARCHAR(36) PRIMARY KEY NOT NULL, "checksum" VARCHAR(64) NOT NULL, "finished_at" TIMESTAMPTZ, "migration_name" VARCHAR(255) NOT NULL, "logs" TEXT, "rolled_back_at" TIMESTAMPTZ, "started_at" TIMESTAMPTZ NOT NULL DEFAULT now(), "applied_steps_count" INTEGER NOT NULL DEFAULT 0)`,
};

export interface MigrationFile {
  name: string;
  file: string;
  sql: string;
  checksum: string;
}

interface MigrationRow {
  id: string;
  checksum: string;
  migration_name: string;
  finished_at: unknown;
  rolled_back_at: unknown;
  logs: string | null;
}

export interface MigrationStatus {
  applied: string[];
  pending: string[];
  /** started but never finished nor marked rolled back: Prisma refuses to go on, and so do we */
  failed: { name: string; logs: string | null }[];
  /** recorded in the database but absent from the folder (a newer version migrated this database) */
  unknown: string[];
  /** applied, but the file changed since */
  modified: string[];
}

export function readMigrations(provider: Provider, prismaDir = PRISMA_DIR): MigrationFile[] {
  const dir = path.join(prismaDir, provider, "migrations");
  if (!existsSync(dir)) throw new DatabaseStartupError(`No migrations folder at ${dir}.`);
  return readdirSync(dir, { withFileTypes: true })
    .filter((d) => d.isDirectory() && existsSync(path.join(dir, d.name, "migration.sql")))
    .map((d) => d.name)
    .sort()
    .map((name) => {
      const file = path.join(dir, name, "migration.sql");
      const bytes = readFileSync(file);
      return {
        name,
        file,
        sql: bytes.toString("utf8"),
        checksum: createHash("sha256").update(bytes).digest("hex"),
      };
    });
}

const TABLE_EXISTS: Record<Provider, string> = {
  sqlite: `SELECT 1 AS "found" FROM sqlite_master WHERE type = 'table' AND name = '_prisma_migrations'`,
  postgresql: `SELECT 1 AS "found" FROM pg_tables WHERE schemaname = current_schema() AND tablename = '_prisma_migrations'`,
};

/** Reads Prisma's migration table; creates it first unless `readOnly` (then a missing table means nothing applied). */
async function readRows(conn: RawConnection, readOnly = false): Promise<MigrationRow[]> {
  if (!readOnly) await conn.exec(CREATE_TABLE[conn.provider]);
  else if ((await conn.query(TABLE_EXISTS[conn.provider])).length === 0) return [];
  return conn.query<MigrationRow>(
    `SELECT "id", "checksum", "migration_name", "finished_at", "rolled_back_at", "logs" FROM "_prisma_migrations" ORDER BY "started_at"`,
  );
}

function statusOf(files: MigrationFile[], rows: MigrationRow[]): MigrationStatus {
  const live = rows.filter((r) => r.rolled_back_at == null);
  const done = new Map(live.filter((r) => r.finished_at != null).map((r) => [r.migration_name, r]));
  const names = new Set(files.map((f) => f.name));
  return {
    applied: files.filter((f) => done.has(f.name)).map((f) => f.name),
    pending: files.filter((f) => !done.has(f.name)).map((f) => f.name),
    failed: live.filter((r) => r.finished_at == null).map((r) => ({ name: r.migration_name, logs: r.logs })),
    unknown: [...done.keys()].filter((n) => !names.has(n)),
    modified: files.filter((f) => done.has(f.name) && done.get(f.name)!.checksum !== f.checksum).map((f) => f.name),
  };
}

export async function migrationStatus(config: DatabaseConfig, prismaDir = PRISMA_DIR): Promise<MigrationStatus> {
  const conn = await openRawConnection(config);
  try {
    return statusOf(readMigrations(config.provider, prismaDir), await readRows(conn, true));
  } finally {
    await conn.close();
  }
}

export interface MigrateOptions {
  prismaDir?: string;
  log?: (line: string) => void;
}

/**
 * Applies the pending migrations in name order and records each in Prisma's own
 * `_prisma_migrations` table exactly as `prisma migrate deploy` would, so Prisma's
 * CLI on a connected machine reads the database as up to date.
 * Each migration runs in a transaction; a failure is recorded as Prisma records
 * it (unfinished row with the error in `logs`) and stops with the file and the
 * database error. A failed migration left by an earlier attempt also stops start-up
 * until it is marked rolled back (`npm run db:migrate -- --rolled-back <name>`).
 */
export async function migrate(config: DatabaseConfig, options: MigrateOptions = {}): Promise<MigrationStatus> {
  const log = options.log ?? (() => {});
  const files = readMigrations(config.provider, options.prismaDir);
  const conn = await openRawConnection(config);
  try {
    return await withMigrationLock(conn, async () => {
      let status = statusOf(files, await readRows(conn));
      const failed = status.failed[0];
      if (failed) {
        throw new DatabaseStartupError(
          `Migration ${failed.name} failed earlier and was never resolved (${firstLine(failed.logs)}): fix the database, then run \`npm run db:migrate -- --rolled-back ${failed.name}\` to retry it.`,
        );
      }
      for (const name of status.unknown) log(`warning: the database has migration ${name}, which this version does not know`);
      for (const name of status.modified) log(`warning: migration ${name} was changed after it was applied`);
      for (const file of files.filter((f) => status.pending.includes(f.name))) {
        await applyOne(conn, file);
        log(`applied migration ${file.name}`);
      }
      status = statusOf(files, await readRows(conn));
      return status;
    });
  } finally {
    await conn.close();
  }
}

/**
 * Holds the database's migration lock while `fn` runs, so processes starting
 * together migrate one after the other. PostgreSQL: Prisma Migrate's own advisory
 * lock. SQLite: one IMMEDIATE transaction (the write lock), committed even when a
 * migration failed, because its failure record must persist (the migration's
 * own changes were already undone by its savepoint).
 */
async function withMigrationLock<T>(conn: RawConnection, fn: () => Promise<T>): Promise<T> {
  if (conn.provider === "postgresql") {
    await conn.query(`SELECT pg_advisory_lock(${PRISMA_ADVISORY_LOCK})`);
    try {
      return await fn();
    } finally {
      await conn.query(`SELECT pg_advisory_unlock(${PRISMA_ADVISORY_LOCK})`).catch(() => {});
    }
  }
  await conn.exec("BEGIN IMMEDIATE");
  try {
    return await fn();
  } finally {
    await conn.exec("COMMIT");
  }
}

/** Runs one migration's script all-or-nothing (a transaction, or a savepoint inside SQLite's lock). */
async function runAtomically(conn: RawConnection, sql: string): Promise<void> {
  const [begin, commit, rollback] =
    conn.provider === "postgresql"
      ? ["BEGIN", "COMMIT", "ROLLBACK"]
      : ["SAVEPOINT migration", "RELEASE migration", "ROLLBACK TO migration; RELEASE migration"];
  try {
    await conn.exec(`${begin};\n${sql}\n;${commit};`);
  } catch (err) {
    await conn.exec(rollback).catch(() => {});
    throw err;
  }
}

async function applyOne(conn: RawConnection, file: MigrationFile): Promise<void> {
  const id = randomUUID();
  await conn.query(
    `INSERT INTO "_prisma_migrations" ("id", "checksum", "migration_name", "started_at", "applied_steps_count") VALUES (?, ?, ?, ?, 0)`,
    [id, file.checksum, file.name, new Date()],
  );
  try {
    await runAtomically(conn, file.sql);
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    await conn.query(`UPDATE "_prisma_migrations" SET "logs" = ? WHERE "id" = ?`, [message, id]);
    throw new DatabaseStartupError(`Migration ${file.name} failed (${file.file}): ${firstLine(message)}`);
  }
  await conn.query(`UPDATE "_prisma_migrations" SET "finished_at" = ?, "applied_steps_count" = 1 WHERE "id" = ?`, [new Date(), id]);
}

/** Marks a failed migration as rolled back (what `prisma migrate resolve --rolled-back` does). */
export async function markRolledBack(config: DatabaseConfig, name: string): Promise<boolean> {
  const conn = await openRawConnection(config);
  try {
    const rows = await readRows(conn);
    const row = rows.find((r) => r.migration_name === name && r.finished_at == null && r.rolled_back_at == null);
    if (!row) return false;
    await conn.query(`UPDATE "_prisma_migrations" SET "rolled_back_at" = ? WHERE "id" = ?`, [new Date(), row.id]);
    return true;
  } finally {
    await conn.close();
  }
}

function firstLine(s: string | null | undefined): string {
  return (s ?? "no error recorded").split("\n")[0]!.trim();
}
