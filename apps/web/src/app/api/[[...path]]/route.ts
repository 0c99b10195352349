import { errorAnswer, errorResponse } from "@/server/error-answers.ts";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

/**
 * Every path under /api that no route serves (the routes beside this one are more
 * specific, so they win): a JSON 404 for API clients instead of the dashboard's HTML
 * page. Under /api/trpc (the bare /api/trpc) it is in tRPC's shape.
 */
function notFound(req: Request): Response {
  const { pathname } = new URL(req.url);
  return errorResponse(errorAnswer(pathname, 404, `no endpoint ${req.method} ${pathname}`));
}

export { notFound as GET, notFound as HEAD, notFound as POST, notFound as PUT, notFound as PATCH, notFound as DELETE, notFound as OPTIONS };
