import { getRuntime } from "@/server/runtime.ts";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

/** The LangGraph Platform REST API (apiUrl `<origin>/api/langgraph`), served by the shim server.ts built. */
function handle(req: Request): Promise<Response> {
  return getRuntime().handlers.langgraph(req);
}

export { handle as GET, handle as POST, handle as PUT, handle as PATCH, handle as DELETE, handle as OPTIONS };
