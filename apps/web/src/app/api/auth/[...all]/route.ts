import { getRuntime } from "@/server/runtime.ts";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

function handle(req: Request): Promise<Response> {
  return getRuntime().handlers.auth(req);
}

export { handle as GET, handle as POST };
