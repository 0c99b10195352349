import { pgDirect, sqliteDirect, type PrismaDb } from "../client.ts";
import { pgDriver, sqliteDriver, type Answer, type Driver, type Query } from "./direct-drivers.ts";

/** The models read this way: those a run reads and writes on its way. */
export type DirectModel = "Run" | "Assistant" | "Thread" | "Checkpoint" | "CheckpointWrite" | "TokenUsage" | "RunEvent";

/**
 * The column types whose stored form is not Prisma's value: on SQLite dates and
 * JSON as text, booleans as 0/1, numbers come back as bigint (the adapter's
 * connection reads every integer safely); on PostgreSQL JSON as its text (see
 * pg-adapter.ts); on both, bytes as a Buffer, where Prisma gives a plain Uint8Array.
 */
const STORED = new Set(["DateTime", "Json", "Boolean", "Int", "Float", "Bytes"]);
type Stored = "DateTime" | "Json" | "Boolean" | "Int" | "Float" | "Bytes";

interface RuntimeDataModel {
  models: Record<string, { fields: { name: string; kind: string; type: string }[] }>;
}

/** One statement of a direct transaction, as its work yields it (see `step`). */
export type DirectStep =
  | { kind: "all"; model: DirectModel; sql: string; params: readonly unknown[]; lock: boolean }
  | { kind: "run"; sql: string; params: readonly unknown[] }
  | { kind: "insert"; model: DirectModel; table: string; row: Record<string, unknown> }
  | { kind: "update"; model: DirectModel; table: string; set: Record<string, unknown>; where: Record<string, unknown> };

/** A direct transaction's work: it yields its statements and gets each one's answer back (see `step`). */
export type DirectWork<T> = Generator<DirectStep, T, unknown>;

/**
 * The statements a direct transaction's work yields with `yield*`, typed; one logic
 * serves both databases, run synchronously on SQLite and awaited on PostgreSQL.
 */
export const step = {
  /** as DirectRows.all; with `lock`, the rows stay locked until the transaction ends */
  *all<T>(
    model: DirectModel,
    sql: string,
    params: readonly unknown[],
    options: { lock?: boolean } = {},
  ): Generator<DirectStep, T[], unknown> {
    return (yield { kind: "all", model, sql, params, lock: options.lock ?? false }) as T[];
  },
  /** a write; the number of rows it changed */
  *run(sql: string, params: readonly unknown[]): Generator<DirectStep, number, unknown> {
    return (yield { kind: "run", sql, params }) as number;
  },
  /** as DirectRows.insert */
  *insert<T>(model: DirectModel, table: string, row: Record<string, unknown>): Generator<DirectStep, T, unknown> {
    return (yield { kind: "insert", model, table, row }) as T;
  },
  /** as DirectRows.update */
  *update<T>(
    model: DirectModel,
    table: string,
    set: Record<string, unknown>,
    where: Record<string, unknown>,
  ): Generator<DirectStep, T[], unknown> {
    return (yield { kind: "update", model, table, set, where }) as T[];
  },
};

/**
 * A run's own reads and writes, made on Prisma's SQLite connection or PostgreSQL
 * pool directly (see direct-drivers.ts): on SQLite a statement of some tens of
 * microseconds where the same query through Prisma's query builder costs about half
 * a millisecond of CPU (measured: a run's row read 30 µs against 520-660 µs; an
 * update 40-55 µs against 440 µs); on PostgreSQL the round trip stays and Prisma's
 * query building and result mapping go. A run makes a dozen such queries, so this is
 * most of what the database costs a run in this process.
 *
 * Only plain statements with the tables' own columns (`SELECT *`, `UPDATE ...
 * RETURNING *`, `INSERT ... RETURNING *`) go this way, written once for both
 * databases (`?` marks a parameter); their rows are turned into the values Prisma
 * would give (dates, JSON, booleans from their stored form and numbers), so callers
 * cannot tell the two apart (a test holds them to it).
 */
export class DirectRows {
  private readonly stored = new Map<DirectModel, [string, Stored][]>();

  constructor(
    private readonly driver: Driver,
    private readonly dataModel: RuntimeDataModel,
  ) {}

  /** The rows `sql` answers, as `model` values (of the columns it selects); `params` are bound as Prisma binds them. */
  async all<T>(model: DirectModel, sql: string, params: readonly unknown[]): Promise<T[]> {
    return this.typed<T>(model, (await this.driver.query({ sql, params })).rows);
  }

  /** `INSERT ... RETURNING *` of one row (its JSON columns written as their text), as a `model` value. */
  async insert<T>(model: DirectModel, table: string, row: Record<string, unknown>): Promise<T> {
    return this.typed<T>(model, (await this.driver.query(this.insertQuery(model, table, row))).rows)[0]!;
  }

