import { isDeepStrictEqual } from "node:util";
import { Hono, type Context } from "hono";
import { z } from "zod";
import { ALL, IN_FLIGHT, asObject, type Assistant, type AssistantPatch } from "@lgrs/db";
import { resolveAssistant, type GraphConfig } from "@lgrs/runtime";
import type { ShimEnv } from "../env.ts";
import { HttpError, invalid } from "../http-errors.ts";
import { flag, jsonObject } from "../schemas.ts";
import { body, query, uuidString } from "../validate.ts";
import { scanPages, sortRows } from "../scan.ts";
import { assistantToWire } from "../wire.ts";
import { assistantVersionToWire, selectFields } from "../wire-extra.ts";

type C = Context<ShimEnv>;

/** At most this many assistants are read for one search or count (sorting and the name filter happen here). */
const SCAN_LIMIT = 10_000;

/** A run config as the LangGraph API takes it (the same shape as a run's `config`). */
const runnableConfig = z
  .object({
    configurable: jsonObject.optional(),
    tags: z.array(z.string()).optional(),
    recursion_limit: z.number().int().positive().optional(),
  })
  .passthrough();

const SELECT_FIELDS = [
  "assistant_id",
  "graph_id",
  "name",
  "description",
  "config",
  "context",
  "created_at",
  "updated_at",
  "metadata",
  "version",
] as const;

/** What an assistant is made of, set on create and changed by PATCH. */
const assistantFields = {
  config: runnableConfig.nullish(),
  context: jsonObject.nullish(),
  metadata: jsonObject.nullish(),
  name: z.string().min(1).nullish(),
  description: z.string().nullish(),
};

const createBody = z
  .object({
    graph_id: z.string().min(1),
    assistant_id: uuidString.nullish(),
    if_exists: z.enum(["raise", "do_nothing"]).nullish(),
    ...assistantFields,
  })
  .strict();

const patchBody = z.object({ graph_id: z.string().min(1).nullish(), ...assistantFields }).strict();

const filters = {
  graph_id: z.string().min(1).nullish(),
  metadata: jsonObject.nullish(),
  /** a case-insensitive part of the name */
  name: z.string().nullish(),
};

const searchBody = z
  .object({
    ...filters,
    limit: z.number().int().min(1).max(1000).default(10),
    offset: z.number().int().min(0).max(SCAN_LIMIT).default(0),
    sort_by: z.enum(["assistant_id", "graph_id", "name", "created_at", "updated_at"]).nullish(),
    sort_order: z.enum(["asc", "desc"]).nullish(),
    select: z.array(z.enum(SELECT_FIELDS)).nullish(),
  })
  .strict();

const countBody = z.object(filters).strict();

const versionsBody = z
  .object({
    metadata: jsonObject.nullish(),
    limit: z.number().int().min(1).max(1000).default(10),
    offset: z.number().int().min(0).default(0),
  })
  .strict();

/** `?xray=true|false|<depth>` */
const xrayQuery = z
  .object({
    xray: z
      .string()
      .regex(/^(true|false|\d+)$/, "expected true, false or a depth")
      .transform((v) => (v === "true" ? true : v === "false" ? false : Number(v)))
      .optional(),
  })
  .strict();

const subgraphsQuery = z.object({ recurse: flag.default(false) }).strict();

/** The default assistant the server makes for each graph: shared by everyone, never changed through the API. */
function isSystem(a: Assistant): boolean {
  return asObject(a.metadata).created_by === "system";
}

function refuseSystem(a: Assistant, doing: string): void {
  if (isSystem(a)) throw new HttpError(409, `assistant ${a.id} is the default assistant of graph "${a.graphId}": it cannot be ${doing}`);
}

/** `metadata.created_by: "system"` marks the bundled default assistants; nobody else may claim it. */
function refuseReservedMetadata(metadata: Record<string, unknown> | null | undefined): void {
  if (metadata?.created_by === "system") {
    throw invalid([{ field: "body.metadata.created_by", message: `"system" is reserved for the default assistants` }]);
  }
}

function requireLoadedGraph(c: C, graphId: string): void {
  const { graphs } = c.var.services;
  if (!graphs.has(graphId)) {
    const loaded = graphs.ids();
    throw invalid([
      { field: "body.graph_id", message: `graph "${graphId}" is not loaded on this server (loaded: ${loaded.join(", ") || "none"})` },
    ]);
  }
}

