import { getLiveness } from "@/server/health.ts";
import { refuseWrite } from "@/server/error-answers.ts";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

/** Liveness: the process is up and serving. Never looks at the database or Redis (a restart would not fix them). */
export function GET(): Response {
  return Response.json(getLiveness(), { headers: { "Cache-Control": "no-store" } });
}

export { refuseWrite as POST, refuseWrite as PUT, refuseWrite as PATCH, refuseWrite as DELETE };
