import { Hono } from "hono";
import type { GraphReloadResult, GraphVersion } from "@lgrs/runtime";
import type { ShimEnv } from "../env.ts";

/** Our extension beside the LangGraph API (the platform has no such call): admins only, 404 to anyone else. */

const versionWire = (v: GraphVersion) => ({ graph_id: v.graphId, hash: v.hash, loaded_at: v.loadedAt.toISOString() });

function reloadWire(result: GraphReloadResult & { status: { versions: GraphVersion[] } }) {
  return {
    updated: result.updated.map(versionWire),
    removed: result.removed,
    failed: result.failed.map((f) => ({ graph_id: f.graphId, file: f.file, error: f.error, serving: f.serving ?? null })),
    config_error: result.configError,
    versions: result.status.versions.map(versionWire),
  };
}

export const adminRoutes = new Hono<ShimEnv>().post("/admin/graphs/reload", async (c) => {
  // a body is not read: the call takes no options, so there is nothing to validate
  const result = await c.var.services.runtime.graphs.reload(c.var.caller);
  return c.json(reloadWire(result));
});
