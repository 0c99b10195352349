import type pg from "pg";
import type { TunedPgAdapter } from "../pg-adapter.ts";
import { sqliteValue, type TunedSqliteAdapter } from "../sqlite-adapter.ts";

/** One statement: its SQL, `?` marking each parameter, and the values bound to them. */
export interface Query {
  sql: string;
  params: readonly unknown[];
}

/** What a statement answered: the rows it returned, and how many rows it changed. */
export interface Answer {
  rows: Record<string, unknown>[];
  changes: number;
}

/** Where the direct statements of direct-rows.ts run: one driver per database. */
export interface Driver {
  /** one statement on its own (it commits by itself) */
  query(query: Query): Answer | Promise<Answer>;
  /**
   * The statements `steps` yields, in one transaction, each answered before the next
   * is asked for; the transaction commits when `steps` returns and rolls back when a
   * statement or `steps` throws.
   */
  transaction<T>(steps: Generator<Query, T, Answer>): Promise<T>;
  /** what ends a SELECT that must hold the rows it read until the transaction ends */
  readonly lockRows: string;
}

/**
 * SQLite: statements on Prisma's connection, synchronous. A transaction is one
 * synchronous call from BEGIN IMMEDIATE to COMMIT: no other statement of this process
 * can fall inside it, and it holds the database's write lock from its first read, so
 * rows read in it need no lock of their own. Like Prisma's own queries, a statement or
 * transaction waits while another request's interactive transaction is open.
 */
export function sqliteDriver(sqlite: TunedSqliteAdapter): Driver {
  const answer = ({ sql, params }: Query): Answer => {
    const statement = sqlite.connection!.prepare(sql).bind(params.map(sqliteValue));
    if (statement.reader) return { rows: statement.all() as Record<string, unknown>[], changes: 0 };
    return { rows: [], changes: statement.run().changes };
  };
  return {
    query: (query) => sqlite.outsideTransaction(() => answer(query)),
    async transaction<T>(steps: Generator<Query, T, Answer>): Promise<T> {
      const connection = sqlite.connection!;
      const all = connection.transaction((): T => {
        let step = steps.next();
        while (!step.done) step = steps.next(answer(step.value));
        return step.value;
      });
      return sqlite.outsideTransaction(() => all.immediate());
    },
    lockRows: "",
  };
}

/**
 * PostgreSQL: statements on the pool Prisma's queries use. A transaction takes one
 * connection from it for its statements, as Prisma's interactive transactions do,
 * and rows read in it are locked with FOR UPDATE.
 */
export function pgDriver(adapter: TunedPgAdapter): Driver {
  const answerOf = (result: pg.QueryResult<Record<string, unknown>>): Answer => ({ rows: result.rows, changes: result.rowCount ?? 0 });
  return {
    query: async ({ sql, params }) => answerOf(await adapter.query(sql, params)),
    async transaction<T>(steps: Generator<Query, T, Answer>): Promise<T> {
      const connection = await adapter.pool!.connect();
      // a connection lost while checked out emits 'error': its statement fails with it, the event must not end the process
      const ignore = () => {};
      connection.on("error", ignore);
      let broken: Error | undefined;
      try {
        await connection.query("BEGIN");
        let step = steps.next();
        while (!step.done) step = steps.next(answerOf(await adapter.query(step.value.sql, step.value.params, connection)));
        await connection.query("COMMIT");
        return step.value;
      } catch (err) {
        await connection.query("ROLLBACK").catch((rollbackFailed: Error) => (broken = rollbackFailed));
        throw err;
      } finally {
        connection.off("error", ignore);
        // a connection whose rollback failed is not given back to the pool
        connection.release(broken);
      }
    },
    lockRows: " FOR UPDATE",
  };
}
