import { getRuntime } from "@/server/runtime.ts";

// the API answers per request and streams subscriptions: never cached or prerendered
export const runtime = "nodejs";
export const dynamic = "force-dynamic";

function handle(req: Request): Promise<Response> {
  return getRuntime().handlers.trpc(req);
}

export { handle as GET, handle as POST };
