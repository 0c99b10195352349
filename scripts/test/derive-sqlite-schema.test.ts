import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
// @ts-expect-error plain ESM script without type declarations
import { deriveSqliteSchema, run } from "../derive-sqlite-schema.mjs";

const root = path.resolve(import.meta.dirname, "../..");
const pgSchema = readFileSync(path.join(root, "prisma/postgresql/schema.prisma"), "utf8");

describe("the SQLite schema is derived from the PostgreSQL one", () => {
  it("the checked-in SQLite schema is exactly what derivation produces", () => {
    expect(readFileSync(path.join(root, "prisma/sqlite/schema.prisma"), "utf8")).toBe(deriveSqliteSchema(pgSchema));
  });

  it("drops PostgreSQL-only column types and switches provider and client output", () => {
    const derived: string = deriveSqliteSchema(pgSchema);
    expect(derived).not.toMatch(/@db\./);
    expect(derived).toContain('provider = "sqlite"');
    expect(derived).toContain("generated/sqlite");
    expect(derived).not.toContain('postgresql"');
  });

  it("drops PostgreSQL-only GIN indexes with the comment above them, keeping the other indexes", () => {
    expect(pgSchema).toMatch(/type: Gin/);
    const derived: string = deriveSqliteSchema(pgSchema);
    expect(derived).not.toMatch(/Gin|JsonbPathOps|GIN index/);
    expect(derived).toContain("@@index([ownerId, createdAt, id])");
    expect(derived).toContain("@@index([status, updatedAt])");
  });

  it("the check fails when the copy drifts, and passes again once derived", () => {
    const dir = mkdtempSync(path.join(tmpdir(), "lgrs-derive-"));
    const sourceFile = path.join(dir, "pg.prisma");
    const targetFile = path.join(dir, "sqlite.prisma");
    writeFileSync(sourceFile, pgSchema);
    writeFileSync(targetFile, deriveSqliteSchema(pgSchema));
    expect(run({ check: true, sourceFile, targetFile })).toBe(0);
    writeFileSync(sourceFile, pgSchema.replace("model Thread {", "model Thread {\n  archived Boolean @default(false)"));
    expect(run({ check: true, sourceFile, targetFile })).toBe(1);
    expect(run({ check: false, sourceFile, targetFile })).toBe(0);
    expect(run({ check: true, sourceFile, targetFile })).toBe(0);
    expect(readFileSync(targetFile, "utf8")).toContain("archived Boolean @default(false)");
  });
});
