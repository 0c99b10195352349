/**
 * Searches with an offset window, and counts, in SQL of our own. Prisma's filters
 * cannot say "contains this JSON object" (PostgreSQL's `@>`, which the GIN index on
 * thread metadata answers), nor "contains this text" literally (its `contains`
 * passes `%` and `_` through as wildcards), and its order by text differs between
 * the databases (PostgreSQL sorts enums by declaration and text by the database's
 * collation). So a search selects the ids of one page here, and the rows are then
 * read through Prisma as everywhere else.
 */
import type { Provider } from "../config.ts";
import { Prisma } from "../generated/sqlite/client.ts";
import type { PrismaDb } from "../client.ts";
import type { JsonObject } from "./json.ts";
import { decodeCursor, InvalidWindowError } from "./pagination.ts";

export type SortOrder = "asc" | "desc";

/** Which page of a search: `limit` rows after skipping `offset`, in `sortBy` order (ties broken by id). */
export interface OffsetWindow<K extends string> {
  sortBy?: K;
  sortOrder?: SortOrder;
  offset?: number;
  limit?: number;
}

export interface OffsetPage<T> {
  items: T[];
  /** rows follow this page (the next one starts at offset + limit) */
  hasMore: boolean;
}

export const DEFAULT_SEARCH_LIMIT = 10;
export const MAX_SEARCH_LIMIT = 1000;
/** The furthest a search may skip: beyond it a search is a scan, not a page (and SQL's OFFSET has a range). */
export const MAX_SEARCH_OFFSET = 1_000_000;

/** A column a search sorts by; `text` ones sort by their bytes on both databases. */
export interface SortColumn {
  column: string;
  text?: boolean;
}

const quoted = (name: string) => `"${name.replace(/"/g, '""')}"`;

/**
 * Conditions matching rows whose JSON `column` has each top-level key of `filter`
 * equal to its value (JSON equality; a missing key never matches). SQLite compares
 * the JSON text of each key, as Prisma's path filter does. On PostgreSQL, a column
 * with a GIN index (`gin`) is first narrowed by containment, which the index
 * answers; the per-key equality then makes it exact (containment would also accept
 * a sub-list or a sub-object). Without such an index containment only misleads the
 * planner (it guesses one row matches), so it is left out.
 */
export function jsonMatch(
  provider: Provider,
  column: string,
  filter: JsonObject | undefined,
  options: { gin?: boolean } = {},
): Prisma.Sql[] {
  const entries = Object.entries(filter ?? {});
  if (entries.length === 0) return [];
  const col = Prisma.raw(quoted(column));
  if (provider === "sqlite") {
    return entries.map(([key, value]) => Prisma.sql`${col} -> ${`$.${JSON.stringify(key)}`} = ${JSON.stringify(value)}`);
  }
  const equal = entries.map(([key, value]) => Prisma.sql`${col} -> ${key}::text = ${JSON.stringify(value)}::jsonb`);
  return options.gin ? [Prisma.sql`${col} @> ${JSON.stringify(filter)}::jsonb`, ...equal] : equal;
}

/**
 * `column` contains `text`, ignoring case: a literal substring, no wildcards. SQLite's
 * lower() folds ASCII letters only; PostgreSQL's folds every letter.
 */
export function containsText(provider: Provider, column: string, text: string): Prisma.Sql {
  const col = Prisma.raw(quoted(column));
  return provider === "sqlite"
    ? Prisma.sql`instr(lower(${col}), lower(${text})) > 0`
    : Prisma.sql`strpos(lower(${col}), lower(${text})) > 0`;
}

/**
 * What a find box asks for: rows any of whose `fields` contains `text`, ignoring
 * case (a literal substring, no wildcards). A field is a text column, or a JSON
 * column (optionally one top-level key of it) searched as its stored JSON text, so
 * a word inside any value matches. Case folds as in containsText.
 */
export function textIn(provider: Provider, fields: TextField[], text: string): Prisma.Sql {
  const matches = fields.map((field) => {
    const col = quoted(field.column);
    let expr: string;
    if (field.kind === "text") expr = col;
    else if (provider === "sqlite") expr = field.key ? `json_extract(${col}, '$.${field.key}')` : col;
    else expr = field.key ? `(${col} -> '${field.key}')::text` : `${col}::text`;
    return provider === "sqlite"
      ? Prisma.sql`instr(lower(${Prisma.raw(expr)}), lower(${text})) > 0`
      : Prisma.sql`strpos(lower(${Prisma.raw(expr)}), lower(${text})) > 0`;
  });
  return Prisma.sql`(${Prisma.join(matches, " OR ")})`;
}

