import type { Provider } from "../config.ts";
import { Prisma } from "../generated/sqlite/client.ts";

export type JsonObject = Record<string, unknown>;

/** Prisma's input type for a Json column; null stores SQL NULL. */
export function jsonInput(value: unknown): Prisma.InputJsonValue | typeof Prisma.DbNull {
  return value === null || value === undefined ? Prisma.DbNull : (value as Prisma.InputJsonValue);
}

/** A JSON object for a non-null Json column (callers hold plain records; Prisma wants its JSON type). */
export function jsonObject(value: JsonObject): Prisma.InputJsonObject {
  return value as Prisma.InputJsonObject;
}

export function asObject(value: unknown): JsonObject {
  return value && typeof value === "object" && !Array.isArray(value) ? (value as JsonObject) : {};
}

/**
 * `where` clauses matching rows whose JSON column has each top-level key equal to
 * the given value. The JSON path syntax differs by provider (a string on SQLite,
 * an array on PostgreSQL), the only place the two clients' APIs disagree for us.
 */
export function jsonEquals(provider: Provider, column: string, filter: JsonObject | undefined): object[] {
  return Object.entries(filter ?? {}).map(([key, value]) => ({
    [column]: {
      path: provider === "sqlite" ? `$.${JSON.stringify(key)}` : [key],
      equals: value as Prisma.InputJsonValue,
    },
  }));
}
