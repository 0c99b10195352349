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
 * - A statement made outside a transaction never runs inside another request's open
 *   one. The adapter has one connection and runs a top-level query on it at any time,
 *   where it would join whatever interactive transaction is open: an event written
 *   while a busy thread's admission is open would vanish when the admission rolls
 *   back. Such a query now waits for that transaction to end (see `outsideTransaction`).
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
    this.transactionEnd = trackTransactions(adapter);
    return adapter;
  }

  /** Ends of the interactive transactions Prisma opens on the connection (set once connected). */
  private transactionEnd: (() => Promise<void>) | undefined;

  /**
   * Runs `statement` (synchronous, on the connection) once no interactive transaction
   * is open: at once when none is, as is nearly always the case.
   */
  outsideTransaction<T>(statement: () => T): T | Promise<T> {
    const connection = this.connection;
    if (!connection?.inTransaction || !this.transactionEnd) return statement();
    return this.transactionEnd().then(() => this.outsideTransaction(statement));
  }
}

type Adapter = Awaited<ReturnType<PrismaBetterSqlite3["connect"]>>;

/**
 * Makes the adapter's top-level queries wait for an open interactive transaction to
 * end, and answers when the one open now ends. Transactions themselves are already
 * one at a time (the adapter's own lock); a top-level query runs synchronously on the
 * connection, so "no transaction open when it starts" means it is outside every one.
 */
function trackTransactions(adapter: Adapter): () => Promise<void> {
  const client = (adapter as unknown as { client: Sqlite.Database }).client;
  let ended: Promise<void> = Promise.resolve();
  const startTransaction = adapter.startTransaction.bind(adapter);
  adapter.startTransaction = async (isolationLevel) => {
    const tx = await startTransaction(isolationLevel);
    let end = () => {};
    ended = new Promise<void>((resolve) => (end = resolve));
    // Prisma sends COMMIT or ROLLBACK through the transaction, then calls one of these
    const commit = tx.commit.bind(tx);
    const rollback = tx.rollback.bind(tx);
    tx.commit = () => commit().finally(end);
    tx.rollback = () => rollback().finally(end);
    return tx;
  };
  const whenOutside = async <T>(query: () => Promise<T>): Promise<T> => {
    while (client.inTransaction) await ended;
    return query();
  };
  const queryRaw = adapter.queryRaw.bind(adapter);
  const executeRaw = adapter.executeRaw.bind(adapter);
  adapter.queryRaw = (query) => (client.inTransaction ? whenOutside(() => queryRaw(query)) : queryRaw(query));
  adapter.executeRaw = (query) => (client.inTransaction ? whenOutside(() => executeRaw(query)) : executeRaw(query));
  return () => ended;
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
        // rows as objects, for the statements run on the connection directly (see direct-rows.ts)
        all: () => statement.raw(false).all(params),
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
