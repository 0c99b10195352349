import { TRPCError } from "@trpc/server";
import { InvalidCursorError } from "@lgrs/db";
import { ConflictError, InvalidRunError, NotFoundError, ShuttingDownError } from "@lgrs/runtime";

/**
 * The tRPC error a runtime or repository error stands for. Anything else is a
 * fault of ours and stays INTERNAL_SERVER_ERROR.
 */
export function toTRPCError(err: unknown): unknown {
  if (err instanceof TRPCError) return err;
  if (err instanceof NotFoundError) return new TRPCError({ code: "NOT_FOUND", message: err.message, cause: err });
  if (err instanceof ConflictError) return new TRPCError({ code: "CONFLICT", message: err.message, cause: err });
  if (err instanceof InvalidRunError || err instanceof InvalidCursorError) {
    return new TRPCError({ code: "BAD_REQUEST", message: err.message, cause: err });
  }
  // two requests racing for one id: the loser learns it exists, the other won
  if (databaseErrorCode(err) === "P2002") return new TRPCError({ code: "CONFLICT", message: "it already exists", cause: err as Error });
  // the row went away between the check and the write (deleted meanwhile)
  if (databaseErrorCode(err) === "P2025") return new TRPCError({ code: "NOT_FOUND", message: "it no longer exists", cause: err as Error });
  if (err instanceof ShuttingDownError) return new TRPCError({ code: "SERVICE_UNAVAILABLE", message: err.message, cause: err });
  return err;
}

export function notFound(what: string): TRPCError {
  return new TRPCError({ code: "NOT_FOUND", message: `${what} not found` });
}

/** Prisma's error code (P2002 unique violation, P2025 row not found), read by shape: only packages/db knows Prisma. */
function databaseErrorCode(err: unknown): string | undefined {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === "string" && /^P\d{4}$/.test(code) ? code : undefined;
}
