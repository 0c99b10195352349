import { afterAll, beforeAll } from "vitest";
import { migrate } from "../src/migrate.ts";
import { openDatabase, type Database } from "../src/client.ts";
import type { TestTarget } from "./databases.ts";

/**
 * A fresh, migrated database for one describe block, dropped afterwards.
 * Returns a getter because the database exists only once beforeAll has run.
 */
export function useMigratedDatabase(target: TestTarget): () => Database {
  let database: Database | undefined;
  let drop: (() => Promise<void>) | undefined;
  beforeAll(async () => {
    const created = await target.create();
    drop = created.drop;
    await migrate(created.config);
    database = openDatabase(created.config);
  });
  afterAll(async () => {
    await database?.close();
    await drop?.();
  });
  return () => {
    if (!database) throw new Error("database not ready: call inside a test");
    return database;
  };
}
