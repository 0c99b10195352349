#!/usr/bin/env node
// Derives prisma/sqlite/schema.prisma from prisma/postgresql/schema.prisma, the one
// source of truth for the data model. With --check it only compares and fails on drift.
import { readFileSync, writeFileSync, existsSync } from "node:fs";
import { fileURLToPath, pathToFileURL } from "node:url";
import path from "node:path";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const source = path.join(root, "prisma/postgresql/schema.prisma");
const target = path.join(root, "prisma/sqlite/schema.prisma");

export function deriveSqliteSchema(pgSchema) {
  const body = pgSchema
    // the source's own header comment does not apply to the copy
    .replace(/^(\/\/.*\n)+\n/, "")
    .replace(/provider\s*=\s*"postgresql"/, 'provider = "sqlite"')
    .replace("generated/postgresql", "generated/sqlite")
    // native column types exist only on PostgreSQL
    .replace(/[ \t]+@db\.\w+(\([^)]*\))?/g, "")
    // so do GIN indexes: dropped with the comment line right above them
    .replace(/^([ \t]*\/\/.*\n)?[ \t]*@@index\(.*type: Gin.*\)\n/gm, "");
  return (
    "// GENERATED from prisma/postgresql/schema.prisma by `npm run db:derive`. Do not edit:\n" +
    "// change the PostgreSQL schema and derive again (`npm run db:check` fails on drift).\n\n" +
    body
  );
}

/** Compares (check) or writes the derived schema; returns the exit code. */
export function run({ check, sourceFile = source, targetFile = target }) {
  const wanted = deriveSqliteSchema(readFileSync(sourceFile, "utf8"));
  if (check) {
    const actual = existsSync(targetFile) ? readFileSync(targetFile, "utf8") : "";
    if (actual !== wanted) {
      console.error(
        "prisma/sqlite/schema.prisma has drifted from prisma/postgresql/schema.prisma: run `npm run db:derive` and add a migration for both providers.",
      );
      return 1;
    }
    console.log("prisma schemas agree (sqlite is derived from postgresql)");
    return 0;
  }
  writeFileSync(targetFile, wanted);
  console.log(`wrote ${path.relative(root, targetFile)}`);
  return 0;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  process.exitCode = run({ check: process.argv.includes("--check") });
}
