import { getReadiness } from "@/server/health.ts";
import { refuseWrite } from "@/server/error-answers.ts";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

/** Readiness: 200 when the runtime is started and the database and Redis (in a fleet) answer; else 503. */
export async function GET(): Promise<Response> {
  const readiness = await getReadiness();
  return Response.json(readiness, {
    status: readiness.status === "ready" ? 200 : 503,
    headers: { "Cache-Control": "no-store" },
  });
}

export { refuseWrite as POST, refuseWrite as PUT, refuseWrite as PATCH, refuseWrite as DELETE };
