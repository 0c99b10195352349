import { mkdirSync, existsSync, statSync } from "node:fs";
import path from "node:path";
import Sqlite from "better-sqlite3";
import pg from "pg";
import { redactUrl, type DatabaseConfig } from "./config.ts";
import { DatabaseStartupError } from "./errors.ts";

/**
 * A raw driver connection: what the migration applier needs and nothing more.
 * Prisma is not used for migrations because Prisma 7 applies them only through
 * its native schema engine, which this server must not depend on.
 */
export interface RawConnection {
  provider: DatabaseConfig["provider"];
  /** Runs a script of one or more statements, no parameters. */
  exec(sql: string): Promise<void>;
  /** Runs one statement with positional parameters ($1.. on PostgreSQL, ? on SQLite: write `?` and it is translated). */
  query<T = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<T[]>;
  close(): Promise<void>;
}

export async function openRawConnection(config: DatabaseConfig): Promise<RawConnection> {
  return config.provider === "sqlite" ? openSqlite(config.file) : openPostgres(config.url);
}

function openSqlite(file: string): RawConnection {
  const dir = path.dirname(file);
  try {
    mkdirSync(dir, { recursive: true });
  } catch (err) {
    throw new DatabaseStartupError(
      `Cannot create the folder for the SQLite database ${file} (${errorCode(err)}): set DATABASE_URL to a writable file: path.`,
    );
  }
  if (existsSync(file) && statSync(file).isDirectory()) {
    throw new DatabaseStartupError(`The SQLite database path ${file} is a folder: set DATABASE_URL to a file path.`);
  }
  let db: Sqlite.Database;
  try {
    db = new Sqlite(file, { timeout: 5000 });
    // Touches the file header, so a file that is not a database fails here, not mid-migration.
    db.pragma("schema_version");
    // WAL lets the dashboard read while runs write; the setting is stored in the file.
    db.pragma("journal_mode = WAL");
  } catch (err) {
    throw new DatabaseStartupError(describeSqliteError(file, err));
  }
  return {
    provider: "sqlite",
    async exec(sql) {
      db.exec(sql);
    },
    async query<T>(sql: string, params: unknown[] = []) {
      const stmt = db.prepare(sql);
      if (stmt.reader) return stmt.all(...params.map(toSqliteValue)) as T[];
      stmt.run(...params.map(toSqliteValue));
      return [];
    },
    async close() {
      db.close();
    },
  };
}

// Prisma's engines bind DateTime on SQLite as milliseconds since the epoch; doing the
// same keeps `_prisma_migrations` rows identical to the ones Prisma writes.
function toSqliteValue(v: unknown): unknown {
  if (v instanceof Date) return v.getTime();
  if (typeof v === "boolean") return v ? 1 : 0;
  return v;
}

export function describeSqliteError(file: string, err: unknown): string {
  const code = errorCode(err);
  const message = err instanceof Error ? err.message : String(err);
  if (code === "SQLITE_NOTADB" || code === "SQLITE_CORRUPT") {
    return `The SQLite database ${file} is corrupt or not a database (${message}): move it away or set DATABASE_URL to another file.`;
  }
  if (code === "SQLITE_READONLY" || code === "SQLITE_CANTOPEN" || code === "SQLITE_PERM" || code === "EACCES") {
    return `Cannot write the SQLite database ${file} (${message}): make it writable or set DATABASE_URL to a writable file: path.`;
  }
  return `Cannot open the SQLite database ${file} (${code}: ${message}).`;
}

async function openPostgres(url: string): Promise<RawConnection> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5000 });
  // An unreachable server must not crash the process from an unhandled 'error' event.
  client.on("error", () => {});
  try {
    await client.connect();
  } catch (err) {
    await client.end().catch(() => {});
    throw new DatabaseStartupError(describePostgresError(url, err));
  }
  return {
    provider: "postgresql",
    async exec(sql) {
      await client.query(sql);
    },
    async query<T>(sql: string, params: unknown[] = []) {
      let i = 0;
      const text = sql.replace(/\?/g, () => `$${++i}`);
      const result = await client.query(text, params);
      return result.rows as T[];
    },
    async close() {
      await client.end();
    },
  };
}

export function describePostgresError(url: string, err: unknown): string {
  const code = errorCode(err);
  const message = err instanceof Error ? err.message : String(err);
  let where = redactUrl(url);
  let database = "";
  try {
    const u = new URL(url);
    where = `${u.hostname || "localhost"}:${u.port || 5432}`;
    database = decodeURIComponent(u.pathname.slice(1));
  } catch {
    // keep the redacted URL
  }
  if (code === "3D000") {
    return `PostgreSQL database "${database}" does not exist on ${where}: create it (createdb ${database}) or fix DATABASE_URL.`;
  }
  if (code === "28P01" || code === "28000") {
    return `PostgreSQL at ${where} refused the credentials in DATABASE_URL (${message}).`;
  }
  return `Cannot reach PostgreSQL at ${where} (${code || message}): check DATABASE_URL and that the server is running.`;
}

export function errorCode(err: unknown): string {
  if (err && typeof err === "object" && "code" in err && typeof err.code === "string") return err.code;
  if (err instanceof Error && /timeout/i.test(err.message)) return "ETIMEDOUT";
  return "unknown error";
}
