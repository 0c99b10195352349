import { getHealth } from "@/server/health.ts";
import { refuseWrite } from "@/server/error-answers.ts";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

export async function GET(): Promise<Response> {
  const health = await getHealth();
  return Response.json(health, {
    status: health.status === "ok" ? 200 : 503,
    headers: { "Cache-Control": "no-store" },
  });
}

export { refuseWrite as POST, refuseWrite as PUT, refuseWrite as PATCH, refuseWrite as DELETE };
