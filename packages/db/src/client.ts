import { PrismaClient as SqlitePrismaClient } from "./generated/sqlite/client.ts";
import { PrismaClient as PostgresPrismaClient } from "./generated/postgresql/client.ts";
import type { DatabaseConfig, Provider } from "./config.ts";
import { migrate, type MigrationStatus } from "./migrate.ts";
import { TunedPgAdapter } from "./pg-adapter.ts";
import { TunedSqliteAdapter } from "./sqlite-adapter.ts";

/**
 * The Prisma client type the repositories are written against. Both generated
 * clients come from one model; the SQLite one is the narrower API (no
 * PostgreSQL-only filters), so code typed against it runs on either.
 */
export type PrismaDb = SqlitePrismaClient;

export interface Database {
  provider: Provider;
  config: DatabaseConfig;
  prisma: PrismaDb;
  close(): Promise<void>;
}

/**
 * A burst of requests (or a busy fleet worker's fenced writes) can hold every pooled
 * connection for a moment: a transaction then waits for one instead of failing after
 * Prisma's default 2 s (P2028), which a client would see as a server error.
 */
const TRANSACTION_OPTIONS = { maxWait: 10_000 };

/**
 * The clients made here: which database each talks to and its adapter, for the
 * statements written in SQL (see raw-insert.ts and direct-rows.ts), which run on its
 * connection (SQLite) or pool (PostgreSQL) directly.
 */
const clients = new WeakMap<object, { provider: Provider; sqlite?: TunedSqliteAdapter; pg?: TunedPgAdapter }>();

/**
 * The SQLite adapter of a client made here once it has connected, for statements run
 * on its connection directly; undefined for anything else (a transaction, PostgreSQL).
 */
export function sqliteDirect(db: object): TunedSqliteAdapter | undefined {
  const sqlite = clients.get(db)?.sqlite;
  return sqlite?.connection ? sqlite : undefined;
}

/** The PostgreSQL adapter of a client made here once it has connected, for statements run on its pool directly. */
export function pgDirect(db: object): TunedPgAdapter | undefined {
  const pg = clients.get(db)?.pg;
  return pg?.pool ? pg : undefined;
}

export function providerOf(prisma: PrismaDb): Provider {
  const made = clients.get(prisma);
  if (!made) throw new Error("this Prisma client was not made by createPrismaClient");
  return made.provider;
}

export function createPrismaClient(config: DatabaseConfig): PrismaDb {
  if (config.provider === "sqlite") {
    const sqlite = new TunedSqliteAdapter({ url: config.file, timeout: 5000 }, config.synchronous ?? "normal");
    const client = new SqlitePrismaClient({ adapter: sqlite, transactionOptions: TRANSACTION_OPTIONS });
    clients.set(client, { provider: "sqlite", sqlite });
    return client;
  }
  const pg = new TunedPgAdapter({ connectionString: config.url }, config.preparedStatements ?? true);
  const client = new PostgresPrismaClient({ adapter: pg, transactionOptions: TRANSACTION_OPTIONS }) as unknown as PrismaDb;
  clients.set(client, { provider: "postgresql", pg });
  return client;
}

export function openDatabase(config: DatabaseConfig): Database {
  const prisma = createPrismaClient(config);
  return {
    provider: config.provider,
    config,
    prisma,
    close: () => prisma.$disconnect(),
  };
}

export interface StartOptions {
  log?: (line: string) => void;
  prismaDir?: string;
}

/** Applies pending migrations, then opens the Prisma client: what start-up does. */
export async function startDatabase(
  config: DatabaseConfig,
  options: StartOptions = {},
): Promise<Database & { migrations: MigrationStatus }> {
  const migrations = await migrate(config, options);
  return { ...openDatabase(config), migrations };
}
