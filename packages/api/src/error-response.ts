import { TRPC_ERROR_CODES_BY_KEY, type TRPC_ERROR_CODE_KEY } from "@trpc/server/rpc";
import superjson from "superjson";

/**
 * A refusal made before tRPC reads the request (a body over the limit, a path the
 * framework cannot decode), in the envelope tRPC itself answers with, so the typed
 * client reports it as a TRPCClientError with its code and message.
 */
export function trpcErrorResponse(httpStatus: number, code: TRPC_ERROR_CODE_KEY, message: string): Response {
  const shape = { message, code: TRPC_ERROR_CODES_BY_KEY[code], data: { code, httpStatus, issues: null } };
  return Response.json({ error: superjson.serialize(shape) }, { status: httpStatus });
}
