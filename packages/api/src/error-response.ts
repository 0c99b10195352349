import { TRPC_ERROR_CODES_BY_KEY, type TRPC_ERROR_CODE_KEY } from "@trpc/server/rpc";
import superjson from "superjson";

/**
 * A refusal made before tRPC reads the request (a body over the limit, a path the
 * framework cannot decode), in the envelope tRPC itself answers with, so the typed
 * client reports it as a TRPCClientError with its code and message.
 */
export function trpcErrorResponse(httpStatus: number, code: TRPC_ERROR_CODE_KEY, message: string): Response {
  return Response.json(trpcErrorBody(httpStatus, code, message), { status: httpStatus });
}

/** The body of such a refusal: what the door's errorFormatter gives, wrapped by superjson; no procedure was reached, so no `path`. */
export function trpcErrorBody(httpStatus: number, code: TRPC_ERROR_CODE_KEY, message: string): { error: unknown } {
  const shape = { message, code: TRPC_ERROR_CODES_BY_KEY[code], data: { code, httpStatus, issues: null } };
  return { error: superjson.serialize(shape) };
}
