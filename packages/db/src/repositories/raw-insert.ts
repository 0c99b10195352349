import type { Provider } from "../config.ts";
import { pgDirect, sqliteDirect, type PrismaDb } from "../client.ts";
import { sqliteValue } from "../sqlite-adapter.ts";
import { step, type DirectWork } from "./direct-rows.ts";

/** What runs a raw statement: the client, or the transaction a fenced write holds. */
export type Executor = Pick<PrismaDb, "$executeRawUnsafe">;

/** What becomes of a row whose key is already there. */
export type OnConflict = { key: readonly string[]; update: readonly string[] } | { key: readonly string[]; ignore: true };

/**
 * Rows per statement: far under SQLite's 32,766 and PostgreSQL's 65,535 bound
 * parameters for the widest table written this way (10 columns).
 */
export const ROWS_PER_STATEMENT = 500;

/**
 * Inserts rows with one multi-row INSERT (per 500 rows), optionally an upsert.
 *
 * Why raw SQL for these few writes: they are the run's hot path (every streamed
 * event, every checkpoint and task write), and through Prisma's query builder a
 * one-row `createMany` costs about 1 ms of CPU and an `upsert` three statements,
 * where the same INSERT as raw SQL costs a seventh of that. Values are bound
 * parameters, never spliced in; table and column names come from this package's
 * code only. Dates and bytes are bound as Prisma binds them, so the rows are the
 * ones its own writes would make.
 *
 * Outside a transaction, the statement runs on the connection (SQLite) or pool
 * (PostgreSQL) Prisma's queries use, directly: on SQLite a synchronous call of some
 * microseconds where Prisma's raw query pipeline costs a tenth of a millisecond, for
 * each of a run's streamed events. It is the same connection or pool and the same
 * single statement, so it commits as Prisma's would; on SQLite, like Prisma's own
 * queries, it waits while another request's transaction is open.
 */
export async function insertRows(
  db: Executor,
  provider: Provider,
  table: string,
  columns: readonly string[],
  rows: readonly (readonly unknown[])[],
  onConflict?: OnConflict,
): Promise<number> {
  const sqlite = provider === "sqlite" ? sqliteDirect(db) : undefined;
  const pg = provider === "postgresql" ? pgDirect(db) : undefined;
  let written = 0;
  for (const { sql, params } of insertStatements(provider, table, columns, rows, onConflict)) {
    if (sqlite) written += await sqlite.outsideTransaction(() => sqlite.connection!.prepare(sql).run(params.map(sqliteValue)).changes);
    else if (pg) written += (await pg.query(sql, params)).rowCount ?? 0;
    else written += await db.$executeRawUnsafe(sql, ...params);
  }
  return written;
}

/** The same inserts as steps of a direct transaction (see direct-rows.ts): the number of rows written. */
export function* insertSteps(
  provider: Provider,
  table: string,
  columns: readonly string[],
  rows: readonly (readonly unknown[])[],
  onConflict?: OnConflict,
): DirectWork<number> {
  let written = 0;
  for (const { sql, params } of insertStatements(provider, table, columns, rows, onConflict)) written += yield* step.run(sql, params);
  return written;
}

/**
 * The multi-row INSERT statements (one per 500 rows) that write `rows`.
 *
 * With `lease` (PostgreSQL), each statement writes only while a fleet worker holds
 * that lease on its run: the run's row is read under the lease token first (FOR
 * SHARE: a sweep or release of the run waits for the write, other writes of the run
 * do not), and each row's first column takes its value through that read, so a lease
 * no longer held makes it NULL and the statement fails on that NOT NULL column
 * (see leases.ts, fencedInsert). One round trip where a transaction makes four.
 */
export function insertStatements(
  provider: Provider,
  table: string,
  columns: readonly string[],
  rows: readonly (readonly unknown[])[],
  onConflict: OnConflict | undefined,
  lease?: { runId: string; token: string },
): { sql: string; params: unknown[] }[] {
  const statements: { sql: string; params: unknown[] }[] = [];
  for (let start = 0; start < rows.length; start += ROWS_PER_STATEMENT) {
    const batch = rows.slice(start, start + ROWS_PER_STATEMENT);
    const params: unknown[] = lease ? [lease.runId, lease.token] : [];
    const tuples = batch.map((row) => {
      const marks = row.map((value, i) => {
        params.push(value);
        const mark = provider === "postgresql" ? `$${params.length}` : "?";
        return lease && i === 0 ? `(SELECT ${mark}::text FROM "lease")` : mark;
      });
      return `(${marks.join(",")})`;
    });
    const held = lease
      ? `WITH "lease" AS (SELECT 1 FROM "run" WHERE "id" = $1 AND "leaseToken" = $2 AND "status" = 'running' FOR SHARE) `
      : "";
    const sql = `${held}INSERT INTO ${quote(table)} (${columns.map(quote).join(",")}) VALUES ${tuples.join(",")}${conflictClause(onConflict)}`;
    statements.push({ sql, params });
  }
  return statements;
}

function conflictClause(onConflict: OnConflict | undefined): string {
  if (!onConflict) return "";
  const target = `(${onConflict.key.map(quote).join(",")})`;
  if ("ignore" in onConflict) return ` ON CONFLICT ${target} DO NOTHING`;
  return ` ON CONFLICT ${target} DO UPDATE SET ${onConflict.update.map((c) => `${quote(c)} = excluded.${quote(c)}`).join(", ")}`;
}

/** Double quotes name a table or column on both databases (the names here are camelCase on PostgreSQL). */
function quote(name: string): string {
  return `"${name}"`;
}
