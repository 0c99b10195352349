import { errorAnswer, errorResponse, methodNotAllowed } from "@/server/error-answers.ts";
import { getRuntime } from "@/server/runtime.ts";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

async function handle(req: Request): Promise<Response> {
  const res = await getRuntime().handlers.auth(req);
  if (res.status < 400 || req.method === "HEAD" || res.headers.get("content-type")?.includes("json")) return res;
  // better-auth answers an unknown endpoint with an empty 404: say what was asked for, as the other errors do
  const text = await res.text();
  if (text) return new Response(text, res);
  const { pathname } = new URL(req.url);
  const message = res.status === 404 ? `no endpoint ${req.method} ${pathname}` : `${req.method} ${pathname} was refused (${res.status})`;
  return errorResponse(errorAnswer(pathname, res.status, message));
}

function notAllowed(req: Request): Response {
  return methodNotAllowed(req, ["GET", "POST"]);
}

export { handle as GET, handle as POST, notAllowed as PUT, notAllowed as PATCH, notAllowed as DELETE };
