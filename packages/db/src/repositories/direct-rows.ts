import { sqliteDirect, type PrismaDb } from "../client.ts";
import { sqliteValue, type TunedSqliteAdapter } from "../sqlite-adapter.ts";

/** The models read this way: those a run reads and writes on its way. */
export type DirectModel = "Run" | "Assistant" | "Thread" | "Checkpoint" | "CheckpointWrite" | "TokenUsage";

/**
 * The column types Prisma stores on SQLite in a form other than its value's: dates
 * and JSON as text, booleans as 0/1, numbers come back as bigint (the adapter's
 * connection reads every integer safely) and bytes as a Buffer, where Prisma gives a
 * plain Uint8Array.
 */
const STORED = new Set(["DateTime", "Json", "Boolean", "Int", "Float", "Bytes"]);
type Stored = "DateTime" | "Json" | "Boolean" | "Int" | "Float" | "Bytes";

interface RuntimeDataModel {
  models: Record<string, { fields: { name: string; kind: string; type: string }[] }>;
}

/** The statements of a direct transaction: synchronous, inside it. */
export interface DirectTransaction {
  /** as DirectRows.all */
  all<T>(model: DirectModel, sql: string, params: readonly unknown[]): T[];
  /** a write; the number of rows it changed */
  run(sql: string, params: readonly unknown[]): number;
  /** `INSERT ... RETURNING *` of one row (its JSON columns written as their text), as a `model` value */
  insert<T>(model: DirectModel, table: string, row: Record<string, unknown>): T;
}

/**
 * A run's own reads and writes on the embedded SQLite database, made on Prisma's
 * connection directly: a statement of some tens of microseconds where the same
 * query through Prisma's query builder costs about half a millisecond of CPU
 * (measured: a run's row read 30 µs against 520-660 µs; an update 40-55 µs against
 * 440 µs). A run makes a dozen such queries, so on the server's default database
 * this is most of what the database costs a run.
 *
 * Only plain single statements with the table's own columns (`SELECT *`,
 * `UPDATE ... RETURNING *`) go this way; their rows are turned into the values
 * Prisma would give (dates, JSON, booleans from their stored text and numbers), so
 * callers cannot tell the two apart (a test holds them to it). Like every direct
 * statement, one waits while another request's transaction is open.
 */
export class DirectRows {
  private readonly stored = new Map<DirectModel, [string, Stored][]>();

  constructor(
    private readonly sqlite: TunedSqliteAdapter,
    private readonly dataModel: RuntimeDataModel,
  ) {}

  /** The rows `sql` answers, as `model` values (of the columns it selects); `params` are bound as Prisma binds them. */
  async all<T>(model: DirectModel, sql: string, params: readonly unknown[]): Promise<T[]> {
    return this.sqlite.outsideTransaction(() => this.allNow<T>(model, sql, params));
  }

  /**
   * `work` in one immediate transaction on the connection, start to commit in one
   * synchronous call: no other statement of this process can fall inside it, and it
   * holds the database's write lock from its first read (as a row lock would), so a
   * check and the write it decides are atomic. Throwing rolls it back.
   */
  async transaction<T>(work: (tx: DirectTransaction) => T): Promise<T> {
    const connection = this.sqlite.connection!;
    const tx: DirectTransaction = {
      all: (model, sql, params) => this.allNow(model, sql, params),
      run: (sql, params) => connection.prepare(sql).run(params.map(sqliteValue)).changes,
      insert: <T>(model: DirectModel, table: string, row: Record<string, unknown>): T => {
        const columns = Object.entries(this.storable(model, row));
        const sql = `INSERT INTO "${table}" (${columns.map(([name]) => `"${name}"`).join(", ")}) VALUES (${columns.map(() => "?").join(", ")}) RETURNING *`;
        return this.allNow<T>(
          model,
          sql,
          columns.map(([, value]) => value),
        )[0]!;
      },
    };
    return this.sqlite.outsideTransaction(() => connection.transaction(() => work(tx)).immediate());
  }

  private allNow<T>(model: DirectModel, sql: string, params: readonly unknown[]): T[] {
    const rows = this.sqlite.connection!.prepare(sql).bind(params.map(sqliteValue)).all() as Record<string, unknown>[];
    const columns = this.storedColumns(model);
    for (const row of rows) {
      for (const [name, type] of columns) if (name in row) row[name] = fromStored(type, row[name]);
    }
    return rows as T[];
  }

  /**
   * `UPDATE ... RETURNING *` of the rows matching every `where` column: the columns of
   * `set` that are not undefined are written (JSON columns as their text, null as SQL
   * NULL), and `updatedAt` with them, as Prisma's `@updatedAt` does.
   */
  update<T>(model: DirectModel, table: string, set: Record<string, unknown>, where: Record<string, unknown>): Promise<T[]> {
    const columns = Object.entries(this.storable(model, { ...set, updatedAt: new Date() }));
    const conditions = matching(where);
    const sql = `UPDATE "${table}" SET ${columns.map(([name]) => `"${name}" = ?`).join(", ")} WHERE ${conditions.sql} RETURNING *`;
    return this.all<T>(model, sql, [...columns.map(([, value]) => value), ...conditions.params]);
  }