/** Every assistant matching the database filters, read page by page (bounded). */
function scanAssistants(c: C, f: { graphId?: string; metadata?: Record<string, unknown> }): Promise<Assistant[]> {
  const { assistants } = c.var.services.runtime.repos;
  return scanPages((cursor, limit) => assistants.list({ graphId: f.graphId, metadata: f.metadata, cursor, limit }), SCAN_LIMIT);
}

async function matching(c: C, f: { graph_id?: string | null; metadata?: Record<string, unknown> | null; name?: string | null }) {
  const rows = await scanAssistants(c, { graphId: f.graph_id ?? undefined, metadata: f.metadata ?? undefined });
  const name = f.name?.toLowerCase();
  return name ? rows.filter((a) => a.name.toLowerCase().includes(name)) : rows;
}

const SORT_KEYS: Record<string, (a: Assistant) => string | number> = {
  assistant_id: (a) => a.id,
  graph_id: (a) => a.graphId,
  name: (a) => a.name,
  created_at: (a) => a.createdAt.getTime(),
  updated_at: (a) => a.updatedAt.getTime(),
};

function sortAssistants(rows: Assistant[], sortBy: string, order: "asc" | "desc"): Assistant[] {
  return sortRows(rows, SORT_KEYS[sortBy]!, order);
}

async function assistantParam(c: C): Promise<Assistant> {
  return resolveAssistant(c.var.services.runtime.repos, c.req.param("assistant_id") ?? "");
}

/**
 * The subgraphs of the assistant's graph, keyed by namespace. LangGraph's server
 * gives each one's JSON schemas; we only know those of whole graphs (see
 * GraphRegistry.describe), so each entry names the graph and has null schemas.
 */
async function subgraphs(c: C, assistant: Assistant, namespace: string | undefined, recurse: boolean) {
  const { graphs, runtime } = c.var.services;
  const graph = await graphs.compile(assistant.graphId, {
    checkpointer: runtime.checkpointer,
    store: runtime.store,
    config: asObject(assistant.config) as GraphConfig,
  });
  const get = (graph as { getSubgraphsAsync?: (ns?: string, recurse?: boolean) => AsyncIterable<[string, unknown]> }).getSubgraphsAsync;
  const out: Record<string, unknown> = {};
  if (typeof get !== "function") return out;
  for await (const [ns] of get.call(graph, namespace, recurse)) {
    out[ns] = {
      graph_id: assistant.graphId,
      input_schema: null,
      output_schema: null,
      state_schema: null,
      config_schema: null,
      context_schema: null,
    };
  }
  return out;
}

