import type { Context } from "hono";
import type { OffsetPage, SortOrder } from "@lgrs/runtime";
import { selectFields } from "./wire-extra.ts";

/** The window fields of a LangGraph search body (`offset`, `limit`, `sort_by`, `sort_order`, `select`). */
interface SearchWindowBody<W extends string> {
  offset: number;
  limit: number;
  sort_by?: W | null;
  sort_order?: SortOrder | null;
  select?: readonly string[] | null;
}

/** The runtime's window for a search body: the wire's sort field named as the runtime names it; newest first by default. */
export function searchWindow<W extends string, K extends string>(b: SearchWindowBody<W>, sortKeys: Record<W, K>, byDefault: W) {
  return { sortBy: sortKeys[b.sort_by ?? byDefault], sortOrder: b.sort_order ?? ("desc" as const), offset: b.offset, limit: b.limit };
}

/**
 * A search's answer as LangGraph gives it: the page's rows on the wire, only the
 * selected fields, and `X-Pagination-Next` (the next offset) when more rows follow.
 */
export function searchAnswer<T, W extends object>(c: Context, page: OffsetPage<T>, b: SearchWindowBody<string>, toWire: (row: T) => W) {
  if (page.hasMore) c.header("X-Pagination-Next", String(b.offset + b.limit));
  return c.json(page.items.map((row) => selectFields(toWire(row), b.select ?? undefined)));
}
