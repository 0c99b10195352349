import { mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { DatabaseStartupError, parseDatabaseUrl, startDatabase } from "../src/index.ts";

const tempDirs: string[] = [];
function tempDir(prefix: string): string {
  const dir = mkdtempSync(path.join(tmpdir(), prefix));
  tempDirs.push(dir);
  return dir;
}
afterAll(() => {
  for (const dir of tempDirs) rmSync(dir, { recursive: true, force: true });
});

async function startupError(url: string): Promise<DatabaseStartupError> {
  const err = await startDatabase(parseDatabaseUrl(url)).then(
    async (db) => {
      await db.close();
      throw new Error(`expected ${url} to fail`);
    },
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(DatabaseStartupError);
  const message = (err as Error).message;
  expect(message.split("\n")).toHaveLength(1);
  return err as DatabaseStartupError;
}

describe("DATABASE_URL", () => {
  it("defaults to a SQLite file under ./data of the start directory", () => {
    expect(parseDatabaseUrl(undefined, "/srv/app")).toEqual({
      provider: "sqlite",
      url: "file:./data/langgraph.db",
      file: "/srv/app/data/langgraph.db",
      synchronous: "normal",
    });
  });

  it("takes SQLITE_SYNCHRONOUS normal or full, and refuses anything else naming the setting", () => {
    expect(parseDatabaseUrl("file:/var/lib/x.db", "/", "FULL")).toMatchObject({ synchronous: "full" });
    expect(parseDatabaseUrl("file:/var/lib/x.db", "/", "")).toMatchObject({ synchronous: "normal" });
    expect(() => parseDatabaseUrl("file:/var/lib/x.db", "/", "off")).toThrow(/SQLITE_SYNCHRONOUS="off".*normal.*full/);
  });

  it("accepts file:, postgresql:// and postgres:// URLs", () => {
    expect(parseDatabaseUrl("file:/var/lib/x.db").provider).toBe("sqlite");
    expect(parseDatabaseUrl("postgresql://u:p@db:5432/app").provider).toBe("postgresql");
    expect(parseDatabaseUrl("postgres://u@db/app").provider).toBe("postgresql");
    // behind PgBouncer's transaction mode the server's statements must not be prepared by name
    expect(parseDatabaseUrl("postgresql://u@db/app")).toMatchObject({ preparedStatements: true });
    expect(parseDatabaseUrl("postgresql://u@db/app?pgbouncer=true")).toMatchObject({ preparedStatements: false });
  });

  it("refuses any other URL with one line naming DATABASE_URL and the accepted forms", () => {
    for (const url of ["mysql://root@localhost/app", "sqlite.db", "file:", "http://x"]) {
      const err = (() => {
        try {
          parseDatabaseUrl(url);
        } catch (e) {
          return e as Error;
        }
        throw new Error(`accepted ${url}`);
      })();
      expect(err).toBeInstanceOf(DatabaseStartupError);
      expect(err.message).toContain("DATABASE_URL");
      expect(err.message).not.toContain("\n");
    }
  });

  it("never prints a PostgreSQL password in its messages", async () => {
    const err = await startupError("postgresql://postgres:s3cret@127.0.0.1:1/app");
    expect(err.message).not.toContain("s3cret");
  });
});

describe("start-up on a bad database", () => {
  it("creates the SQLite folder and file on first start", async () => {
    const dir = tempDir("lgrs-first-");
    const file = path.join(dir, "nested", "data", "app.db");
    const db = await startDatabase(parseDatabaseUrl(`file:${file}`));
    try {
      expect(existsSync(file)).toBe(true);
      expect(db.migrations.pending).toEqual([]);
      expect(await db.prisma.thread.count()).toBe(0);
    } finally {
      await db.close();
    }
  });

  it("reports a corrupt SQLite file and leaves it untouched", async () => {
    const file = path.join(tempDir("lgrs-corrupt-"), "app.db");
    writeFileSync(file, "this is not a database, it is a shopping list".repeat(100));
    const before = readFileSync(file);
    const err = await startupError(`file:${file}`);
    expect(err.message).toMatch(/corrupt or not a database/);
    expect(err.message).toContain(file);
    expect(readFileSync(file)).toEqual(before);
  });

  it("reports a SQLite path that cannot be created", async () => {
    const blocker = path.join(tempDir("lgrs-blocked-"), "a-file");
    writeFileSync(blocker, "");
    const err = await startupError(`file:${blocker}/data/app.db`);
    expect(err.message).toMatch(/Cannot create the folder for the SQLite database/);
  });

  it("reports a SQLite path that is a folder", async () => {
    const dir = tempDir("lgrs-dir-");
    const err = await startupError(`file:${dir}`);
    expect(err.message).toMatch(/is a folder/);
  });

  it("reports an unreachable PostgreSQL with host and port", async () => {
    const err = await startupError("postgresql://postgres@127.0.0.1:1/app");
    expect(err.message).toBe("Cannot reach PostgreSQL at 127.0.0.1:1 (ECONNREFUSED): check DATABASE_URL and that the server is running.");
  });
});