  /**
   * `UPDATE ... RETURNING *` of the rows matching every `where` column: the columns of
   * `set` that are not undefined are written (JSON columns as their text, null as SQL
   * NULL), and `updatedAt` with them, as Prisma's `@updatedAt` does.
   */
  async update<T>(model: DirectModel, table: string, set: Record<string, unknown>, where: Record<string, unknown>): Promise<T[]> {
    return this.typed<T>(model, (await this.driver.query(this.updateQuery(model, table, set, where))).rows);
  }

  /** `SELECT *` of the rows whose columns equal every `where` value (undefined ones left out). */
  select<T>(model: DirectModel, table: string, where: Record<string, unknown>): Promise<T[]> {
    const conditions = matching(where);
    return this.all<T>(model, `SELECT * FROM "${table}" WHERE ${conditions.sql}`, conditions.params);
  }

  /**
   * The statements `work` yields in one transaction, so a check and the write it
   * decides are atomic: on SQLite one synchronous immediate transaction (the database's
   * write lock held from its first read), on PostgreSQL one connection's transaction
   * (rows read with `lock` locked). Throwing rolls it back.
   */
  transaction<T>(work: DirectWork<T>): Promise<T> {
    return this.driver.transaction(this.lowered(work));
  }

  /** `work`'s steps as the driver's statements, each answer given back as the step's value. */
  private *lowered<T>(work: DirectWork<T>): Generator<Query, T, Answer> {
    let next = work.next();
    while (!next.done) {
      const s = next.value;
      if (s.kind === "run") {
        next = work.next((yield { sql: s.sql, params: s.params }).changes);
      } else if (s.kind === "all") {
        const answer = yield { sql: s.lock ? s.sql + this.driver.lockRows : s.sql, params: s.params };
        next = work.next(this.typed(s.model, answer.rows));
      } else if (s.kind === "insert") {
        next = work.next(this.typed(s.model, (yield this.insertQuery(s.model, s.table, s.row)).rows)[0]);
      } else {
        next = work.next(this.typed(s.model, (yield this.updateQuery(s.model, s.table, s.set, s.where)).rows));
      }
    }
    return next.value;
  }

  private updateQuery(model: DirectModel, table: string, set: Record<string, unknown>, where: Record<string, unknown>): Query {
    const columns = Object.entries(this.storable(model, { ...set, updatedAt: new Date() }));
    const conditions = matching(where);
    return {
      sql: `UPDATE "${table}" SET ${columns.map(([name]) => `"${name}" = ?`).join(", ")} WHERE ${conditions.sql} RETURNING *`,
      params: [...columns.map(([, value]) => value), ...conditions.params],
    };
  }

  private insertQuery(model: DirectModel, table: string, row: Record<string, unknown>): Query {
    const columns = Object.entries(this.storable(model, row));
    return {
      sql: `INSERT INTO "${table}" (${columns.map(([name]) => `"${name}"`).join(", ")}) VALUES (${columns.map(() => "?").join(", ")}) RETURNING *`,
      params: columns.map(([, value]) => value),
    };
  }

  /** `rows` as `model` values: each stored column turned into what Prisma gives. */
  private typed<T>(model: DirectModel, rows: Record<string, unknown>[]): T[] {
    const columns = this.storedColumns(model);
    for (const row of rows) {
      for (const [name, type] of columns) if (name in row) row[name] = fromStored(type, row[name]);
    }
    return rows as T[];
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

const made = new WeakMap<object, DirectRows>();

/**
 * The direct statements of a client made here, once it has connected; undefined
 * elsewhere (a transaction, before the first query): use Prisma there.
 */
export function directRows(prisma: PrismaDb): DirectRows | undefined {
  const sqlite = sqliteDirect(prisma);
  const pg = sqlite ? undefined : pgDirect(prisma);
  const adapter = sqlite ?? pg;
  if (!adapter) return undefined;
  let rows = made.get(adapter);
  if (!rows) {
    // the generated client's description of its models: which columns hold what
    const dataModel = (prisma as unknown as { _runtimeDataModel?: RuntimeDataModel })._runtimeDataModel;
    if (!dataModel) return undefined;
    made.set(adapter, (rows = new DirectRows(sqlite ? sqliteDriver(sqlite) : pgDriver(pg!), dataModel)));
  }
  return rows;
}

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

/** Whether a direct statement failed on a repeated primary or unique key (SQLite's codes, PostgreSQL's unique_violation). */
export function isUniqueViolation(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  return code === "SQLITE_CONSTRAINT_PRIMARYKEY" || code === "SQLITE_CONSTRAINT_UNIQUE" || code === "23505";
}

/** Rethrows the database's refusal of a repeated primary or unique key as a UniqueConflictError; anything else as it is. */
export function asUniqueConflict(err: unknown): never {
  if (isUniqueViolation(err)) throw new UniqueConflictError((err as Error).message, { cause: err });
  throw err;
}