  /** The defined values of `row` as they are written: JSON columns as their text (null stays SQL NULL). */
  private storable(model: DirectModel, row: Record<string, unknown>): Record<string, unknown> {
    const json = new Set(this.storedColumns(model).flatMap(([name, type]) => (type === "Json" ? [name] : [])));
    const out: Record<string, unknown> = {};
    for (const [name, value] of Object.entries(row)) {
      if (value !== undefined) out[name] = json.has(name) && value !== null ? jsonColumn(value) : value;
    }
    return out;
  }

  /** `SELECT *` of the rows whose columns equal every `where` value (undefined ones left out). */
  select<T>(model: DirectModel, table: string, where: Record<string, unknown>): Promise<T[]> {
    const conditions = matching(where);
    return this.all<T>(model, `SELECT * FROM "${table}" WHERE ${conditions.sql}`, conditions.params);
  }

  private storedColumns(model: DirectModel): [string, Stored][] {
    let columns = this.stored.get(model);
    if (!columns) {
      const fields = this.dataModel.models[model]?.fields ?? [];
      columns = fields.flatMap((f): [string, Stored][] => (f.kind === "scalar" && STORED.has(f.type) ? [[f.name, f.type as Stored]] : []));
      this.stored.set(model, columns);
    }
    return columns;
  }
}

const made = new WeakMap<TunedSqliteAdapter, DirectRows>();

/**
 * The direct reads of a client made here on SQLite, once it has connected; undefined
 * elsewhere (PostgreSQL, a transaction, before the first query): use Prisma there.
 */
export function directRows(prisma: PrismaDb): DirectRows | undefined {
  const sqlite = sqliteDirect(prisma);
  if (!sqlite) return undefined;
  let rows = made.get(sqlite);
  if (!rows) {
    // the generated client's description of its models: which columns hold what
    const dataModel = (prisma as unknown as { _runtimeDataModel?: RuntimeDataModel })._runtimeDataModel;
    if (!dataModel) return undefined;
    made.set(sqlite, (rows = new DirectRows(sqlite, dataModel)));
  }
  return rows;
}

/** `"a" = ? AND "b" = ?` for the defined values of `where`, and those values. */
/**
 * A JSON column's text as Prisma writes it: an own `__proto__` key (JSON.parse makes
 * one from a request body) is left out at any depth, so what the direct path stores
 * reads back as what Prisma's would. Looked for in the text first: it is nearly never there.
 */
export function jsonColumn(value: unknown): string {
  const text = JSON.stringify(value);
  return text.includes('"__proto__"') ? JSON.stringify(value, (key, v: unknown) => (key === "__proto__" ? undefined : v)) : text;
}

/** Every defined column of `where` equal to its value; a null value matches SQL NULL. */
function matching(where: Record<string, unknown>): { sql: string; params: unknown[] } {
  const conditions = Object.entries(where).filter(([, value]) => value !== undefined);
  return {
    sql: conditions.map(([name, value]) => (value === null ? `"${name}" IS NULL` : `"${name}" = ?`)).join(" AND "),
    params: conditions.flatMap(([, value]) => (value === null ? [] : [value])),
  };
}

function fromStored(type: Stored, value: unknown): unknown {
  if (value === null || value === undefined) return null;
  switch (type) {
    case "DateTime":
      return new Date(typeof value === "string" && !/[zZ]|[+-]\d\d:?\d\d$/.test(value) ? `${value.replace(" ", "T")}Z` : (value as string));
    case "Json":
      return typeof value === "string" ? JSON.parse(value) : value;
    case "Boolean":
      return value === 1 || value === 1n || value === true;
    case "Int":
    case "Float":
      return typeof value === "bigint" ? Number(value) : value;
    case "Bytes":
      return new Uint8Array(value as Uint8Array);
  }
}

/** Prisma's own error for an update of a row that is not there, so callers handle both paths alike. */
export class RowNotFoundError extends Error {
  readonly code = "P2025";
}

/** A unique key the row would repeat, told as Prisma tells it (P2002), so callers read one kind of error. */
class UniqueConflictError extends Error {
  readonly code = "P2002";
}

/** Rethrows SQLite's refusal of a repeated primary or unique key as a UniqueConflictError; anything else as it is. */
export function asUniqueConflict(err: unknown): never {
  const code = (err as { code?: unknown } | null)?.code;
  if (code === "SQLITE_CONSTRAINT_PRIMARYKEY" || code === "SQLITE_CONSTRAINT_UNIQUE") {
    throw new UniqueConflictError((err as Error).message, { cause: err });
  }
  throw err;
}