/** A column a text search reads: plain text, or JSON (the whole document, or the value of its top-level `key`). */
export type TextField = { column: string; kind: "text" } | { column: string; kind: "json"; key?: string };

/** The condition continuing a newest-first (createdAt, id) list after `cursor` (see afterCreatedCursor). */
export function afterCursorSql(cursor: string | null | undefined): Prisma.Sql[] {
  if (!cursor) return [];
  const [ms, id] = decodeCursor(cursor, ["number", "string"]) as [number, string];
  const at = new Date(ms);
  return [Prisma.sql`("createdAt" < ${at} OR ("createdAt" = ${at} AND "id" < ${id}))`];
}

/** The ids of one newest-first cursor page of `table`'s rows matching `conditions` (one row more is read to know if more follow). */
export async function cursorPageOfIds(prisma: PrismaDb, table: string, conditions: Prisma.Sql[], limit: number): Promise<string[]> {
  const rows = await prisma.$queryRaw<
    { id: string }[]
  >`SELECT "id" FROM ${Prisma.raw(quoted(table))} ${whereClause(conditions)} ORDER BY "createdAt" DESC, "id" DESC LIMIT ${limit + 1}`;
  return rows.map((r) => r.id);
}

export function equals(column: string, value: string): Prisma.Sql {
  return Prisma.sql`${Prisma.raw(quoted(column))} = ${value}`;
}

/** `id` is one of `ids`; an empty list matches nothing. */
export function idIn(ids: string[]): Prisma.Sql {
  return ids.length === 0 ? Prisma.sql`1 = 0` : Prisma.sql`"id" IN (${Prisma.join([...new Set(ids)])})`;
}

function whereClause(conditions: Prisma.Sql[]): Prisma.Sql {
  return conditions.length === 0 ? Prisma.empty : Prisma.sql`WHERE ${Prisma.join(conditions, " AND ")}`;
}

function orderClause(provider: Provider, key: SortColumn, order: SortOrder): Prisma.Sql {
  const dir = order === "asc" ? "ASC" : "DESC";
  // byte order on PostgreSQL too (an enum cast to text first), as SQLite compares text
  const expr = provider === "postgresql" && key.text ? `(${quoted(key.column)}::text) COLLATE "C"` : quoted(key.column);
  return Prisma.raw(key.column === "id" ? `ORDER BY ${expr} ${dir}` : `ORDER BY ${expr} ${dir}, "id" ${dir}`);
}

/** The window's limit and offset, checked: a bad one is the caller's mistake, not a query to run. */
export function windowOf(window: OffsetWindow<string>): { limit: number; offset: number } {
  const limit = window.limit ?? DEFAULT_SEARCH_LIMIT;
  const offset = window.offset ?? 0;
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_SEARCH_LIMIT) {
    throw new InvalidWindowError("limit", `limit must be a whole number from 1 to ${MAX_SEARCH_LIMIT}, not ${limit}`);
  }
  if (!Number.isInteger(offset) || offset < 0 || offset > MAX_SEARCH_OFFSET)
    throw new InvalidWindowError("offset", `offset must be a whole number from 0 to ${MAX_SEARCH_OFFSET}, not ${offset}`);
  return { limit, offset };
}

export interface SearchQuery {
  table: string;
  conditions: Prisma.Sql[];
  sort: SortColumn;
  order: SortOrder;
  limit: number;
  offset: number;
}

/** The ids of one page, in order, and whether more rows follow (one row more is read to know). */
export async function pageOfIds(prisma: PrismaDb, provider: Provider, q: SearchQuery): Promise<{ ids: string[]; hasMore: boolean }> {
  const rows = await prisma.$queryRaw<
    { id: string }[]
  >`SELECT "id" FROM ${Prisma.raw(quoted(q.table))} ${whereClause(q.conditions)} ${orderClause(
    provider,
    q.sort,
    q.order,
  )} LIMIT ${q.limit + 1} OFFSET ${q.offset}`;
  const ids = rows.map((r) => r.id);
  return { ids: ids.slice(0, q.limit), hasMore: ids.length > q.limit };
}

export async function countRows(prisma: PrismaDb, table: string, conditions: Prisma.Sql[]): Promise<number> {
  const rows = await prisma.$queryRaw<
    { n: bigint | number }[]
  >`SELECT COUNT(*) AS "n" FROM ${Prisma.raw(quoted(table))} ${whereClause(conditions)}`;
  return Number(rows[0]?.n ?? 0);
}

/** `rows` (read by id) in the order of `ids`. */
export function inOrderOf<T extends { id: string }>(ids: string[], rows: T[]): T[] {
  const byId = new Map(rows.map((r) => [r.id, r]));
  return ids.flatMap((id) => {
    const row = byId.get(id);
    return row ? [row] : [];
  });
}
