import type { Page } from "@lgrs/runtime";

/** Lists the repositories cannot answer alone read the matching rows page by page, up to a bound, and finish here. */

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