export const assistantRoutes = new Hono<ShimEnv>()
  .post("/assistants", async (c) => {
    const b = await body(c, createBody);
    requireLoadedGraph(c, b.graph_id);
    refuseReservedMetadata(b.metadata);
    const { repos } = c.var.services.runtime;
    if (b.assistant_id) {
      const existing = await repos.assistants.get(b.assistant_id);
      if (existing) {
        if (b.if_exists === "do_nothing") return c.json(assistantToWire(existing));
        throw new HttpError(409, `assistant ${b.assistant_id} already exists`);
      }
    }
    const created = await repos.assistants.create({
      id: b.assistant_id ?? undefined,
      graphId: b.graph_id,
      name: b.name ?? b.graph_id,
      description: b.description ?? null,
      config: b.config ?? {},
      context: b.context ?? null,
      metadata: b.metadata ?? {},
      ownerId: c.var.caller.userId,
    });
    return c.json(assistantToWire(created));
  })

  .post("/assistants/search", async (c) => {
    const b = await body(c, searchBody);
    const rows = sortAssistants(await matching(c, b), b.sort_by ?? "created_at", b.sort_order ?? "desc");
    const page = rows.slice(b.offset, b.offset + b.limit);
    if (rows.length > b.offset + b.limit) c.header("X-Pagination-Next", String(b.offset + b.limit));
    return c.json(page.map((a) => selectFields(assistantToWire(a), b.select ?? undefined)));
  })

  .post("/assistants/count", async (c) => {
    const b = await body(c, countBody);
    return c.json((await matching(c, b)).length);
  })

  .get("/assistants/:assistant_id", async (c) => c.json(assistantToWire(await assistantParam(c))))

  .patch("/assistants/:assistant_id", async (c) => {
    const b = await body(c, patchBody);
    const assistant = await assistantParam(c);
    refuseSystem(assistant, "changed");
    if (b.graph_id) requireLoadedGraph(c, b.graph_id);
    refuseReservedMetadata(b.metadata);
    // as LangGraph: the given fields replace the current ones, except metadata, which is merged
    const patch: AssistantPatch = {
      graphId: b.graph_id ?? undefined,
      name: b.name ?? undefined,
      description: b.description === undefined ? undefined : b.description,
      config: b.config ?? undefined,
      context: b.context ?? undefined,
      metadata: b.metadata ? { ...asObject(assistant.metadata), ...b.metadata } : undefined,
    };
    const updated = await c.var.services.runtime.repos.assistants.update(assistant.id, patch);
    if (!updated) throw new HttpError(404, `assistant ${assistant.id} not found`);
    return c.json(assistantToWire(updated));
  })

  .delete("/assistants/:assistant_id", async (c) => {
    const q = query(c, z.object({ delete_threads: flag.default(false) }).strict());
    const assistant = await assistantParam(c);
    refuseSystem(assistant, "deleted");
    const { runtime } = c.var.services;
    // its runs go with it (foreign key): never pull a row from under a run that is executing
    const inFlight = await runtime.repos.runs.list(ALL, { assistantId: assistant.id, status: IN_FLIGHT, limit: 1 });
    if (inFlight.items.length > 0) {
      throw new HttpError(
        409,
        `assistant ${assistant.id} has a run in flight (${inFlight.items[0]!.id}): cancel it before deleting the assistant`,
      );
    }
    if (q.delete_threads) {
      // the caller's own threads whose runs used this assistant
      const scope = c.var.caller.scope;
      for (;;) {
        const page = await runtime.repos.threads.list(scope, { metadata: { assistant_id: assistant.id }, limit: 100 });
        for (const thread of page.items) await runtime.threads.delete(scope, thread.id);
        if (!page.nextCursor) break;
      }
    }
    if (!(await runtime.repos.assistants.delete(assistant.id))) throw new HttpError(404, `assistant ${assistant.id} not found`);
    return c.body(null, 204);
  })

  .get("/assistants/:assistant_id/graph", async (c) => {
    const { xray } = query(c, xrayQuery);
    const assistant = await assistantParam(c);
    const { graph } = await c.var.services.graphs.describe(assistant.graphId, {
      config: asObject(assistant.config) as GraphConfig,
      ...(xray !== undefined ? { xray } : {}),
    });
    return c.json(graph);
  })

  .get("/assistants/:assistant_id/schemas", async (c) => {
    const assistant = await assistantParam(c);
    const { schemas } = await c.var.services.graphs.describe(assistant.graphId, { config: asObject(assistant.config) as GraphConfig });
    return c.json({
      graph_id: assistant.graphId,
      input_schema: schemas.input ?? null,
      output_schema: schemas.output ?? null,
      state_schema: schemas.state ?? null,
      config_schema: schemas.config ?? null,
      // GraphRegistry does not derive a context schema
      context_schema: null,
    });
  })

  .get("/assistants/:assistant_id/subgraphs", async (c) => {
    const { recurse } = query(c, subgraphsQuery);
    return c.json(await subgraphs(c, await assistantParam(c), undefined, recurse));
  })

  .get("/assistants/:assistant_id/subgraphs/:namespace", async (c) => {
    const { recurse } = query(c, subgraphsQuery);
    return c.json(await subgraphs(c, await assistantParam(c), c.req.param("namespace"), recurse));
  })

  .post("/assistants/:assistant_id/versions", async (c) => {
    const b = await body(c, versionsBody);
    const assistant = await assistantParam(c);
    const metadata = b.metadata ?? {};
    const versions = (await c.var.services.runtime.repos.assistants.versions(assistant.id)).filter((v) =>
      Object.entries(metadata).every(([k, value]) => isDeepStrictEqual(asObject(v.metadata)[k], value)),
    );
    return c.json(versions.slice(b.offset, b.offset + b.limit).map(assistantVersionToWire));
  });
