/**
 * A problem with the database settings or the database itself that must stop
 * start-up. The message is one line that says what is wrong and how to fix it;
 * callers print it as is, without a stack trace.
 */
export class DatabaseStartupError extends Error {
  override name = "DatabaseStartupError";
}

/**
 * What a failed write that lost a race means to a caller: a unique violation
 * (P2002: two requests made the same id, the other won) or a missing row
 * (P2025: deleted between the check and the write). Null for anything else.
 */
export function lostRaceKind(err: unknown): "conflict" | "not_found" | null {
  const code = (err as { code?: unknown } | null)?.code;
  if (code === "P2002") return "conflict";
  if (code === "P2025") return "not_found";
  return null;
}

// PostgreSQL's SQLSTATEs for a value it cannot take: a bad byte (NUL) or escape in text or jsonb,
// an index row over its size limit, a string, number or date out of its type's range
const REFUSED_VALUE = new Set(["22021", "22P05", "54000", "22001", "22003", "22008", "22007", "22P02"]);

/**
 * Whether the database refused a value of the request (rather than failing): the
 * doors' checks keep such values out, so this is the net under them. The caller is
 * told what kind of value, never the driver's text.
 */
export function refusedValue(err: unknown): boolean {
  const meta = (err as { meta?: { driverAdapterError?: { cause?: { originalCode?: unknown } }; code?: unknown } } | null)?.meta;
  const code = meta?.driverAdapterError?.cause?.originalCode ?? meta?.code;
  return typeof code === "string" && REFUSED_VALUE.has(code);
}
