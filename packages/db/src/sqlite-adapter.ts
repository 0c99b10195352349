import { PrismaBetterSqlite3 } from "@prisma/adapter-better-sqlite3";
import type Sqlite from "better-sqlite3";

/** How SQLite makes commits durable: see `SqliteSynchronous` in config.ts. */
export type SqliteSynchronous = "normal" | "full";

/** Statements kept prepared per connection: the server issues a few hundred distinct ones. */
const STATEMENT_CACHE_SIZE = 500;

/**
 * Prisma's better-sqlite3 adapter, tuned for a server that commits small
 * transactions all the time:
 *
 * - `PRAGMA synchronous` is set on its connection (the setting is per connection).
 *   In WAL mode `full` waits for the disk on every commit (about 1 ms here, and the
 *   wait blocks the event loop); `normal` does not, and still loses nothing when the
 *   process crashes or is killed: only an OS crash or power cut can roll back the
 *   last commits, never corrupt the file.
 * - Statements are prepared once and kept: the adapter prepares every query anew,
 *   which was about 5% of the server's CPU under load.
 */
export class TunedSqliteAdapter extends PrismaBetterSqlite3 {
  /** the driver connection Prisma's queries run on, once it has connected */
  connection: Sqlite.Database | undefined;

  constructor(
    config: { url: string; timeout: number },
    private readonly synchronous: SqliteSynchronous,
  ) {
    super(config);
  }

  // annotated: the inferred type names a package only Prisma depends on, which declarations cannot
  override async connect(): ReturnType<PrismaBetterSqlite3["connect"]> {
    const adapter = await super.connect();
    // the adapter keeps its driver connection in `client` (@prisma/adapter-better-sqlite3 7.10)
    const client = (adapter as unknown as { client: Sqlite.Database }).client;
    client.pragma(`synchronous = ${this.synchronous.toUpperCase()}`);
    cachePreparedStatements(client);
    this.connection = client;
    return adapter;
  }
}

/**
 * Makes `prepare` answer from a cache. better-sqlite3 binds a statement's
 * parameters once for good (`bind`), which is how the adapter runs each query: the
 * cached statement is therefore handed out behind a view whose `bind` keeps the
 * parameters aside and passes them to each call instead. Safe because the adapter
 * runs a statement to completion (`run`, `all`) before the next query starts.
 */
function cachePreparedStatements(client: Sqlite.Database): void {
  const prepare = client.prepare.bind(client);
  const cache = new Map<string, Sqlite.Statement>();
  client.prepare = ((sql: string) => {
    let statement = cache.get(sql);
    if (statement) {
      // most recently used last: the first entry is the one to evict
      cache.delete(sql);
    } else {
      statement = prepare(sql);
      if (cache.size >= STATEMENT_CACHE_SIZE) cache.delete(cache.keys().next().value!);
    }
    cache.set(sql, statement);
    return boundLater(statement);
  }) as typeof client.prepare;
}

function boundLater(statement: Sqlite.Statement) {
  return {
    reader: statement.reader,
    bind(params: unknown[]) {
      return {
        reader: statement.reader,
        run: () => statement.run(params),
        columns: () => statement.columns(),
        raw: () => ({ all: () => statement.raw(true).all(params) }),
      };
    },
    run: (...params: unknown[]) => statement.run(...params),
  };
}

/** A value as the adapter binds it (its default iso8601 dates), for statements run on the connection directly. */
export function sqliteValue(value: unknown): unknown {
  if (value instanceof Date) return value.toISOString().replace("Z", "+00:00");
  if (typeof value === "boolean") return value ? 1 : 0;
  return value;
}
