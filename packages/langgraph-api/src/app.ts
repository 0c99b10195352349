import { Hono } from "hono";
import { cors } from "hono/cors";
import { refuseCrossSiteWrites, requireCaller } from "./auth.ts";
import type { LanggraphServices, ShimEnv } from "./env.ts";
import { fromRuntimeError, HttpError } from "./http-errors.ts";
import { a2aRoutes } from "./a2a/a2a-routes.ts";
import { adminRoutes } from "./routes/admin.ts";
import { mcpRoutes } from "./mcp/mcp-routes.ts";
import { assistantRoutes } from "./routes/assistants.ts";
import { protocolRoutes } from "./protocol-v2/routes.ts";
import { cronRoutes } from "./routes/crons.ts";
import { metaRoutes } from "./routes/meta.ts";
import { runRoutes } from "./routes/runs.ts";
import { storeRoutes } from "./routes/store.ts";
import { threadRoutes } from "./routes/threads.ts";
import { checkPath } from "./validate.ts";

export const LANGGRAPH_BASE_PATH = "/api/langgraph";

/**
 * The LangGraph Platform REST API over our runtime, so `@langchain/langgraph-sdk`
 * (apiUrl `http://host:port/api/langgraph`) and `useStream` work unchanged.
 */
export function createLanggraphApp(services: LanggraphServices) {
  const app = new Hono<ShimEnv>().basePath(LANGGRAPH_BASE_PATH);

  // Browsers on other origins use API keys (headers), never cookies: no credentials.
  app.use(
    "*",
    cors({
      origin: "*",
      allowHeaders: [
        "Content-Type",
        "Authorization",
        "X-Api-Key",
        "Last-Event-ID",
        "X-Auth-Scheme",
        "Mcp-Protocol-Version",
        "Mcp-Session-Id",
      ],
      allowMethods: ["GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"],
      exposeHeaders: ["Content-Location", "Location", "X-Pagination-Next"],
      maxAge: 600,
    }),
  );
  app.use("*", async (c, next) => {
    c.set("services", services);
    await next();
  });
  app.use("*", refuseCrossSiteWrites);
  app.use("*", checkPath);

  app.route("/", metaRoutes);
  app.use("*", requireCaller);
  app.route("/", assistantRoutes);
  app.route("/", threadRoutes);
  // before the runs: `/runs/crons/...` must not be read as a run id
  app.route("/", cronRoutes);
  app.route("/", runRoutes);
  app.route("/", storeRoutes);
  app.route("/", protocolRoutes);
  // assistants as MCP tools and as A2A agents, as LangGraph Platform serves them
  app.route("/", mcpRoutes);
  app.route("/", a2aRoutes);
  // our own extension: graph reload (admins)
  app.route("/", adminRoutes);

  app.notFound((c) => c.json({ detail: `no endpoint ${c.req.method} ${c.req.path.slice(LANGGRAPH_BASE_PATH.length) || "/"}` }, 404));
  app.onError((err, c) => {
    const http = fromRuntimeError(err);
    if (http) return c.json(http.body(), http.status);
    c.var.services.runtime.reportError(`langgraph-api: ${c.req.method} ${c.req.path}`, err);
    return c.json({ detail: "internal error: the server logged it" }, 500);
  });
  return app;
}

/** Serves a fetch Request (the Next.js route handler delegates here). */
export function createLanggraphHandler(services: LanggraphServices): (req: Request) => Promise<Response> {
  const app = createLanggraphApp(services);
  return async (req) => app.fetch(req);
}

export { HttpError };
