/**
 * Cursor pagination shared by every list. Lists are ordered newest first by
 * (createdAt, id); a cursor is the opaque position of the last item returned,
 * so pages stay stable while rows are inserted ahead of them.
 */
export interface PageRequest {
  cursor?: string | null;
  limit?: number;
}

export interface Page<T> {
  items: T[];
  /** pass back as `cursor` for the next page; null on the last page */
  nextCursor: string | null;
}

export const DEFAULT_PAGE_SIZE = 50;
export const MAX_PAGE_SIZE = 500;

/** A cursor that was not produced by us (or is from another list). */
export class InvalidCursorError extends Error {
  override name = "InvalidCursorError";
  constructor() {
    super("cursor is not valid: pass back the nextCursor of a previous page");
  }
}

/** A search window (`limit`, `offset`) out of range: the caller's mistake, naming the field. */
export class InvalidWindowError extends RangeError {
  override name = "InvalidWindowError";
  constructor(
    readonly field: "limit" | "offset",
    message: string,
  ) {
    super(message);
  }
}

export function pageSize(request: PageRequest = {}): number {
  const limit = request.limit ?? DEFAULT_PAGE_SIZE;
  if (!Number.isInteger(limit) || limit < 1) throw new RangeError("limit must be a positive whole number");
  return Math.min(limit, MAX_PAGE_SIZE);
}

export function encodeCursor(parts: (string | number)[]): string {
  return Buffer.from(JSON.stringify(parts)).toString("base64url");
}

export function decodeCursor(cursor: string, shape: ("string" | "number")[]): (string | number)[] {
  let parts: unknown;
  try {
    parts = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8"));
  } catch {
    throw new InvalidCursorError();
  }
  if (!Array.isArray(parts) || parts.length !== shape.length || parts.some((p, i) => typeof p !== shape[i])) {
    throw new InvalidCursorError();
  }
  return parts as (string | number)[];
}

/** The Prisma `where` that continues a newest-first (createdAt, id) list after `cursor`. */
export function afterCreatedCursor(cursor: string | null | undefined) {
  if (!cursor) return {};
  const [ms, id] = decodeCursor(cursor, ["number", "string"]) as [number, string];
  const at = new Date(ms);
  return { OR: [{ createdAt: { lt: at } }, { createdAt: at, id: { lt: id } }] };
}

export const newestFirst = [{ createdAt: "desc" as const }, { id: "desc" as const }];

/**
 * Cuts a page from rows fetched with `take: limit + 1`: the extra row only tells
 * whether another page exists.
 */
export function toPage<T>(rows: T[], limit: number, cursorOf: (last: T) => (string | number)[]): Page<T> {
  const items = rows.slice(0, limit);
  const last = items[items.length - 1];
  return { items, nextCursor: rows.length > limit && last ? encodeCursor(cursorOf(last)) : null };
}

export function createdCursor(row: { createdAt: Date; id: string }): (string | number)[] {
  return [row.createdAt.getTime(), row.id];
}
