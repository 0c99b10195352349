// The databases every database test runs on: SQLite always; PostgreSQL when
// TEST_DATABASE_URL (or the local server at 127.0.0.1:5432) answers. Under CI=true
// an unreachable PostgreSQL fails the run instead of being skipped.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { randomBytes } from "node:crypto";
import pg from "pg";
import { parseDatabaseUrl, type DatabaseConfig, type Provider } from "../src/config.ts";

export const POSTGRES_ADMIN_URL = process.env.TEST_DATABASE_URL ?? "postgresql://postgres@127.0.0.1:5432/postgres";

export interface TestDatabase {
  config: DatabaseConfig;
  /** removes the database (PostgreSQL) or its folder (SQLite) */
  drop(): Promise<void>;
}

export interface TestTarget {
  provider: Provider;
  /** a new empty database, created for the caller alone */
  create(): Promise<TestDatabase>;
}

async function postgresReachable(): Promise<boolean> {
  const client = new pg.Client({ connectionString: POSTGRES_ADMIN_URL, connectionTimeoutMillis: 3000 });
  client.on("error", () => {});
  try {
    await client.connect();
    await client.end();
    return true;
  } catch {
    return false;
  }
}

const sqliteTarget: TestTarget = {
  provider: "sqlite",
  async create() {
    const dir = mkdtempSync(path.join(tmpdir(), "lgrs-test-"));
    return {
      config: parseDatabaseUrl(`file:${path.join(dir, "test.db")}`),
      async drop() {
        rmSync(dir, { recursive: true, force: true });
      },
    };
  },
};

const postgresTarget: TestTarget = {
  provider: "postgresql",
  async create() {
    const name = `lgrs_test_${Date.now().toString(36)}_${randomBytes(4).toString("hex")}`;
    await adminQuery(`CREATE DATABASE "${name}"`);
    const url = new URL(POSTGRES_ADMIN_URL);
    url.pathname = `/${name}`;
    return {
      config: parseDatabaseUrl(url.toString()),
      async drop() {
        await adminQuery(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      },
    };
  },
};

async function adminQuery(sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: POSTGRES_ADMIN_URL });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

/** Resolved once per test file at import (top-level await). */
export const testTargets: TestTarget[] = await (async () => {
  if (await postgresReachable()) return [sqliteTarget, postgresTarget];
  if (process.env.CI === "true") {
    throw new Error(
      `PostgreSQL is not reachable at ${POSTGRES_ADMIN_URL} and CI=true: database tests must run on PostgreSQL too. Start it or set TEST_DATABASE_URL.`,
    );
  }
  console.warn(`PostgreSQL not reachable at ${POSTGRES_ADMIN_URL}: database tests run on SQLite only.`);
  return [sqliteTarget];
})();
