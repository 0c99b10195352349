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
