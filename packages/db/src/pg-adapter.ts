import { PrismaPg } from "@prisma/adapter-pg";
import pg from "pg";

/** Distinct statements remembered (and prepared by name): the run's hot statements are a few dozen texts. */
const KEPT_STATEMENTS = 1000;

/** JSON columns come back as their text, as on SQLite: direct-rows.ts parses them (a JSON string value stays a string). */
const JSON_AS_TEXT = new Set<number>([pg.types.builtins.JSON, pg.types.builtins.JSONB]);
const asText = (value: string) => value;
const ROW_TYPES = {
  getTypeParser: ((oid: number, format?: string) =>
    JSON_AS_TEXT.has(oid) ? asText : pg.types.getTypeParser(oid, format as "text")) as pg.CustomTypesConfig["getTypeParser"],
};

/**
 * Prisma's PostgreSQL adapter, keeping its pool at hand for the statements the
 * server runs on it directly (see direct-rows.ts and raw-insert.ts): the same
 * pool, so they count against the same connection limit and see the same commits.
 */
export class TunedPgAdapter extends PrismaPg {
  /** the pool Prisma's queries run on, once it has connected */
  pool: pg.Pool | undefined;
  /** each statement's PostgreSQL text and, when prepared, its name */
  private readonly statements = new Map<string, { text: string; name: string | undefined }>();

  constructor(
    config: pg.PoolConfig,
    /** false behind a pooler that hands a session's statements to other connections (PgBouncer's transaction mode) */
    private readonly preparedStatements = true,
  ) {
    super(config);
  }

  // annotated: the inferred type names a package only Prisma depends on, which declarations cannot
  override async connect(): ReturnType<PrismaPg["connect"]> {
    const adapter = await super.connect();
    this.pool = adapter.underlyingDriver() as pg.Pool;
    return adapter;
  }

  /**
   * One statement, on the pool (outside any transaction) or on a connection taken from
   * it. `sql` marks its parameters with `?` (as on SQLite; none of the direct
   * statements holds a literal `?`). The statement is prepared once per connection
   * under a name of its own, where Prisma sends every query to be parsed and planned anew
   * (measured: 15% less server CPU per run, 2-3 ms less to a run's first event), unless
   * prepared statements are off (DATABASE_URL with `pgbouncer=true`).
   */
  query(
    sql: string,
    params: readonly unknown[],
    on: pg.Pool | pg.PoolClient = this.pool!,
  ): Promise<pg.QueryResult<Record<string, unknown>>> {
    let statement = this.statements.get(sql);
    if (!statement) {
      const kept = this.statements.size < KEPT_STATEMENTS;
      statement = { text: numbered(sql), name: kept && this.preparedStatements ? `lgrs_${this.statements.size}` : undefined };
      if (kept) this.statements.set(sql, statement);
    }
    return on.query({ name: statement.name, text: statement.text, values: params.map(pgValue), types: ROW_TYPES });
  }
}

/** `?` marks as PostgreSQL's `$1, $2, ...`. */
function numbered(sql: string): string {
  let i = 0;
  return sql.replace(/\?/g, () => `$${++i}`);
}

/**
 * A value as bound on the direct path: a date as its UTC instant (the columns are
 * timestamptz, so the session's time zone plays no part), anything else as pg binds it.
 */
function pgValue(value: unknown): unknown {
  return value instanceof Date ? value.toISOString() : value;
}
