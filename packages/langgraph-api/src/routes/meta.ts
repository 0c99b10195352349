import { Hono } from "hono";
import type { ShimEnv } from "../env.ts";

const VERSION = "0.1.0";

/** Liveness and server info: public, as on LangGraph Platform. */
export const metaRoutes = new Hono<ShimEnv>()
  .get("/ok", (c) => c.json({ ok: true }))
  .get("/info", (c) =>
    c.json({
      version: VERSION,
      langgraph_js_version: null,
      flags: { assistants: true, crons: true, langsmith: false, langsmith_tracing_replicas: false },
      host: { kind: "self-hosted", project_id: null, revision_id: null, tenant_id: null },
      graphs: c.var.services.runtime.graphIds(),
    }),
  );
