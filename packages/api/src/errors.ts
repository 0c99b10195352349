import { TRPCError, type TRPC_ERROR_CODE_KEY } from "@trpc/server";
import { classifyError, type ErrorKind } from "@lgrs/runtime";

const CODES: Record<ErrorKind, TRPC_ERROR_CODE_KEY> = {
  not_found: "NOT_FOUND",
  forbidden: "FORBIDDEN",
  conflict: "CONFLICT",
  invalid: "BAD_REQUEST",
  too_large: "PAYLOAD_TOO_LARGE",
  unavailable: "SERVICE_UNAVAILABLE",
};

/**
 * The tRPC error a runtime or repository error stands for. Anything else is a
 * fault of ours and stays INTERNAL_SERVER_ERROR.
 */
export function toTRPCError(err: unknown): unknown {
  if (err instanceof TRPCError) return err;
  const known = classifyError(err);
  return known ? new TRPCError({ code: CODES[known.kind], message: known.message, cause: err }) : err;
}

export function notFound(what: string): TRPCError {
  return new TRPCError({ code: "NOT_FOUND", message: `${what} not found` });
}
