import path from "node:path";
import { DatabaseStartupError } from "./errors.ts";

import type { SqliteSynchronous } from "./sqlite-adapter.ts";

export type DatabaseConfig =
  | {
      provider: "sqlite";
      url: string;
      file: string;
      /** SQLITE_SYNCHRONOUS: `normal` (the default) survives a process crash, `full` also an OS crash or power cut */
      synchronous?: SqliteSynchronous;
    }
  | {
      provider: "postgresql";
      url: string;
      /**
       * Whether the server's hot statements are prepared once per connection (named);
       * `pgbouncer=true` in the URL turns it off, for PgBouncer's transaction mode,
       * where a connection's prepared statements are not the client's.
       */
      preparedStatements?: boolean;
    };

export type Provider = DatabaseConfig["provider"];

/** The embedded default: a SQLite file under ./data of the directory the server starts in. */
export const DEFAULT_DATABASE_URL = "file:./data/langgraph.db";

/**
 * Reads DATABASE_URL. `file:` URLs are SQLite (relative paths resolve against
 * `cwd`), `postgresql://` and `postgres://` are PostgreSQL; anything else is a
 * start-up error rather than a silent fallback to the default.
 */
export function parseDatabaseUrl(raw: string | undefined, cwd: string = process.cwd(), synchronous?: string): DatabaseConfig {
  const url = raw?.trim() || DEFAULT_DATABASE_URL;
  if (url.startsWith("file:")) {
    const rest =
      url
        .slice("file:".length)
        .replace(/^\/\/(?=\/)/, "")
        .split("?")[0] ?? "";
    if (rest === "" || rest === ":memory:") {
      throw new DatabaseStartupError(`DATABASE_URL "${url}" names no SQLite file: use file:./data/langgraph.db or an absolute path.`);
    }
    return { provider: "sqlite", url, file: path.resolve(cwd, rest), synchronous: parseSynchronous(synchronous) };
  }
  if (/^postgres(ql)?:\/\//.test(url)) {
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      throw new DatabaseStartupError(`DATABASE_URL is not a valid PostgreSQL URL: expected postgresql://user:password@host:5432/database.`);
    }
    return { provider: "postgresql", url, preparedStatements: parsed.searchParams.get("pgbouncer") !== "true" };
  }
  const scheme = url.includes(":") ? url.slice(0, url.indexOf(":") + 1) : url;
  throw new DatabaseStartupError(
    `DATABASE_URL "${redact(scheme)}..." is not supported: use file:./path.db for SQLite or postgresql://user:password@host:5432/database for PostgreSQL.`,
  );
}

/**
 * SQLITE_SYNCHRONOUS: how a commit reaches the disk. `normal` (the default) keeps
 * every commit through a crash or kill of the server; `full` waits for the disk on
 * each commit so that an OS crash or power cut cannot take the last ones either,
 * at about a millisecond per commit.
 */
function parseSynchronous(raw: string | undefined): SqliteSynchronous {
  const value = raw?.trim().toLowerCase() || "normal";
  if (value === "normal" || value === "full") return value;
  throw new DatabaseStartupError(`SQLITE_SYNCHRONOUS="${redact(raw ?? "")}" is not supported: use normal (the default) or full.`);
}

/** Hides the password of a URL so messages and logs can show where we connect. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = "***";
    return u.toString();
  } catch {
    return url;
  }
}

function redact(s: string): string {
  return s.length > 40 ? `${s.slice(0, 40)}` : s;
}
