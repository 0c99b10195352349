import type { Page } from "@lgrs/db";

/**
 * Searches the repositories cannot answer alone (a name substring, a values
 * filter, another order, a count) read the matching rows page by page, up to a
 * bound, and finish here.
 */

/** Every row of a cursor-paginated list (those `keep` accepts), newest first, at most `max`. */
export async function scanPages<T>(
  list: (cursor: string | null, limit: number) => Promise<Page<T>>,
  max: number,
  keep: (row: T) => boolean = () => true,
): Promise<T[]> {
  const out: T[] = [];
  let cursor: string | null = null;
  do {
    const page: Page<T> = await list(cursor, Math.min(500, max - out.length));
    out.push(...page.items.filter(keep));
    cursor = page.nextCursor;
  } while (cursor && out.length < max);
  return out.slice(0, max);
}

/** Rows ordered by `key`, ties broken by id, in either direction. */
export function sortRows<T extends { id: string }>(rows: T[], key: (row: T) => string | number, order: "asc" | "desc"): T[] {
  const sign = order === "asc" ? 1 : -1;
  return [...rows].sort((a, b) => {
    const ka = key(a);
    const kb = key(b);
    if (ka !== kb) return (ka < kb ? -1 : 1) * sign;
    return (a.id < b.id ? -1 : a.id > b.id ? 1 : 0) * sign;
  });
}
