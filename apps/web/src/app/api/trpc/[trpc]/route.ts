import { methodNotAllowed } from "@/server/error-answers.ts";
import { TRPC_METHODS } from "@/server/request-guard.ts";
import { getRuntime } from "@/server/runtime.ts";

// the API answers per request and streams subscriptions: never cached or prerendered
export const runtime = "nodejs";
export const dynamic = "force-dynamic";

function handle(req: Request): Promise<Response> {
  return getRuntime().handlers.trpc(req);
}

/** Queries and subscriptions are GETs, mutations POSTs; tRPC would answer HEAD with an empty 204 for any path. */
function notAllowed(req: Request): Response {
  return methodNotAllowed(req, TRPC_METHODS);
}

function options(): Response {
  return new Response(null, { status: 204, headers: { allow: TRPC_METHODS.join(", ") } });
}

export {
  handle as GET,
  handle as POST,
  notAllowed as HEAD,
  notAllowed as PUT,
  notAllowed as PATCH,
  notAllowed as DELETE,
  options as OPTIONS,
};
